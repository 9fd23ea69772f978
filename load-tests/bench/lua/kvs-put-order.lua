-- Writes new keys in namespace NS, never the same one twice, in one of two orders:
--   ORDER=sequential  u<RUN_ID>:0000000001:<thread>, u<RUN_ID>:0000000002:<thread>, ... (every
--                     write lands at the right-hand end of the key index: the "hot spot" shape of
--                     user:000001, user:000002, ...)
--   ORDER=random      u<RUN_ID>:<20 random digits> (writes spread over the whole index)
-- Each carries the ~170-byte value and minutesToExpire TTL_MINUTES.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local run = os.getenv('RUN_ID') or tostring(os.time())
local sequential = (os.getenv('ORDER') or 'sequential') == 'sequential'
local body = kvs.write_body(4)
local prefix = '/v1/ns/' .. kvs.ns .. '/kv/u' .. run .. ':'
local counter = 0

setup = kvs.number_threads
function init(args) kvs.seed_random() end

function request()
  local key
  if sequential then
    counter = counter + 1
    key = string.format('%010d:%d', counter, thread_no)
  else
    key = string.format('%010d%010d', math.random(0, 999999999), math.random(0, 999999999))
  end
  return wrk.format('PUT', prefix .. key, kvs.json, body)
end
