--[[
  Renews the leases of one process's holders. A lease that is gone (it expired while the broker was
  out of reach, or the broker restarted without its data) is taken back if a permit is free, so
  the server's record counts its holder again; if none is free it is lost: another holder has the
  permit, and the holder is told.

  Input:
    KEYS[1] the leases (sorted set: holder -> expiry)
    KEYS[2] the counts hash
    ARGV[1] size: the semaphore's permits
    ARGV[2] lease, in ms
    ARGV[3..] holders

  Output:
    the holders whose permit is lost
]]
--- @include permits

local holders, state = KEYS[1], KEYS[2]
local lease = tonumber(ARGV[2])
local bound = boundOf(state, tonumber(ARGV[1]))
local now = nowMs()
reclaim(holders, state, now)
local lost = {}
for i = 3, #ARGV do
  if redis.call('ZSCORE', holders, ARGV[i]) then
    redis.call('ZADD', holders, now + lease, ARGV[i])
  elseif redis.call('ZCARD', holders) < bound then
    hold(holders, state, ARGV[i], now + lease)
  else
    lost[#lost + 1] = ARGV[i]
  end
end
return lost
