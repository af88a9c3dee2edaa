--[[
  A stage worker's step on streams: for each entry it took from its input stream, in order,
  acknowledges it there and adds what the stage made of it to its output stream, both or neither.
  So an entry is passed on exactly once: a stage worker killed before this script leaves its
  entries pending, and the one that claims them passes them on; one killed after has passed them
  on, and its claimer's forward finds them acknowledged and adds nothing (counted as duplicates on
  the input). It stops at the first entry with an item that finds no room on the output (the
  capacity counts the entries waiting to be read), registering the caller as waiting for room
  (see wake.lua); the entries after it are left for the next call. Once per client and number
  (once.lua, on the output's once hash).

  Input:
    KEYS[1] the input stream
    KEYS[2] its counts hash (`acked`, `duplicates`)
    KEYS[3] the output stream
    KEYS[4] its counts hash (`put`, `wanted`)
    KEYS[5] the output's once hash
    ARGV[1] the input's consumer group
    ARGV[2] the output's consumer group
    ARGV[3] the output's capacity
    ARGV[4] put time (epoch ms, the stage worker's clock)
    ARGV[5] client id
    ARGV[6] call number
    ARGV[7..] entry id, kind, value, entry id, kind, value... one triple per entry; kind '' when the
            stage dropped the item (nothing to add)

  Output:
    one letter per entry dealt with, in order: 'f' acknowledged (and its item added), 'd'
    acknowledged before (a duplicate: nothing added); fewer letters than entries when the output
    is full; '?' for a resent call whose result was not kept
]]
--- @include once

local input, inCounts, output, outCounts, once = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local client, seq = ARGV[5], tonumber(ARGV[6])
local done = onceDone(once, client, seq)
if done then return done end

local room = tonumber(ARGV[3]) - (redis.call('XLEN', output) - redis.call('XPENDING', output, ARGV[2])[1])
local result, acked, duplicates, put = {}, 0, 0, 0
for i = 7, #ARGV, 3 do
  local id, kind = ARGV[i], ARGV[i + 1]
  if kind ~= '' and room < 1 then
    redis.call('HINCRBY', outCounts, 'wanted', 1)
    break
  end
  if redis.call('XACK', input, ARGV[1], id) == 0 then
    duplicates = duplicates + 1
    result[#result + 1] = 'd'
  else
    acked = acked + 1
    result[#result + 1] = 'f'
    if kind ~= '' then
      redis.call('XADD', output, '*', 't', ARGV[4], 'k', kind, 'v', ARGV[i + 2])
      put = put + 1
      room = room - 1
    end
  end
  redis.call('XDEL', input, id)
end
if acked > 0 then redis.call('HINCRBY', inCounts, 'acked', acked) end
if duplicates > 0 then redis.call('HINCRBY', inCounts, 'duplicates', duplicates) end
if put > 0 then redis.call('HINCRBY', outCounts, 'put', put) end
result = table.concat(result)
onceKeep(once, client, seq, result)
return result
