// Heartbeat timing. A ping is "answered" by any frame received after it was sent.
#include "numeneon/realtime/heartbeat.hpp"

namespace numeneon::realtime {

int64_t Heartbeat::start(int64_t now_ms) {
  answered_ = true;
  echoes_due_ = 0;
  return enabled() ? now_ms + interval_ : kNever;
}

void Heartbeat::sent_ping() {
  answered_ = false;
  // Bounded: a server that never echoes must not make us swallow a later echo of the app's own frame.
  if (echoes_due_ < kMaxEchoesDue) ++echoes_due_;
}

Heartbeat::Due Heartbeat::on_deadline(int64_t now_ms, int64_t& next) {
  if (!answered_) return Due::link_dead;
  sent_ping();
  next = now_ms + timeout_;
  return Due::send_ping;
}

int64_t Heartbeat::probe(int64_t now_ms, int64_t timeout_ms) {
  sent_ping();
  return now_ms + timeout_ms;
}

bool Heartbeat::take_echo() {
  if (!echoes_due_) return false;
  --echoes_due_;
  return true;
}

}  // namespace numeneon::realtime
