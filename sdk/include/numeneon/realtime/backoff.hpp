// The reconnect schedule: a pure function of (attempt, policy, random draw).
#pragma once

#include <cstdint>

#include "numeneon/realtime/config.hpp"

namespace numeneon::realtime {

// Delay before retry number `attempt` (1-based).
// The un-jittered schedule is initial * multiplier^(attempt-1), capped at max_delay; with jitter j
// the delay is drawn uniformly from [max((1-j)·base, min_delay), base] using `draw` in [0, 1] (a base
// below min_delay is used as is). With j = 0 this is the seed's lockstep schedule (1 s, 2 s, 4 s, 8 s, 10 s ...).
uint32_t backoff_delay_ms(uint32_t attempt, const ReconnectPolicy& policy, double draw);

}  // namespace numeneon::realtime
