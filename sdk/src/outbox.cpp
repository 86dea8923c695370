// Bounded FIFO of outgoing frames.
#include "numeneon/realtime/outbox.hpp"

namespace numeneon::realtime {

bool Outbox::push(std::string frame) {
  if (queue_.size() >= capacity_) return false;
  queue_.push_back(std::move(frame));
  return true;
}

void Outbox::push_front(std::deque<std::string> frames) {
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) queue_.push_front(std::move(*it));
}

bool Outbox::pop(std::string& out) {
  if (queue_.empty()) return false;
  out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

}  // namespace numeneon::realtime
