--[[
  A BrokerSemaphore's permits (broker-semaphore.ts): one lease per permit held, in a sorted set
  (holder -> expiry, the server's clock in ms), the counts in a hash (`size`, `bound`, `maxInUse`,
  `acquisitions`, `expired`, `wanted`), and the wake list that waiting acquirers block on (BLPOP).
  `size` is the value the semaphore was made with (every process must open it with that);
  `bound`, the most permits held at once now, is `size` until resize-permits sets it.

  nowMs(): the server's time in ms, so holders on machines with skewed clocks agree on expiry.
  recordSize(state, size): records `size` on first use; returns the size recorded when it differs.
  boundOf(state, size): the most permits held at once now (`bound`, else `size`).
  reclaim(holders, state, now): removes the leases that expired by `now` (their holder died, or
    lost the broker for longer than its lease), counting them as `expired`.
  hold(holders, state, holder, expiry): gives `holder` a lease, raising `maxInUse` (the high-water
    mark, kept here so that the bound is proved by the server's own record); returns the permits in use.
  wakeWaiters(holders, state, wake, size): one token on the wake list per free permit that a
    registered waiter (`wanted`) may take, so it wakes without polling. A token left over (its
    waiter gave up) only makes a later waiter try once more; the list never holds more than `size`.
]]
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function recordSize(state, size)
  local recorded = redis.call('HGET', state, 'size')
  if not recorded then
    redis.call('HSET', state, 'size', size)
  elseif tonumber(recorded) ~= size then
    return recorded
  end
  return nil
end

local function boundOf(state, size)
  return tonumber(redis.call('HGET', state, 'bound') or size)
end

local function reclaim(holders, state, now)
  local n = redis.call('ZREMRANGEBYSCORE', holders, '-inf', now)
  if n > 0 then redis.call('HINCRBY', state, 'expired', n) end
end

local function hold(holders, state, holder, expiry)
  redis.call('ZADD', holders, expiry, holder)
  local inUse = redis.call('ZCARD', holders)
  if inUse > tonumber(redis.call('HGET', state, 'maxInUse') or '0') then
    redis.call('HSET', state, 'maxInUse', inUse)
  end
  return inUse
end

local function wakeWaiters(holders, state, wake, size)
  local wanted = tonumber(redis.call('HGET', state, 'wanted') or '0')
  local n = math.min(wanted, size - redis.call('ZCARD', holders))
  if n <= 0 then return end
  redis.call('HINCRBY', state, 'wanted', -n)
  local tokens = {}
  for i = 1, n do tokens[i] = '1' end
  redis.call('RPUSH', wake, unpack(tokens))
  redis.call('LTRIM', wake, -size, -1)
end
