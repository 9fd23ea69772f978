// Craft Functions code: greet a returning visitor with the time of their previous visit, and
// forget them on request. Each visitor's record expires after 30 days without a visit.
//
// Ported to KVS: the import and the createCraftKvs line replace `const { kvs } = MODULES;`.
import { createCraftKvs } from '@kvs/client';

const kvs = createCraftKvs({
  baseUrl: process.env.KVS_URL,
  namespace: process.env.KVS_NAMESPACE,
  token: process.env.KVS_TOKEN,
});

export default async function lastVisit(data) {
  const key = `visit_${data.user_id}`;
  if (data.action === 'forget') {
    await kvs.delete({ key });
    return { forgotten: true };
  }
  const v = await kvs.get({ key });
  const previous = v[key] ? v[key].value : null;
  const visits = previous ? previous.visits + 1 : 1;
  await kvs.write({ key, value: { visits, at: data.now }, minutesToExpire: 60 * 24 * 30 });
  return previous
    ? { message: `welcome back, visit ${visits}`, lastSeen: previous.at }
    : { message: 'first visit', lastSeen: null };
}
