// Counters the core keeps; cheap to copy out.
#pragma once

#include <cstdint>

#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

struct Stats {
  uint64_t frames_received = 0;
  uint64_t frames_delivered = 0;
  uint64_t duplicates = 0;
  uint64_t unsubscribed = 0;
  uint64_t rejected = 0;          // malformed, too large, too deep, invalid payload, unknown type
  uint64_t heartbeats = 0;        // echoes of our own pings, consumed
  uint64_t ignored = 0;           // arrived while not open (after close(), or on a socket given up on)
  uint64_t bytes_received = 0;
  uint64_t frames_sent = 0;        // app frames and heartbeat pings
  uint64_t bytes_sent = 0;
  uint64_t frames_queued = 0;     // currently waiting in the outbox
  uint64_t frames_dropped = 0;    // frames the app sent that will never go out (each one reported)
  uint64_t connects = 0;          // handshakes that reached open
  uint64_t reconnects = 0;        // attempts after the first of a session
  uint64_t auth_rejections = 0;   // known auth rejections, in total
  State state = State::idle;
};

}  // namespace numeneon::realtime
