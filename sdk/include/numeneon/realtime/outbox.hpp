// Frames the app sent while the link was down, kept in order until it opens again.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "numeneon/realtime/fifo.hpp"

namespace numeneon::realtime {

class Outbox {
 public:
  explicit Outbox(uint32_t capacity) : capacity_(capacity) {}

  // False when full: the caller reports the overflow, nothing is dropped silently.
  bool push(std::string frame);
  // Puts frames that were on their way out back in front, in their order (may exceed the capacity by
  // those frames: they were accepted once already).
  void push_front(std::vector<std::string> frames) { queue_.push_front(std::move(frames)); }
  bool pop(std::string& out);
  size_t size() const { return queue_.size(); }
  void clear() { queue_.clear(); }

 private:
  Fifo<std::string> queue_;
  uint32_t capacity_;
};

}  // namespace numeneon::realtime
