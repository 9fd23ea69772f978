-- Writes new keys, never the same one twice: n<RUN_ID>-<thread>-<counter> in namespace NS, each
-- with the ~170-byte value and minutesToExpire TTL_MINUTES (for the purge benchmarks: every
-- write adds a row that expires TTL_MINUTES later).
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local run = os.getenv('RUN_ID') or tostring(os.time())
local body = kvs.write_body(3)
local counter = 0

setup = kvs.number_threads

function request()
  counter = counter + 1
  return wrk.format('PUT', '/v1/ns/' .. kvs.ns .. '/kv/n' .. run .. '-' .. thread_no .. '-' .. counter, kvs.json, body)
end
