// Liveness: ping after a silence, declare the link dead if the ping is not answered in time.
#pragma once

#include <cstdint>

#include "numeneon/realtime/config.hpp"

namespace numeneon::realtime {

constexpr int64_t kNever = INT64_MAX;

class Heartbeat {
 public:
  enum class Due : uint8_t { nothing, send_ping, link_dead };

  explicit Heartbeat(const HeartbeatPolicy& policy) : interval_(policy.interval_ms), timeout_(policy.timeout_ms) {}

  void start(int64_t now_ms);
  void stop() { running_ = false; }
  // Any frame counts as a sign of life. Kept to one store: it runs for every frame.
  void on_receive(int64_t now_ms) { last_rx_ = now_ms; }
  // True if an echo of our own ping was outstanding (the frame is then consumed, not delivered).
  bool take_echo();
  bool awaiting_echo() const { return pings_outstanding_ > 0; }
  // When the host must wake the core next; kNever when stopped or disabled.
  int64_t deadline() const;
  Due on_timer(int64_t now_ms);

 private:
  static constexpr uint32_t kMaxOutstanding = 4;
  int64_t interval_;
  int64_t timeout_;
  bool running_ = false;
  int64_t last_rx_ = 0;
  int64_t ping_sent_at_ = 0;
  uint32_t pings_outstanding_ = 0;
};

}  // namespace numeneon::realtime
