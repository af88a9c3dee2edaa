--[[
  Resets the idle time of the entries a consumer still owns (so that entries waiting in its batch
  are not claimed by others); an XCLAIM alone would take back one another consumer claimed meanwhile.

  Input:
    KEYS[1] the stream
    ARGV[1] consumer group
    ARGV[2] consumer
    ARGV[3..] entry ids

  Output:
    the ids it still owns
]]
local kept = {}
for i = 3, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if #p > 0 and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    kept[#kept + 1] = ARGV[i]
  end
end
return kept
