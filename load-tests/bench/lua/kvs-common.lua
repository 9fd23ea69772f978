-- Common pieces of the KVS wrk scripts, loaded with require('kvs-common') (see kvs-get.lua).
-- wrk gives every thread a LuaJIT state of its own: each thread has its own copy of this
-- module, and nothing here is visible across threads.
--
-- Environment: NS (namespace, default bench), KEYS (records k0..k(KEYS-1), default 100000),
-- TTL_MINUTES (minutesToExpire of written records, default 10080 = 7 days, so that a loaded
-- table outlives the service's 1-day default and can be reused by later sittings), TOKEN (a
-- token of the namespace, sent as Authorization: Bearer; none for a service with KVS_AUTH=off).
local M = {}

M.ns = os.getenv('NS') or 'bench'
M.keys = tonumber(os.getenv('KEYS') or '100000')
M.ttl_minutes = tonumber(os.getenv('TTL_MINUTES') or '10080')

-- KVS answers 415 to a body without it.
M.json = { ['Content-Type'] = 'application/json' }

-- wrk.format takes either its headers argument or wrk.headers: the token goes into both.
local token = os.getenv('TOKEN')
if token and token ~= '' then
  M.json['Authorization'] = 'Bearer ' .. token
  wrk.headers['Authorization'] = 'Bearer ' .. token
end

function M.path(i)
  return '/v1/ns/' .. M.ns .. '/kv/k' .. i
end

-- A write body whose value is ~170 bytes of compact JSON, the shape of the ceiling table's rows
-- (pg/ceiling-setup.sql).
function M.write_body(n)
  local value = '{"payload":"' .. string.rep('x', 150) .. '","n":' .. n .. '}'
  return '{"value":' .. value .. ',"minutesToExpire":' .. M.ttl_minutes .. '}'
end

-- Use as the script's setup: numbers the threads 1, 2, ... (global thread_no in each thread).
local created = 0
function M.number_threads(thread)
  created = created + 1
  thread:set('thread_no', created)
end

-- A different random sequence per thread (threads start within the same second).
function M.seed_random()
  math.randomseed(os.time() * 1009 + (thread_no or 0) * 7919)
end

return M
