// Typing indicators, both ways (the typing extension, docs/PROTOCOL.md): ours are throttled and stop by
// themselves after a pause; theirs expire unless renewed, so a lost "stop" never leaves one on screen.
// Volatile: nothing here is ever queued.
#pragma once

#include <cstdint>
#include <vector>

#include "numeneon/realtime/heartbeat.hpp"

namespace numeneon::realtime {

struct TypingPolicy {
  uint32_t resend_ms = 2000;     // while typing, at most one "typing" frame per peer this often
  uint32_t idle_stop_ms = 5000;  // no keystroke for this long: we send the stop ourselves
  uint32_t expire_ms = 6000;     // a peer's indicator clears this long after its last "typing"
};

class Typing {
 public:
  explicit Typing(TypingPolicy policy = {}) : policy_(policy) {}

  enum class Send : uint8_t { nothing, start, stop };
  // A keystroke (typing) or an explicit stop in the conversation with `peer`: what to send now.
  Send local(int64_t now_ms, int64_t peer, bool typing);
  // A peer's typing frame arrived.
  void remote(int64_t now_ms, int64_t peer, bool typing);
  // When something next expires (kNever when nothing is pending).
  int64_t deadline() const;
  // One thing that expired by `now`, removed: our conversation to send a stop to (ours = true), or a
  // peer whose indicator cleared. False when nothing (more) has expired.
  bool next_expired(int64_t now_ms, int64_t& peer, bool& ours);
  // The link went down: our indicators end (nothing is sent), theirs stay until they expire.
  void link_lost() { ours_.clear(); }

 private:
  struct Ours {
    int64_t peer;
    int64_t last_sent;
    int64_t last_key;
  };
  struct Theirs {
    int64_t peer;
    int64_t expires;
  };
  static constexpr size_t kMaxEntries = 64;  // conversations and peers tracked at once (oldest dropped)

  TypingPolicy policy_;
  std::vector<Ours> ours_;
  std::vector<Theirs> theirs_;
};

}  // namespace numeneon::realtime
