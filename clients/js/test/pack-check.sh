#!/usr/bin/env bash
# The package as a user gets it: npm pack, then an empty project installs the tarball (offline:
# there are no runtime dependencies), imports it, type-checks against its declarations, and
# makes calls through both facades (against KVS_TEST_URL when set, as with-kvs.sh sets it).
set -euo pipefail
JS=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

TARBALL=$(cd "$JS" && npm pack --silent --pack-destination "$WORK" | tail -1)
echo "packed $TARBALL: $(tar -tzf "$WORK/$TARBALL" | sort | tr '\n' ' ')"
# Only what a user needs: no tests, examples, bench or lock file.
if tar -tzf "$WORK/$TARBALL" | grep -vqE '^package/(src/[a-z]+\.js|index\.d\.ts|README\.md|package\.json)$'; then
  echo "unexpected files in the tarball" >&2
  exit 1
fi

mkdir "$WORK/app" && cd "$WORK/app"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
npm install --offline --no-audit --no-fund --loglevel=error "$WORK/$TARBALL"
[ -z "$(ls node_modules | grep -v '^@kvs$')" ] || { echo "the install pulled in other packages: $(ls node_modules)" >&2; exit 1; }

cat > use.ts <<'TS'
import { createCraftKvs, createKVNamespace, KvsError } from '@kvs/client';
const kv = createKVNamespace({ baseUrl: 'http://localhost:8080', namespace: 'demo', token: 'kvs_x' });
const text: Promise<string | null> = kv.get('k');
const craft = createCraftKvs({ baseUrl: 'http://localhost:8080', namespace: 'demo' });
const written: Promise<number> = craft.write({ key: 'k', value: { index: 1 } }).then((v) => v.k.value.index);
export { text, written, KvsError };
TS
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "module": "NodeNext", "moduleResolution": "NodeNext", "target": "ES2022",
  "lib": ["ES2022", "DOM"], "types": [], "strict": true, "noEmit": true }, "files": ["use.ts"] }
JSON
"$JS/node_modules/.bin/tsc" -p tsconfig.json

cat > use.mjs <<'JS'
import { createCraftKvs, createKVNamespace, KvsError } from '@kvs/client';
import assert from 'node:assert/strict';
assert.equal(typeof KvsError, 'function');
const { KVS_TEST_URL: baseUrl, KVS_TEST_NS: namespace, KVS_TEST_TOKEN: token } = process.env;
if (baseUrl) {
  const kv = createKVNamespace({ baseUrl, namespace, token });
  await kv.put('pack-check', 'from the tarball', { expirationTtl: 60 });
  assert.equal(await kv.get('pack-check'), 'from the tarball');
  const craft = createCraftKvs({ baseUrl, namespace, token });
  const v = await craft.get({ key: 'pack-check' });
  assert.equal(v['pack-check'].value, 'from the tarball');
  assert.deepEqual(await craft.delete({ key: 'pack-check' }), {});
  console.log('installed package: calls against KVS passed');
} else {
  console.log('installed package: imports (KVS_TEST_URL not set, no calls made)');
}
JS
node use.mjs
