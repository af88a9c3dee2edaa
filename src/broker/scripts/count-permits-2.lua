--[[
  A BrokerSemaphore's record, as the server keeps it: the permits in use now (leases not expired),
  the most ever in use at once, the acquisitions and the leases that expired.

  Input:
    KEYS[1] the leases (sorted set: holder -> expiry)
    KEYS[2] the counts hash

  Output:
    {in use, maxInUse, acquisitions, expired}
]]
--- @include permits

local c = redis.call('HMGET', KEYS[2], 'maxInUse', 'acquisitions', 'expired')
local inUse = redis.call('ZCOUNT', KEYS[1], '(' .. nowMs(), '+inf')
return {inUse, tonumber(c[1] or '0'), tonumber(c[2] or '0'), tonumber(c[3] or '0')}
