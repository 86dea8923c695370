// Event keys for de-duplication: one canonical form per value, hashed with a per-client secret.
//
// Canonical form: a string is its decoded content; a number is its value in shortest decimal form
// (12, 12.0, 1.2e1 and 120e-1 are all "12"; -0 is "0"; 1.50 is "1.5"). A string whose content is a
// number's canonical form is the same key as that number, so an id that arrives as 12 in a frame and
// as "12" from a REST answer (or the other way round) is one event. Numbers are compared as decimal
// text, exactly: ids beyond 2^53, which JSON.parse rounds, should travel as strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "numeneon/realtime/frame_scan.hpp"

namespace numeneon::realtime {

constexpr size_t kMaxKeyBytes = 256;  // longer string keys are hashed as they are written (escapes included)

// Writes the canonical form of `raw` (a JSON string with its quotes, or a JSON number) to `out`
// (kMaxKeyBytes). Returns its length, or -1 when `raw` is not a string or number of that kind.
int canonical_key(ValueKind kind, std::string_view raw, char* out);

struct KeySecret {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

class EventKeys {
 public:
  explicit EventKeys(KeySecret secret) : secret_(secret) {}

  // The key of a captured value for `route`, or 0 when it cannot be a key (not a string or number).
  uint64_t of_value(int32_t route, ValueKind kind, std::string_view raw) const;
  // The key of a whole frame, for types de-duplicated by content.
  uint64_t of_content(int32_t route, std::string_view frame) const;

 private:
  KeySecret secret_;
};

}  // namespace numeneon::realtime
