// A bounded de-duplication window: remembers the last `capacity` keys, each for at most `max_age_ms`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace numeneon::realtime {

class DedupeWindow {
 public:
  DedupeWindow(uint32_t capacity, uint32_t max_age_ms);

  // Records `key`; true if it was new, false if it is a duplicate inside the window.
  // Allocation-free; O(1) amortised. The oldest key is forgotten when the window is full.
  bool insert(uint64_t key, int64_t now_ms);
  bool contains(uint64_t key, int64_t now_ms);
  size_t size() const { return count_; }

 private:
  struct Entry {
    uint64_t key;
    int64_t at;
  };
  void expire(int64_t now_ms);
  void pop_oldest();
  size_t find_slot(uint64_t key) const;  // slot holding key, or the empty slot where it would go
  void erase_slot(size_t slot);

  std::vector<Entry> ring_;      // insertion order, oldest at head_
  size_t head_ = 0;
  size_t count_ = 0;
  std::vector<uint64_t> table_;  // linear-probing set of keys; 0 = empty
  size_t mask_ = 0;
  int64_t max_age_ms_;
};

}  // namespace numeneon::realtime
