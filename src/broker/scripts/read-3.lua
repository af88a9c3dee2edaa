--[[
  Reads new entries for a consumer without blocking, and wakes producers waiting for the room it
  made (wake.lua). When there are none, the caller blocks in XREADGROUP itself (a script cannot).

  Input:
    KEYS[1] the stream
    KEYS[2] its counts hash (`wanted`)
    KEYS[3] the room list
    ARGV[1] consumer group
    ARGV[2] consumer
    ARGV[3] most entries to read

  Output:
    the entries read ({id, {field, value...}} each), empty when there were none
]]
--- @include wake

local got = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', ARGV[3], 'STREAMS', KEYS[1], '>')
if not got then return {} end
wakeProducers(KEYS[2], KEYS[3])
return got[1][2]
