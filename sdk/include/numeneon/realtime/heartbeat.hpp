// Liveness: ping after a silence, declare the link dead if nothing arrives in time after the ping.
// The manager keeps the deadline in its timer table; this class decides what a deadline means.
#pragma once

#include <cstdint>

#include "numeneon/realtime/config.hpp"

namespace numeneon::realtime {

constexpr int64_t kNever = INT64_MAX;

class Heartbeat {
 public:
  enum class Due : uint8_t { send_ping, link_dead };

  explicit Heartbeat(const HeartbeatPolicy& policy) : interval_(policy.interval_ms), timeout_(policy.timeout_ms) {}

  bool enabled() const { return interval_ > 0; }
  // The link opened. Returns the first deadline (kNever when disabled).
  int64_t start(int64_t now_ms);
  // Any frame is a sign of life. Returns the new deadline. Kept to two stores: it runs for every frame.
  int64_t on_receive(int64_t now_ms) {
    answered_ = true;
    return now_ms + interval_;
  }
  // The deadline passed: ping (the deadline becomes `next`) or give up on the link.
  Due on_deadline(int64_t now_ms, int64_t& next);
  // Ping now rather than after the silence (e.g. the network went offline): the link must answer
  // within `timeout_ms`. Returns the new deadline.
  int64_t probe(int64_t now_ms, int64_t timeout_ms);
  // True if an echo of our own ping was outstanding (the frame is then consumed, not delivered).
  bool take_echo();
  bool awaiting_echo() const { return echoes_due_ > 0; }
  // False between a ping and the next frame: the deadline, if it passes, means the link is dead.
  bool answered() const { return answered_; }

 private:
  static constexpr uint32_t kMaxEchoesDue = 4;
  void sent_ping();

  int64_t interval_;
  int64_t timeout_;
  bool answered_ = true;    // something arrived since the last ping
  uint32_t echoes_due_ = 0;  // our pings whose echo has not come back (bounded)
};

}  // namespace numeneon::realtime
