// Every tunable of the core, with its default and its validation.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

// When to retry. The retry window grows with the time the link has been down, not with the attempt
// count: a client that failed twice in a short outage is as quick to come back as one that failed once,
// and clients stay spread over the window whatever their history (docs/RELIABILITY.md, the simulation).
struct ReconnectPolicy {
  uint32_t initial_delay_ms = 2000;    // the retry window right after the link is lost
  uint32_t max_delay_ms = 10000;       // the window's cap
  double multiplier = 2.0;             // the window grows by this factor ...
  uint32_t growth_period_ms = 240000;  // ... for every this much downtime
  double jitter = 0.5;                 // fraction of the window that is randomised (1: full jitter, 0: none)
  uint32_t min_delay_ms = 100;         // floor: never retry sooner than this
  uint32_t rejection_delay_ms = 250;   // after a known rejection the fresh-token attempt comes within this
  uint32_t max_attempts = 0;           // retries before giving up; 0 = never give up
  uint32_t stable_after_ms = 5000;     // the attempt counter resets only after the link stayed open this long
  uint32_t token_timeout_ms = 30000;    // a token provider slower than this counts as failed (token_failed)
  uint32_t connect_timeout_ms = 10000;  // abort a handshake that hangs (counted from open_socket, not the token)
  uint32_t auth_failure_limit = 2;     // consecutive known auth rejections before terminal auth_failed
};

struct HeartbeatPolicy {
  uint32_t interval_ms = 25000;  // ping after this much silence; 0 disables the heartbeat
  uint32_t timeout_ms = 10000;   // declare the link dead if nothing arrives this long after a ping
  std::string ping = R"({"type":"ping"})";  // the live server echoes any frame back as `echo`
};

struct DedupePolicy {
  uint32_t capacity = 1024;       // keys remembered (count bound)
  uint32_t max_age_ms = 600000;   // keys forgotten after this long (age bound)
};

struct Limits {
  uint32_t max_frame_bytes = 1u << 20;  // larger frames are rejected unread
  uint32_t max_depth = 64;              // deeper nesting is rejected (the scanner never recurses)
};

struct Config {
  // Opt-in protocol extension: track the server's top-level "event_id", ask for a replay from the last
  // one on reconnect, and skip `resync` when the server confirms it ("resume":"ok" in connection_established).
  bool resume = false;
  ReconnectPolicy reconnect;
  HeartbeatPolicy heartbeat;
  DedupePolicy dedupe;
  uint32_t outbox_capacity = 100;
  Limits limits;
};

// What is wrong with a config: nothing (ok()), or the problem, the option and its bounds and value.
struct ConfigError {
  OptionError code = OptionError::none;
  Option option = Option::reconnect_initial_delay_ms;
  double low = 0;
  double high = 0;
  double value = 0;
  bool ok() const { return code == OptionError::none; }
};

// Cross-checks a config (ranges, the delays' order, the ping frame).
ConfigError validate(const Config& config);

// Builds a config from the options as numbers (kOptions of them, indexed by Option; NaN keeps the
// default) and the heartbeat's ping frame (empty keeps the default), then validates it.
ConfigError config_from_options(const double* options, std::string_view ping, Config& out);

}  // namespace numeneon::realtime
