// Craft Functions code: hand out a limited series of coupon codes, each exactly once, however
// many visitors ask at the same moment. The counter lives in one key and moves by
// compare-and-swap on its created_at (checkAndWrite with operator "=").
//
// Ported to KVS: the import and the createCraftKvs line replace `const { kvs } = MODULES;`.
import { createCraftKvs } from '@kvs/client';

const kvs = createCraftKvs({
  baseUrl: process.env.KVS_URL,
  namespace: process.env.KVS_NAMESPACE,
  token: process.env.KVS_TOKEN,
});

const KEY = 'current_coupon';
const COUPONS = ['SPRING-01', 'SPRING-02', 'SPRING-03', 'SPRING-04', 'SPRING-05', 'SPRING-06', 'SPRING-07', 'SPRING-08'];
const MAX_ATTEMPTS = 30;

export default async function issueCoupon(data) {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const v = await kvs.get({ key: KEY });
    const current = v[KEY];
    const index = current ? current.value.index + 1 : 0;
    if (index >= COUPONS.length) {
      return { user: data.user, coupon: null, reason: 'sold out' };
    }
    try {
      await kvs.checkAndWrite({
        key: KEY,
        value: { index, lastUser: data.user },
        operator: '=',
        // Absent: 0 never matches, but a missing record is created whatever the condition.
        unixtimeMs: current ? new Date(current.created_at).getTime() : 0,
        minutesToExpire: 60 * 24 * 7,
      });
      return { user: data.user, coupon: COUPONS[index] };
    } catch (e) {
      // 404: someone else moved the counter first; 409: they are moving it right now. Read again.
      if (e.status === 404 || e.status === 409) continue;
      throw e;
    }
  }
  return { user: data.user, coupon: null, reason: 'busy, try again' };
}
