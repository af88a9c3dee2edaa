--[[
  Takes a stream for one run: one run at a time on a stream (stream-lease.ts).

  Input:
    KEYS[1] the stream's lease key
    ARGV[1] the holder (pid, host and run)
    ARGV[2] the lease, in ms (it expires unless renewed)

  Output:
    who holds the stream now: ARGV[1] if taken, another holder if a live run has it
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end
return redis.call('GET', KEYS[1])
