// Ring buffer (for order and age) + open-addressing set (for lookup), with backward-shift deletion.
#include "numeneon/realtime/dedupe.hpp"

namespace numeneon::realtime {
namespace {
inline uint64_t nonzero(uint64_t key) { return key ? key : 1; }
}  // namespace

DedupeWindow::DedupeWindow(uint32_t capacity, uint32_t max_age_ms)
    : ring_(capacity ? capacity : 1), max_age_ms_(max_age_ms) {
  size_t size = 8;
  while (size < ring_.size() * 2) size *= 2;
  table_.assign(size, 0);
  mask_ = size - 1;
}

size_t DedupeWindow::find_slot(uint64_t key) const {
  size_t slot = key & mask_;
  while (table_[slot] && table_[slot] != key) slot = (slot + 1) & mask_;
  return slot;
}

void DedupeWindow::erase_slot(size_t hole) {
  // Backward-shift: move later members of the probe run into the hole so lookups never need tombstones.
  for (size_t next = (hole + 1) & mask_; table_[next]; next = (next + 1) & mask_) {
    size_t home = table_[next] & mask_;
    bool movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
    if (movable) {
      table_[hole] = table_[next];
      hole = next;
    }
  }
  table_[hole] = 0;
}

void DedupeWindow::pop_oldest() {
  erase_slot(find_slot(ring_[head_].key));
  head_ = (head_ + 1) % ring_.size();
  --count_;
}

void DedupeWindow::expire(int64_t now_ms) {
  while (count_ && now_ms - ring_[head_].at > max_age_ms_) pop_oldest();
}

bool DedupeWindow::contains(uint64_t key, int64_t now_ms) {
  expire(now_ms);
  return table_[find_slot(nonzero(key))] != 0;
}

bool DedupeWindow::insert(uint64_t key, int64_t now_ms) {
  key = nonzero(key);
  expire(now_ms);
  if (table_[find_slot(key)]) return false;
  if (count_ == ring_.size()) pop_oldest();
  table_[find_slot(key)] = key;
  ring_[(head_ + count_) % ring_.size()] = {key, now_ms};
  ++count_;
  return true;
}

}  // namespace numeneon::realtime
