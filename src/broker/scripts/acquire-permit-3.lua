--[[
  Takes a permit of a BrokerSemaphore for one acquire call, if one is free once the expired leases
  are reclaimed: a lease for `holder` until now + lease. A resent call (ioredis sends it again after
  a reconnect) finds its lease there and only renews it. None free: a blocking acquire registers
  as waiting (`wanted`; a release pushes it a token on the wake list) and learns how long until
  the first lease expires (its fallback wake, for a holder that dies without releasing).

  Input:
    KEYS[1] the leases (sorted set: holder -> expiry)
    KEYS[2] the counts hash (`size`, `maxInUse`, `acquisitions`, `expired`, `wanted`)
    KEYS[3] the wake list
    ARGV[1] size: the semaphore's permits (the first acquire records it; the others must agree)
    ARGV[2] holder: unique to this acquire call
    ARGV[3] lease, in ms
    ARGV[4] '1' when the caller will wait for a token (a blocking acquire), else '0'

  Output:
    {1, permits in use} when taken (while fewer than the bound are held: resize-permits may have
    changed it from `size`); {0, ms until the first lease expires, -1 with none} when not;
    an error `WRONGSIZE n` when the semaphore was made with n permits
]]
--- @include permits

local holders, state, wake = KEYS[1], KEYS[2], KEYS[3]
local size, holder, lease = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local other = recordSize(state, size)
if other then return redis.error_reply('WRONGSIZE ' .. other) end

local now = nowMs()
reclaim(holders, state, now)
if redis.call('ZSCORE', holders, holder) then
  redis.call('ZADD', holders, now + lease, holder)
  return {1, redis.call('ZCARD', holders)}
end
local bound = boundOf(state, size)
if redis.call('ZCARD', holders) < bound then
  local inUse = hold(holders, state, holder, now + lease)
  redis.call('HINCRBY', state, 'acquisitions', 1)
  wakeWaiters(holders, state, wake, bound) -- for permits the reclaim freed beyond this one
  return {1, inUse}
end
if ARGV[4] == '1' then redis.call('HINCRBY', state, 'wanted', 1) end
local first = redis.call('ZRANGE', holders, 0, 0, 'WITHSCORES')
if #first == 0 then return {0, -1} end
return {0, tonumber(first[2]) - now}
