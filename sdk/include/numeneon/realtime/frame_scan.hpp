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

constexpr std::size_t kMaxPaths = 8;            // captured paths per type (required fields + dedupe key + internal)
constexpr std::size_t kMaxPathDepth = 4;        // components per path, e.g. data.post.id is 3
constexpr std::size_t kMaxComponentBytes = 64;  // per path component
constexpr std::size_t kMaxTypeNameBytes = 128;  // registered type names

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
    int32_t route = -1;               // the resolver's name for the type, copied into ScanResult::route
  };
  virtual Resolution resolve(std::string_view type) = 0;

 protected:
  ~TypeResolver() = default;
};

// Members are read as JSON.parse reads them: escaped names are decoded before they are compared, and
// when a name repeats the last member wins (its captures replace the earlier ones). The one exception
// is a second "type" member, rejected as duplicate_type: routing must not depend on which one counts.
struct ScanResult {
  ErrorCode error = ErrorCode::none;  // invalid_json, not_object, too_deep, missing_type, type_not_string, duplicate_type
  bool stopped = false;               // the resolver said stop (the rest of the frame was not read)
  bool captures_complete = true;      // false when "type" came after other members: rescan with the paths
  int32_t route = -1;                 // from the resolver's answer
  std::string_view type;              // decoded type (points into the frame, or into the scanner's buffer)
  Capture captures[kMaxPaths];
};

class FrameScanner {
 public:
  // Fills `out`. `paths`, if given, is used from the first byte (the rescan case); otherwise the
  // resolver picks it when the type is read. `out.type` may point into the frame: keep the frame alive.
  // Allocation-free: an escaped type longer than any registered name could be is not decoded.
  void scan(std::string_view frame, uint32_t max_depth, TypeResolver& resolver, ScanResult& out,
            const PathSet* paths = nullptr);

 private:
  char type_buffer_[kMaxTypeNameBytes];  // decoded type when it contained escapes (rare)
};

// Decodes the body of a JSON string (between the quotes) into `out`; false if an escape is invalid.
bool unescape_json_string(std::string_view body, std::string& out);

// The same into a fixed buffer: the decoded length, or -1 if an escape is invalid or it needs more
// than `capacity` bytes.
int unescape_json_string(std::string_view body, char* out, size_t capacity);

}  // namespace numeneon::realtime
