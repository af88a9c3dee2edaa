--[[
  Waking producers that wait for room: a put that finds no room adds one to the counts hash's
  `wanted`; when consumers have read entries (room appeared), that many tokens go on the room list,
  where the waiting producers block (BLPOP). The list is kept short: a token left over only makes a
  producer try its put once more.
]]
local ROOM_TOKENS_MAX = 64

local function wakeProducers(counts, room)
  local wanted = tonumber(redis.call('HGET', counts, 'wanted') or '0')
  if wanted <= 0 then return end
  redis.call('HSET', counts, 'wanted', 0)
  local tokens = {}
  for i = 1, math.min(wanted, ROOM_TOKENS_MAX) do tokens[i] = '1' end
  redis.call('RPUSH', room, unpack(tokens))
  redis.call('LTRIM', room, -ROOM_TOKENS_MAX, -1)
end
