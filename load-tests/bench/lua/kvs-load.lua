-- Writes records k0..k(KEYS-1) of namespace NS once each, then stops. Thread t (1-based) of
-- LOAD_THREADS writes keys t-1, t-1+LOAD_THREADS, t-1+2*LOAD_THREADS, ...
--
-- Run it with exactly one connection per thread, LOAD_THREADS threads:
--   LOAD_THREADS=8 wrk -t8 -c8 -d1800s -s lua/kvs-load.lua http://127.0.0.1:8080
-- A thread moves to its next key only when the current one was written (2xx), so a request
-- that never got an answer (a reconnect, or the request wrk builds once at start-up to check
-- the script) is simply sent again. When a thread is done it prints
--   kvs-load: thread <t> finished
-- on stdout; wrk itself runs until its duration is over, so whoever started it stops it once
-- all LOAD_THREADS lines are there (load_records in ../lib.sh). Any other status ends wrk at
-- once with a message on stderr and exit status 1.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local stride = tonumber(os.getenv('LOAD_THREADS') or '')
if not stride then error('set LOAD_THREADS to the number of wrk threads (-t), with -c equal to it') end

local body = kvs.write_body(1)
local next_key

setup = kvs.number_threads
function init(args) next_key = thread_no - 1 end

function request()
  if next_key >= kvs.keys then
    -- nothing left for this thread (it is being stopped): a harmless read
    return wrk.format('GET', '/health/live')
  end
  return wrk.format('PUT', kvs.path(next_key), kvs.json, body)
end

function response(status, headers, resp_body)
  if next_key >= kvs.keys then return end
  if status < 200 or status > 299 then
    io.stderr:write(string.format('kvs-load: PUT %s answered %d: %s\n', kvs.path(next_key), status, resp_body or ''))
    os.exit(1)
  end
  next_key = next_key + stride
  if next_key >= kvs.keys then
    io.write(string.format('kvs-load: thread %d finished\n', thread_no))
    io.flush()
    wrk.thread:stop()
  end
end
