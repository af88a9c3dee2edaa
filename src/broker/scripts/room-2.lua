--[[
  Wakes producers waiting for room (wake.lua): sent after a blocking read that returned entries.

  Input:
    KEYS[1] the counts hash (`wanted`)
    KEYS[2] the room list

  Output:
    nothing
]]
--- @include wake

wakeProducers(KEYS[1], KEYS[2])
return false
