// A bounded, non-recursive, validating scan of one JSON frame that finds its top-level `type`
// and captures the few fields its route cares about, without building a DOM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

enum class ValueKind : uint8_t { missing = 0, string = 1, number = 2, object = 3, array = 4, boolean = 5, null = 6 };

constexpr std::size_t kMaxPaths = 8;      // captured paths per type (required fields + dedupe key + internal)
constexpr std::size_t kMaxPathDepth = 4;  // components per path, e.g. data.post.id is 3

// Dotted paths into the frame's objects (arrays are not traversed), compiled for the scanner.
struct PathSet {
  uint8_t count = 0;
  uint8_t depth[kMaxPaths] = {};
  std::string_view component[kMaxPaths][kMaxPathDepth] = {};
};

// Where a captured value sits in the frame. Scalars carry their raw bytes (strings with quotes).
struct Capture {
  ValueKind kind = ValueKind::missing;
  uint32_t offset = 0;
  uint32_t length = 0;  // 0 for objects and arrays: only their kind is recorded
};

// Called once, when the top-level "type" string is found.
class TypeResolver {
 public:
  struct Resolution {
    bool stop = false;                // the frame is not wanted: end the scan here
    const PathSet* paths = nullptr;   // what to capture for this type (may be null)
  };
  virtual Resolution resolve(std::string_view type) = 0;

 protected:
  ~TypeResolver() = default;
};

struct ScanResult {
  ErrorCode error = ErrorCode::none;  // invalid_json, not_object, too_deep, missing_type, type_not_string
  bool stopped = false;               // the resolver said stop (the rest of the frame was not read)
  bool captures_complete = true;      // false when "type" came after other members: rescan with the paths
  std::string_view type;              // decoded type (points into the frame, or into the scanner's buffer)
  Capture captures[kMaxPaths];
};

class FrameScanner {
 public:
  // Fills `out`. `paths`, if given, is used from the first byte (the rescan case); otherwise the
  // resolver picks it when the type is read. `out.type` may point into the frame: keep the frame alive.
  void scan(std::string_view frame, uint32_t max_depth, TypeResolver& resolver, ScanResult& out,
            const PathSet* paths = nullptr);

 private:
  std::string type_buffer_;  // decoded type when it contained escapes (rare)
};

// Decodes the body of a JSON string (between the quotes) into `out`; false if an escape is invalid.
bool unescape_json_string(std::string_view body, std::string& out);

}  // namespace numeneon::realtime
