// A first-in first-out queue on one vector: the core's actions, events and outbox. Cheaper in code
// than std::deque (which instantiates a block map per element type) for queues that drain to empty.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace numeneon::realtime {

template <typename T>
class Fifo {
 public:
  void push(T value) { items_.push_back(std::move(value)); }
  // Puts `values` in front, in their order.
  void push_front(std::vector<T> values) {
    items_.insert(items_.begin() + static_cast<std::ptrdiff_t>(head_), std::make_move_iterator(values.begin()),
                  std::make_move_iterator(values.end()));
  }
  bool pop(T& out) {
    if (head_ == items_.size()) return false;
    out = std::move(items_[head_++]);
    if (head_ == items_.size()) clear();  // drained: the storage is reused from the start
    return true;
  }
  // Removes the queued items `take` returns true for (it may move from them first).
  template <typename F>
  void extract(F take) {
    size_t kept = head_;
    for (size_t i = head_; i < items_.size(); ++i)
      if (!take(items_[i])) items_[kept++] = std::move(items_[i]);
    items_.resize(kept);
  }
  size_t size() const { return items_.size() - head_; }
  bool empty() const { return size() == 0; }
  void clear() {
    items_.clear();
    head_ = 0;
  }

 private:
  std::vector<T> items_;
  size_t head_ = 0;
};

}  // namespace numeneon::realtime
