--[[
  Lets go of a stream, if this holder still has it.

  Input:
    KEYS[1] the stream's lease key
    ARGV[1] the holder

  Output:
    1 if let go, 0 if another run holds it by now
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
