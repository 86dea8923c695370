// Typing indicators: throttling and expiry on the host's clock.
#include "numeneon/realtime/typing.hpp"

#include <algorithm>

namespace numeneon::realtime {

Typing::Send Typing::local(int64_t now_ms, int64_t peer, bool typing) {
  auto it = std::find_if(ours_.begin(), ours_.end(), [&](const Ours& o) { return o.peer == peer; });
  if (!typing) {
    if (it == ours_.end()) return Send::nothing;  // never told them we were typing
    ours_.erase(it);
    return Send::stop;
  }
  if (it != ours_.end()) {
    it->last_key = now_ms;
    if (now_ms - it->last_sent < policy_.resend_ms) return Send::nothing;
    it->last_sent = now_ms;
    return Send::start;
  }
  if (ours_.size() == kMaxEntries) ours_.erase(ours_.begin());
  ours_.push_back({peer, now_ms, now_ms});
  return Send::start;
}

void Typing::remote(int64_t now_ms, int64_t peer, bool typing) {
  auto it = std::find_if(theirs_.begin(), theirs_.end(), [&](const Theirs& t) { return t.peer == peer; });
  if (!typing) {
    if (it != theirs_.end()) theirs_.erase(it);
    return;
  }
  if (it != theirs_.end()) {
    it->expires = now_ms + policy_.expire_ms;
    return;
  }
  if (theirs_.size() == kMaxEntries) theirs_.erase(theirs_.begin());
  theirs_.push_back({peer, now_ms + policy_.expire_ms});
}

int64_t Typing::deadline() const {
  int64_t next = kNever;
  for (const Ours& o : ours_) next = std::min(next, o.last_key + policy_.idle_stop_ms);
  for (const Theirs& t : theirs_) next = std::min(next, t.expires);
  return next;
}

bool Typing::next_expired(int64_t now_ms, int64_t& peer, bool& ours) {
  for (auto it = ours_.begin(); it != ours_.end(); ++it) {
    if (it->last_key + policy_.idle_stop_ms > now_ms) continue;
    peer = it->peer;
    ours = true;
    ours_.erase(it);
    return true;
  }
  for (auto it = theirs_.begin(); it != theirs_.end(); ++it) {
    if (it->expires > now_ms) continue;
    peer = it->peer;
    ours = false;
    theirs_.erase(it);
    return true;
  }
  return false;
}

}  // namespace numeneon::realtime
