--[[
  Gives entries back to the stream as new entries, for other consumers: each one still pending is
  re-added, acknowledged and deleted (those a consumer read past its sentinel).

  Input:
    KEYS[1] the stream
    ARGV[1] consumer group
    ARGV[2..] entry ids

  Output:
    how many went back
]]
local n = 0
for i = 2, #ARGV do
  local found = redis.call('XRANGE', KEYS[1], ARGV[i], ARGV[i])
  if #found > 0 and redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then
    redis.call('XADD', KEYS[1], '*', unpack(found[1][2]))
    redis.call('XDEL', KEYS[1], ARGV[i])
    n = n + 1
  end
end
return n
