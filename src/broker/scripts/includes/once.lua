--[[
  Once per client and number: a script that changes the stream takes the caller's client id (one
  per StreamQueue) and the number of this call (rising), and keeps its result under the client in
  the once hash. ioredis resends what had no reply after a reconnect; a resent script finds its
  number already there and answers with the kept result instead of doing its work twice.

  onceDone(key, client, seq): nil when this call has not run yet; else its result, or '?' when a
  later call of the same client has run since (the result is no longer kept).
  onceKeep(key, client, seq, result): records that this call ran, with its result (a string).
]]
local function onceDone(key, client, seq)
  local last = redis.call('HGET', key, client)
  if not last then return nil end
  local space = string.find(last, ' ', 1, true)
  local lastSeq = tonumber(string.sub(last, 1, space - 1))
  if lastSeq < seq then return nil end
  if lastSeq == seq then return string.sub(last, space + 1) end
  return '?'
end

local function onceKeep(key, client, seq, result)
  redis.call('HSET', key, client, seq .. ' ' .. result)
end
