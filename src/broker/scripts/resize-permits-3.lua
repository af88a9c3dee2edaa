--[[
  Sets the most permits of a BrokerSemaphore held at once (its bound) to a new value, for every
  process that uses it. A raise wakes waiters for the new permits at once; a lowering revokes no
  lease: acquires are refused until fewer than the new bound are held.

  Input:
    KEYS[1] the leases (sorted set: holder -> expiry)
    KEYS[2] the counts hash
    KEYS[3] the wake list
    ARGV[1] size: the semaphore's permits as made (the first call records it; the others must agree)
    ARGV[2] bound: the most permits held at once from now on

  Output:
    the permits in use now; an error `WRONGSIZE n` when the semaphore was made with n permits
]]
--- @include permits

local holders, state, wake = KEYS[1], KEYS[2], KEYS[3]
local size, bound = tonumber(ARGV[1]), tonumber(ARGV[2])
local other = recordSize(state, size)
if other then return redis.error_reply('WRONGSIZE ' .. other) end
redis.call('HSET', state, 'bound', bound)
reclaim(holders, state, nowMs())
wakeWaiters(holders, state, wake, bound)
return redis.call('ZCARD', holders)
