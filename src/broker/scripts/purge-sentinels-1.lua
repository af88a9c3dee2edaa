--[[
  Removes every sentinel left in the stream (acknowledged for the group first, in case it was read):
  those sent for a consumer that died before taking its own, or by a run that crashed.

  Input:
    KEYS[1] the stream
    ARGV[1] consumer group

  Output:
    how many there were
]]
local n = 0
for _, entry in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
  local f = entry[2]
  for i = 1, #f - 1, 2 do
    if f[i] == 'k' and f[i + 1] == 'S' then
      redis.call('XACK', KEYS[1], ARGV[1], entry[1])
      redis.call('XDEL', KEYS[1], entry[1])
      n = n + 1
    end
  end
end
return n
