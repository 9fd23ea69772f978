-- Random overwrites of records k0..k(KEYS-1) of namespace NS, each a ~170-byte JSON value
-- sent as application/json.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local body = kvs.write_body(2)

setup = kvs.number_threads
function init(args) kvs.seed_random() end

function request()
  return wrk.format('PUT', kvs.path(math.random(0, kvs.keys - 1)), kvs.json, body)
end
