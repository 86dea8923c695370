// Bounded FIFO of outgoing frames.
#include "numeneon/realtime/outbox.hpp"

namespace numeneon::realtime {

bool Outbox::push(std::string frame) {
  if (queue_.size() >= capacity_) return false;
  queue_.push(std::move(frame));
  return true;
}

bool Outbox::pop(std::string& out) { return queue_.pop(out); }

}  // namespace numeneon::realtime
