--[[
  Acknowledges entries and deletes them (an acknowledged entry leaves the stream), counting them:
  an entry that was no longer pending had been acknowledged before, by a consumer that claimed it
  (or by this one): for items, that is a delivery twice, counted as a duplicate. Deleting every id
  is safe: one acknowledged before was deleted by the same script then. Once per client and number
  (once.lua).

  Input:
    KEYS[1] the stream
    KEYS[2] its counts hash
    KEYS[3] the once hash
    ARGV[1] consumer group
    ARGV[2] what the entries are: 'acked' (items) or 'sentinels'
    ARGV[3] client id
    ARGV[4] call number
    ARGV[5..] entry ids

  Output:
    how many were acknowledged now, as a string; '?' for a resent call whose result was not kept
]]
--- @include once

local stream, counts, once = KEYS[1], KEYS[2], KEYS[3]
local client, seq = ARGV[3], tonumber(ARGV[4])
local done = onceDone(once, client, seq)
if done then return done end

local ids = {unpack(ARGV, 5)}
local acked = redis.call('XACK', stream, ARGV[1], unpack(ids))
redis.call('XDEL', stream, unpack(ids))
if acked > 0 then redis.call('HINCRBY', counts, ARGV[2], acked) end
if acked < #ids and ARGV[2] == 'acked' then redis.call('HINCRBY', counts, 'duplicates', #ids - acked) end
onceKeep(once, client, seq, acked)
return tostring(acked)
