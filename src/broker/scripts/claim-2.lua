--[[
  Takes items from a run's budget for one producer. The share shrinks as the budget runs low (at
  most remaining / share), so every producer, wherever it runs, finishes at about the same time —
  PipelineBoard.claimItems computes the same share in shared memory. Once per client and number
  (once.lua): a claim resent after a reconnect does not take its items twice.

  Input:
    KEYS[1] the run hash (`phase`, `limited`, `remaining`)
    KEYS[2] the once hash
    ARGV[1] most items wanted
    ARGV[2] share: the budget's divisor (BUDGET_SHARE)
    ARGV[3] client id
    ARGV[4] call number

  Output:
    how many items the producer may make, as a string ('0': the budget is spent, or the run is no
    longer running); '?' for a resent call whose result was not kept
]]
--- @include once

local run, once = KEYS[1], KEYS[2]
local client, seq = ARGV[3], tonumber(ARGV[4])
local done = onceDone(once, client, seq)
if done then return done end

local take = tonumber(ARGV[1])
if redis.call('HGET', run, 'phase') ~= 'running' then
  take = 0
elseif redis.call('HGET', run, 'limited') == '1' then
  local left = tonumber(redis.call('HGET', run, 'remaining') or '0')
  take = math.max(0, math.min(take, math.max(1, math.floor(left / tonumber(ARGV[2])))))
  if left <= 0 then take = 0 end
  if take > 0 then redis.call('HINCRBY', run, 'remaining', -take) end
end
onceKeep(once, client, seq, take)
return tostring(take)
