--[[
  Gives back a holder's permit and wakes a waiter for it (a token on the wake list), with the
  permits whose leases expired. Once per client and number (once.lua): a release resent after a
  reconnect is answered from the record instead of finding its lease gone.

  Input:
    KEYS[1] the leases (sorted set: holder -> expiry)
    KEYS[2] the counts hash
    KEYS[3] the wake list
    KEYS[4] the once hash
    ARGV[1] size: the semaphore's permits
    ARGV[2] holder
    ARGV[3] client id
    ARGV[4] call number

  Output:
    '1' when released; '0' when the holder had no lease (it expired and was reclaimed, or the
    broker lost it); '?' for a resent call whose result was not kept
]]
--- @include once
--- @include permits

local holders, state, wake, once = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local client, seq = ARGV[3], tonumber(ARGV[4])
local done = onceDone(once, client, seq)
if done then return done end

local released = redis.call('ZREM', holders, ARGV[2])
reclaim(holders, state, nowMs())
wakeWaiters(holders, state, wake, boundOf(state, tonumber(ARGV[1])))
onceKeep(once, client, seq, released)
return tostring(released)
