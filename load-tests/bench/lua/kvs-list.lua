-- Lists one page of LIMIT keys (default 1000) under a random one-digit prefix of namespace NS
-- (keys k0..k99999 as loaded by kvs-load.lua in this directory: each prefix holds 11,111 keys).
local NS = os.getenv('NS') or 'bench'
local LIMIT = os.getenv('LIMIT') or '1000'
local seeded = false
function request()
  if not seeded then math.randomseed(os.time() + math.random(1000)); seeded = true end
  return wrk.format('GET', '/v1/ns/' .. NS .. '/kv?prefix=k' .. math.random(1, 9) .. '&limit=' .. LIMIT)
end
function response(status, headers, body)
  if status ~= 200 then error('list answered ' .. status) end
end
