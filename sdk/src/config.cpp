// Config validation, and the numeric form the host passes the options in.
#include "numeneon/realtime/config.hpp"

#include <cmath>

#include "numeneon/realtime/frame_scan.hpp"

namespace numeneon::realtime {
namespace {

constexpr double kMaxDelay = 24.0 * 3600 * 1000;  // a day: larger delays are surely a unit mistake
constexpr double kMaxCapacity = 1 << 20;

struct Range {
  double low;
  double high;
  bool integer;
};

// Indexed by Option.
constexpr Range kRanges[kOptions] = {
    {0, kMaxDelay, true},         // reconnect.initialDelayMs
    {0, kMaxDelay, true},         // reconnect.maxDelayMs
    {1, 100, false},              // reconnect.multiplier
    {0, kMaxDelay, true},         // reconnect.growthPeriodMs (0: the window never grows)
    {0, 1, false},                // reconnect.jitter
    {0, kMaxDelay, true},         // reconnect.minDelayMs
    {0, kMaxDelay, true},         // reconnect.rejectionDelayMs
    {0, 1 << 30, true},           // reconnect.maxAttempts
    {0, kMaxDelay, true},         // reconnect.stableAfterMs
    {1, kMaxDelay, true},         // reconnect.tokenTimeoutMs
    {1, kMaxDelay, true},         // reconnect.connectTimeoutMs
    {1, 1000, true},              // reconnect.authFailureLimit
    {0, kMaxDelay, true},         // heartbeat.intervalMs (0: off)
    {1, kMaxDelay, true},         // heartbeat.timeoutMs
    {1, kMaxCapacity, true},      // dedupe.capacity
    {1, kMaxDelay * 30, true},    // dedupe.maxAgeMs
    {0, kMaxCapacity, true},      // outbox.capacity
    {64, 64 << 20, true},         // limits.maxFrameBytes
    {2, 4096, true},              // limits.maxDepth
    {0, 1, true},                 // resume
};

double get(const Config& c, Option o) {
  const ReconnectPolicy& r = c.reconnect;
  switch (o) {
    case Option::reconnect_initial_delay_ms: return r.initial_delay_ms;
    case Option::reconnect_max_delay_ms: return r.max_delay_ms;
    case Option::reconnect_multiplier: return r.multiplier;
    case Option::reconnect_growth_period_ms: return r.growth_period_ms;
    case Option::reconnect_jitter: return r.jitter;
    case Option::reconnect_min_delay_ms: return r.min_delay_ms;
    case Option::reconnect_rejection_delay_ms: return r.rejection_delay_ms;
    case Option::reconnect_max_attempts: return r.max_attempts;
    case Option::reconnect_stable_after_ms: return r.stable_after_ms;
    case Option::reconnect_token_timeout_ms: return r.token_timeout_ms;
    case Option::reconnect_connect_timeout_ms: return r.connect_timeout_ms;
    case Option::reconnect_auth_failure_limit: return r.auth_failure_limit;
    case Option::heartbeat_interval_ms: return c.heartbeat.interval_ms;
    case Option::heartbeat_timeout_ms: return c.heartbeat.timeout_ms;
    case Option::dedupe_capacity: return c.dedupe.capacity;
    case Option::dedupe_max_age_ms: return c.dedupe.max_age_ms;
    case Option::outbox_capacity: return c.outbox_capacity;
    case Option::limits_max_frame_bytes: return c.limits.max_frame_bytes;
    case Option::limits_max_depth: return c.limits.max_depth;
    case Option::resume: return c.resume;
  }
  return 0;
}

// `v` is in range (checked before): the casts are exact.
void set(Config& c, Option o, double v) {
  ReconnectPolicy& r = c.reconnect;
  auto u = static_cast<uint32_t>(v);
  switch (o) {
    case Option::reconnect_initial_delay_ms: r.initial_delay_ms = u; break;
    case Option::reconnect_max_delay_ms: r.max_delay_ms = u; break;
    case Option::reconnect_multiplier: r.multiplier = v; break;
    case Option::reconnect_growth_period_ms: r.growth_period_ms = u; break;
    case Option::reconnect_jitter: r.jitter = v; break;
    case Option::reconnect_min_delay_ms: r.min_delay_ms = u; break;
    case Option::reconnect_rejection_delay_ms: r.rejection_delay_ms = u; break;
    case Option::reconnect_max_attempts: r.max_attempts = u; break;
    case Option::reconnect_stable_after_ms: r.stable_after_ms = u; break;
    case Option::reconnect_token_timeout_ms: r.token_timeout_ms = u; break;
    case Option::reconnect_connect_timeout_ms: r.connect_timeout_ms = u; break;
    case Option::reconnect_auth_failure_limit: r.auth_failure_limit = u; break;
    case Option::heartbeat_interval_ms: c.heartbeat.interval_ms = u; break;
    case Option::heartbeat_timeout_ms: c.heartbeat.timeout_ms = u; break;
    case Option::dedupe_capacity: c.dedupe.capacity = u; break;
    case Option::dedupe_max_age_ms: c.dedupe.max_age_ms = u; break;
    case Option::outbox_capacity: c.outbox_capacity = u; break;
    case Option::limits_max_frame_bytes: c.limits.max_frame_bytes = u; break;
    case Option::limits_max_depth: c.limits.max_depth = u; break;
    case Option::resume: c.resume = u != 0; break;
  }
}

ConfigError check(Option o, double v) {
  const Range& range = kRanges[static_cast<size_t>(o)];
  ConfigError e{OptionError::none, o, range.low, range.high, v};
  if (!(v >= range.low && v <= range.high)) e.code = OptionError::out_of_range;  // NaN included
  else if (range.integer && v != std::floor(v)) e.code = OptionError::not_integer;
  return e;
}

// A resolver that only wants to see the type: the ping must be a frame the server echoes recognisably.
struct TypeOnly final : TypeResolver {
  Resolution resolve(std::string_view) override { return {true, nullptr, -1}; }
};

}  // namespace

ConfigError validate(const Config& c) {
  for (uint32_t k = 0; k < kOptions; ++k) {
    ConfigError e = check(static_cast<Option>(k), get(c, static_cast<Option>(k)));
    if (!e.ok()) return e;
  }
  const ReconnectPolicy& r = c.reconnect;
  if (r.max_delay_ms < r.initial_delay_ms)
    return {OptionError::below_initial, Option::reconnect_max_delay_ms, static_cast<double>(r.initial_delay_ms), 0, static_cast<double>(r.max_delay_ms)};
  if (r.min_delay_ms > r.max_delay_ms)
    return {OptionError::above_max, Option::reconnect_min_delay_ms, 0, static_cast<double>(r.max_delay_ms), static_cast<double>(r.min_delay_ms)};
  if (c.heartbeat.interval_ms > 0) {
    FrameScanner scanner;
    TypeOnly resolver;
    ScanResult result;
    scanner.scan(c.heartbeat.ping, 8, resolver, result);
    if (result.error != ErrorCode::none || !result.stopped) return {OptionError::not_a_frame, Option::heartbeat_interval_ms};
  }
  return {};
}

ConfigError config_from_options(const double* options, std::string_view ping, Config& out) {
  out = Config{};
  for (uint32_t k = 0; k < kOptions; ++k) {
    if (std::isnan(options[k])) continue;
    ConfigError e = check(static_cast<Option>(k), options[k]);
    if (!e.ok()) return e;
    set(out, static_cast<Option>(k), options[k]);
  }
  if (!ping.empty()) out.heartbeat.ping = std::string(ping);
  return validate(out);
}

}  // namespace numeneon::realtime
