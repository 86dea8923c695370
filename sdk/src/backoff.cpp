// Exponential backoff with proportional jitter and a floor.
#include "numeneon/realtime/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace numeneon::realtime {

uint32_t backoff_delay_ms(uint32_t attempt, const ReconnectPolicy& p, double draw) {
  if (attempt == 0) attempt = 1;
  // Exponent capped so the power never overflows; past it the cap applies anyway.
  double growth = std::pow(p.multiplier, static_cast<double>(std::min<uint32_t>(attempt - 1, 64)));
  double base = std::min(static_cast<double>(p.max_delay_ms), p.initial_delay_ms * growth);
  // The draw spreads the delay over [lo, base]. The floor raises `lo` rather than clamping the result:
  // clamping would put every draw below the floor on the floor itself, a synchronised spike of retries.
  double lo = std::min(base, std::max(base * (1.0 - p.jitter), static_cast<double>(p.min_delay_ms)));
  double r = std::clamp(draw, 0.0, 1.0);
  return static_cast<uint32_t>(base - (base - lo) * r);
}

}  // namespace numeneon::realtime
