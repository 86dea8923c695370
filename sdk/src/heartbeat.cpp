// Heartbeat timing. A ping is "answered" by any frame received after it was sent.
#include "numeneon/realtime/heartbeat.hpp"

namespace numeneon::realtime {

void Heartbeat::start(int64_t now_ms) {
  running_ = interval_ > 0;
  last_rx_ = now_ms;
  pings_outstanding_ = 0;
}

bool Heartbeat::take_echo() {
  if (!pings_outstanding_) return false;
  --pings_outstanding_;
  return true;
}

int64_t Heartbeat::deadline() const {
  if (!running_) return kNever;
  if (pings_outstanding_ && ping_sent_at_ >= last_rx_) return ping_sent_at_ + timeout_;
  return last_rx_ + interval_;
}

Heartbeat::Due Heartbeat::on_timer(int64_t now_ms) {
  if (!running_ || now_ms < deadline()) return Due::nothing;  // spurious or early wake-up
  if (pings_outstanding_ && ping_sent_at_ >= last_rx_) return Due::link_dead;
  ping_sent_at_ = now_ms;
  // Bounded: a server that never echoes must not make us swallow a later echo of the app's own frame.
  if (pings_outstanding_ < kMaxOutstanding) ++pings_outstanding_;
  return Due::send_ping;
}

}  // namespace numeneon::realtime
