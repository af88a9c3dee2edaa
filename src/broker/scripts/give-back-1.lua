--[[
  Gives items a producer claimed from a run's budget and did not make (its worker process left the
  run early) back to that budget, if the run it claimed them from is still the one running.

  Input:
    KEYS[1] the run hash (`runId`, `phase`, `limited`, `remaining`)
    ARGV[1] items to give back
    ARGV[2] the run id they were claimed from

  Output:
    1 if given back, 0 if that run is over or another one has the stream
]]
if redis.call('HGET', KEYS[1], 'runId') ~= ARGV[2] then return 0 end
if redis.call('HGET', KEYS[1], 'phase') ~= 'running' or redis.call('HGET', KEYS[1], 'limited') ~= '1' then return 0 end
redis.call('HINCRBY', KEYS[1], 'remaining', tonumber(ARGV[1]))
return 1
