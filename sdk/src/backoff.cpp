// Time-based backoff with proportional jitter and a floor.
#include "numeneon/realtime/backoff.hpp"

#include <algorithm>

namespace numeneon::realtime {
namespace {

// multiplier^exponent for exponent >= 0, without <cmath>'s pow (a kilobyte of Wasm for one call):
// whole powers by squaring, the fraction by linear interpolation between them. Monotonic, exact at
// whole periods, and the window's shape between them does not need more.
double grow(double multiplier, double exponent) {
  if (exponent > 64) exponent = 64;  // far past any cap
  uint32_t whole = static_cast<uint32_t>(exponent);
  double base = 1;
  for (double m = multiplier; whole; whole >>= 1, m *= m)
    if (whole & 1) base *= m;
  return base * (1 + (multiplier - 1) * (exponent - static_cast<uint32_t>(exponent)));
}

}  // namespace

uint32_t backoff_delay_ms(const ReconnectPolicy& p, int64_t downtime_ms, double draw) {
  double periods = p.growth_period_ms ? static_cast<double>(std::max<int64_t>(downtime_ms, 0)) / p.growth_period_ms : 0;
  double window = std::min(static_cast<double>(p.max_delay_ms), p.initial_delay_ms * grow(p.multiplier, periods));
  // The draw spreads the delay over [lo, window]. The floor raises `lo` rather than clamping the result:
  // clamping would put every draw below the floor on the floor itself, a synchronised spike of retries.
  double lo = std::min(window, std::max(window * (1.0 - p.jitter), static_cast<double>(p.min_delay_ms)));
  double r = std::clamp(draw, 0.0, 1.0);
  return static_cast<uint32_t>(window - (window - lo) * r);
}

uint32_t rejection_delay_ms(const ReconnectPolicy& p, double draw) {
  return static_cast<uint32_t>(p.rejection_delay_ms * std::clamp(draw, 0.0, 1.0));
}

}  // namespace numeneon::realtime
