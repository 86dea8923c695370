// The reconnect schedule: a pure function of (policy, downtime, random draw).
#pragma once

#include <cstdint>

#include "numeneon/realtime/config.hpp"

namespace numeneon::realtime {

// The delay before the next retry, once the link has been down `downtime_ms`.
// The window is initial × multiplier^(downtime / growth_period), capped at max_delay; the delay is
// drawn uniformly from [max((1 - jitter) × window, min_delay), window] with `draw` in [0, 1] (a window
// below min_delay is used as is). jitter 0 retries at the window itself.
uint32_t backoff_delay_ms(const ReconnectPolicy& policy, int64_t downtime_ms, double draw);

// The delay of the fresh-token attempt after a known rejection: drawn from [0, rejection_delay].
uint32_t rejection_delay_ms(const ReconnectPolicy& policy, double draw);

}  // namespace numeneon::realtime
