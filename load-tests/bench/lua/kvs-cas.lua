-- Conditional overwrites without contention: random records k0..k(KEYS-1) of namespace NS, each
-- PUT with operator "<" and unixtimeMs in the year 2100, a condition every live record meets, so
-- every request writes (200) and pays the conditional statement's full cost.
local here = debug.getinfo(1, 'S').source:match('^@(.*/)') or './'
package.path = here .. '?.lua;' .. package.path
local kvs = require('kvs-common')

local body = kvs.write_body(3):gsub('}$', ',"operator":"<","unixtimeMs":4102444800000}')

setup = kvs.number_threads
function init(args) kvs.seed_random() end

function request()
  return wrk.format('PUT', kvs.path(math.random(0, kvs.keys - 1)), kvs.json, body)
end
