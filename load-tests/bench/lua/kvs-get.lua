-- Random GETs over records k0..k(KEYS-1) of namespace NS.
-- HOT=n picks among the first n keys only: a hot set, to measure cache hits.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local span = tonumber(os.getenv('HOT') or '0')
if span <= 0 or span > kvs.keys then span = kvs.keys end

setup = kvs.number_threads
function init(args) kvs.seed_random() end

function request()
  return wrk.format('GET', kvs.path(math.random(0, span - 1)))
end
