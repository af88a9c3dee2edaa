--[[
  Adds items to the stream, as many as there is room for: the stream holds at most `capacity`
  entries waiting to be read (its length minus the entries read and not yet acknowledged), so
  several producers together never overshoot. Finding no room, it registers the caller as waiting
  for room (see wake.lua). Once per client and number (once.lua).

  Input:
    KEYS[1] the stream
    KEYS[2] its counts hash (`put` is counted here, `wanted` too)
    KEYS[3] the once hash
    ARGV[1] consumer group
    ARGV[2] capacity
    ARGV[3] put time (epoch ms, the producer's clock)
    ARGV[4] client id
    ARGV[5] call number
    ARGV[6..] kind, value, kind, value... one pair per item

  Output:
    how many were added, as a string ('0': no room); '?' for a resent call whose result was not kept
]]
--- @include once

local stream, counts, once = KEYS[1], KEYS[2], KEYS[3]
local client, seq = ARGV[4], tonumber(ARGV[5])
local done = onceDone(once, client, seq)
if done then return done end

local waiting = redis.call('XLEN', stream) - redis.call('XPENDING', stream, ARGV[1])[1]
local room = math.min(tonumber(ARGV[2]) - waiting, (#ARGV - 5) / 2)
if room > 0 then
  for i = 1, room do
    redis.call('XADD', stream, '*', 't', ARGV[3], 'k', ARGV[4 + 2 * i], 'v', ARGV[5 + 2 * i])
  end
  redis.call('HINCRBY', counts, 'put', room)
else
  room = 0
  redis.call('HINCRBY', counts, 'wanted', 1)
end
onceKeep(once, client, seq, room)
return tostring(room)
