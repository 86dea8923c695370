// A small JSON reader for the low-frequency inputs: options and type specs. Frames never go through it
// (the FrameScanner validates and extracts without building a tree). It replaces nlohmann::json, which
// was two thirds of the Wasm module's size for a job that reads a few hundred bytes once per client.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace numeneon::realtime {

struct JsonMember;

struct JsonValue {
  enum class Kind : uint8_t { null, boolean, number, string, array, object };
  Kind kind = Kind::null;
  bool boolean = false;
  double number = 0;
  std::string string;                // decoded (escapes resolved), UTF-8
  std::vector<JsonValue> items;      // array elements
  std::vector<JsonMember> members;   // object members in document order

  bool is_object() const { return kind == Kind::object; }
  // The member named `key` (the last one if the key repeats, as JSON.parse does), or nullptr.
  const JsonValue* find(std::string_view key) const;
  // "null", "boolean", "number", "string", "array" or "object".
  const char* kind_name() const;
};

struct JsonMember {
  std::string key;
  JsonValue value;
};

// Parses one JSON text (RFC 8259, surrounding whitespace allowed). Returns false for anything else:
// a syntax error, a control character in a string, a number that overflows a double, nesting deeper
// than `max_depth`, or trailing content. Strings decode as in frames (unescape_json_string): a lone
// surrogate escape is kept, as JSON.parse keeps it. Numbers are exact for integers up to 2^53 and for
// decimals with at most 15 significant digits and a small exponent; others may be off by one unit in
// the last place.
bool parse_json(std::string_view text, JsonValue& out, uint32_t max_depth = 32);

// `s` as a JSON string literal: quotes added; `"`, `\` and control characters escaped; UTF-8 kept.
std::string json_quote(std::string_view s);

}  // namespace numeneon::realtime
