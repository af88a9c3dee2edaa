--[[
  A stage worker's step on streams: acknowledges the entry it took from its input stream and adds
  what the stage made of it to its output stream, both or neither. So an entry is forwarded
  exactly once: a stage worker killed before this script leaves the entry pending, and the one
  that claims it forwards it; one killed after has forwarded it, and its claimer's forward finds
  it acknowledged and adds nothing (counted as a duplicate on the input). With no room on the
  output, nothing happens and the caller is registered as waiting for room (see wake.lua).
  Once per client and number (once.lua, on the output's once hash).

  Input:
    KEYS[1] the input stream
    KEYS[2] its counts hash (`acked`, `duplicates`)
    KEYS[3] the output stream
    KEYS[4] its counts hash (`put`, `wanted`)
    KEYS[5] the output's once hash
    ARGV[1] the input's consumer group
    ARGV[2] the entry's id in the input
    ARGV[3] the output's consumer group
    ARGV[4] the output's capacity
    ARGV[5] put time (epoch ms, the stage worker's clock)
    ARGV[6] client id
    ARGV[7] call number
    ARGV[8], ARGV[9] kind, value of the item to add; absent when the stage dropped the item

  Output:
    'forwarded' (acknowledged, and added if there was an item), 'duplicate' (acknowledged before:
    nothing added), 'full' (no room: nothing done); '?' for a resent call whose result was not kept
]]
--- @include once

local input, inCounts, output, outCounts, once = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local client, seq = ARGV[6], tonumber(ARGV[7])
local done = onceDone(once, client, seq)
if done then return done end

local result
local item = #ARGV >= 9
if item and tonumber(ARGV[4]) - (redis.call('XLEN', output) - redis.call('XPENDING', output, ARGV[3])[1]) < 1 then
  redis.call('HINCRBY', outCounts, 'wanted', 1)
  result = 'full'
elseif redis.call('XACK', input, ARGV[1], ARGV[2]) == 0 then
  redis.call('XDEL', input, ARGV[2])
  redis.call('HINCRBY', inCounts, 'duplicates', 1)
  result = 'duplicate'
else
  redis.call('XDEL', input, ARGV[2])
  redis.call('HINCRBY', inCounts, 'acked', 1)
  if item then
    redis.call('XADD', output, '*', 't', ARGV[5], 'k', ARGV[8], 'v', ARGV[9])
    redis.call('HINCRBY', outCounts, 'put', 1)
  end
  result = 'forwarded'
end
onceKeep(once, client, seq, result)
return result
