-- Bulk get of BATCH (default 100) random keys among KEYS (default 100000) of namespace NS.
local NS = os.getenv('NS') or 'bench'
local KEYS = tonumber(os.getenv('KEYS') or '100000')
local BATCH = tonumber(os.getenv('BATCH') or '100')
local seeded = false
function request()
  if not seeded then math.randomseed(os.time() + math.random(1000)); seeded = true end
  local keys = {}
  for i = 1, BATCH do keys[i] = '"k' .. math.random(0, KEYS - 1) .. '"' end
  return wrk.format('POST', '/v1/ns/' .. NS .. '/bulk/get', { ['Content-Type'] = 'application/json' },
    '{"keys":[' .. table.concat(keys, ',') .. ']}')
end
