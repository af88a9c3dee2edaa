--[[
  Renews a run's hold on its stream, and checks that the broker still has the run: a hold that
  expired while the broker was out of reach is taken back, unless another run has it.

  Input:
    KEYS[1] the stream's lease key
    KEYS[2] the run hash (`runId`)
    ARGV[1] the holder
    ARGV[2] the lease, in ms
    ARGV[3] the run id ('' until the run is announced)

  Output:
    'held'; 'taken' (another run has the stream); 'data-lost' (the run's announcement is gone)
]]
if ARGV[3] ~= '' then
  local id = redis.call('HGET', KEYS[2], 'runId')
  if not id then return 'data-lost' end
  if id ~= ARGV[3] then return 'taken' end
end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 'held'
end
if holder then return 'taken' end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 'held'
