// The frame scanner: one pass, an explicit container stack instead of recursion, SWAR string skipping.
//
// It validates JSON syntax (RFC 8259 grammar; UTF-8 is not re-validated: the host hands over text it
// decoded itself) up to the point where the verdict is known. A frame whose type nobody wants is
// dropped as soon as its "type" is read; every other frame is read to the end.
#include "numeneon/realtime/frame_scan.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#elif defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace numeneon::realtime {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighs = 0x8080808080808080ull;
constexpr uint32_t kMaxStackDepth = 4096;  // config validation keeps max_depth below this

inline uint64_t has_zero_byte(uint64_t v) { return (v - kOnes) & ~v & kHighs; }
inline uint64_t has_byte_below(uint64_t v, uint8_t n) { return (v - kOnes * n) & ~v & kHighs; }


// Inlined by hand: with -flto the library's out-of-line string_view comparison (from a size-optimised
// file) would be called per member name.
[[gnu::always_inline]] inline bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && (a.empty() || __builtin_memcmp(a.data(), b.data(), a.size()) == 0);
}

inline bool is_ws(unsigned char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
inline int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Bit k set where p[k] is '"', '\\' or a control character, for the 16 bytes at p (SIMD builds only).
#if defined(__SSE2__)
constexpr bool kSimd = true;
inline uint32_t string_stops16(const unsigned char* p) {
  __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  __m128i slash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F, unsigned
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, slash), control)));
}
#elif defined(__wasm_simd128__)
constexpr bool kSimd = true;
inline uint32_t string_stops16(const unsigned char* p) {
  v128_t v = wasm_v128_load(p);
  v128_t quote = wasm_i8x16_eq(v, wasm_i8x16_splat('"'));
  v128_t slash = wasm_i8x16_eq(v, wasm_i8x16_splat('\\'));
  v128_t control = wasm_u8x16_lt(v, wasm_i8x16_splat(0x20));
  return wasm_i8x16_bitmask(wasm_v128_or(wasm_v128_or(quote, slash), control));
}
#else
constexpr bool kSimd = false;
inline uint32_t string_stops16(const unsigned char*) { return 0; }
#endif

// Without SIMD, eight bytes at a time (SWAR): stop at '"', '\\' or a control character.
[[maybe_unused]] inline bool plain_string_word(uint64_t w) {
  return !(has_zero_byte(w ^ (kOnes * '"')) | has_zero_byte(w ^ (kOnes * '\\')) | has_byte_below(w, 0x20));
}

// Scans the string starting at s[i] == '"'. Returns the index after the closing quote, or 0 on error.
[[gnu::always_inline]] inline size_t skip_string(const unsigned char* s, size_t n, size_t i, bool& escaped) {
  size_t j = i + 1;
  for (;;) {
    if constexpr (kSimd) {
      while (j + 16 <= n) {
        uint32_t stops = string_stops16(s + j);
        if (stops) {
          j += static_cast<size_t>(__builtin_ctz(stops));
          goto stop;
        }
        j += 16;
      }
    } else {
      while (j + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, s + j, 8);
        if (!plain_string_word(w)) break;
        j += 8;
      }
    }
    while (j < n && s[j] != '"' && s[j] != '\\' && s[j] >= 0x20) ++j;
    if (j >= n) return 0;
  stop:
    unsigned char c = s[j];
    if (c == '"') return j + 1;
    if (c < 0x20) return 0;
    escaped = true;  // backslash
    if (++j >= n) return 0;
    c = s[j];
    if (c == 'u') {
      if (j + 4 >= n) return 0;
      for (int k = 1; k <= 4; ++k)
        if (hex_value(s[j + k]) < 0) return 0;
      j += 5;
    } else if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't') {
      ++j;
    } else {
      return 0;
    }
  }
}

// Returns the index after the number starting at s[i], or 0 on error.
inline size_t skip_number(const unsigned char* s, size_t n, size_t i) {
  size_t j = i;
  if (s[j] == '-') ++j;
  if (j >= n) return 0;
  if (s[j] == '0') {
    ++j;
  } else if (s[j] >= '1' && s[j] <= '9') {
    while (j < n && is_digit(s[j])) ++j;
  } else {
    return 0;
  }
  if (j < n && s[j] == '.') {
    size_t k = ++j;
    while (j < n && is_digit(s[j])) ++j;
    if (j == k) return 0;
  }
  if (j < n && (s[j] == 'e' || s[j] == 'E')) {
    ++j;
    if (j < n && (s[j] == '+' || s[j] == '-')) ++j;
    size_t k = j;
    while (j < n && is_digit(s[j])) ++j;
    if (j == k) return 0;
  }
  return j;
}

inline bool match_literal(const unsigned char* s, size_t n, size_t i, const char* lit, size_t len) {
  return i + len <= n && std::memcmp(s + i, lit, len) == 0;
}

// Appends code point `cp` as UTF-8 through put(char), which returns false when there is no room.
template <typename Put>
bool append_utf8(Put& put, uint32_t cp) {
  if (cp < 0x80) return put(static_cast<char>(cp));
  if (cp < 0x800) return put(static_cast<char>(0xC0 | (cp >> 6))) && put(static_cast<char>(0x80 | (cp & 0x3F)));
  if (cp < 0x10000)
    return put(static_cast<char>(0xE0 | (cp >> 12))) && put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F))) &&
           put(static_cast<char>(0x80 | (cp & 0x3F)));
  return put(static_cast<char>(0xF0 | (cp >> 18))) && put(static_cast<char>(0x80 | ((cp >> 12) & 0x3F))) &&
         put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F))) && put(static_cast<char>(0x80 | (cp & 0x3F)));
}

bool read_hex4(std::string_view s, size_t i, uint32_t& out) {
  out = 0;
  for (size_t k = 0; k < 4; ++k) {
    int h = hex_value(static_cast<unsigned char>(s[i + k]));
    if (h < 0) return false;
    out = out * 16 + static_cast<uint32_t>(h);
  }
  return true;
}

// Decodes a JSON string body through put(char); false if an escape is invalid or put runs out of room.
template <typename Put>
bool unescape(std::string_view body, Put&& put) {
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      if (!put(c)) return false;
      continue;
    }
    if (++i >= body.size()) return false;
    char decoded = 0;
    switch (body[i]) {
      case '"': decoded = '"'; break;
      case '\\': decoded = '\\'; break;
      case '/': decoded = '/'; break;
      case 'b': decoded = '\b'; break;
      case 'f': decoded = '\f'; break;
      case 'n': decoded = '\n'; break;
      case 'r': decoded = '\r'; break;
      case 't': decoded = '\t'; break;
      case 'u': {
        uint32_t cp = 0;
        if (i + 4 >= body.size() || !read_hex4(body, i + 1, cp)) return false;
        i += 4;
        uint32_t lo = 0;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u' &&
            read_hex4(body, i + 3, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          i += 6;
        }
        if (!append_utf8(put, cp)) return false;
        continue;
      }
      default: return false;
    }
    if (!put(decoded)) return false;
  }
  return true;
}

}  // namespace

bool unescape_json_string(std::string_view body, std::string& out) {
  out.clear();
  return unescape(body, [&](char c) {
    out += c;
    return true;
  });
}

int unescape_json_string(std::string_view body, char* out, size_t capacity) {
  size_t n = 0;
  bool ok = unescape(body, [&](char c) {
    if (n == capacity) return false;
    out[n++] = c;
    return true;
  });
  return ok ? static_cast<int>(n) : -1;
}

void FrameScanner::scan(std::string_view frame, uint32_t max_depth, TypeResolver& resolver, ScanResult& r,
                        const PathSet* paths) {
  // Reset field by field: zero-filling the whole result costs more than scanning a small frame.
  r.error = ErrorCode::none;
  r.stopped = false;
  r.captures_complete = true;
  r.route = -1;
  r.type = {};
  for (Capture& cap : r.captures) cap.kind = ValueKind::missing;
  const auto* s = reinterpret_cast<const unsigned char*>(frame.data());
  const size_t n = frame.size();
  if (max_depth > kMaxStackDepth) max_depth = kMaxStackDepth;

  uint64_t is_object[kMaxStackDepth / 64 + 1];  // bit d: the container at depth d is an object
  uint8_t key_mask[kMaxPathDepth + 2] = {};     // paths still matching inside the object at depth d
  uint32_t depth = 0;
  uint32_t root_members = 0;
  bool type_found = false;
  const bool rescan = paths != nullptr;
  uint8_t all_paths = paths ? static_cast<uint8_t>((1u << paths->count) - 1) : 0;

  // Context of the value about to be read.
  uint8_t capture_mask = 0;  // paths that end at this value
  uint8_t child_mask = 0;    // paths that continue inside it (if it is an object)
  bool value_is_type = false;
  size_t i = 0;
  size_t j = 0;
  bool escaped = false;
  unsigned char c = 0;

  auto skip_ws = [&]() __attribute__((always_inline)) {  // compact frames have no whitespace: one compare decides
    while (i < n && s[i] <= ' ' && is_ws(s[i])) ++i;
  };
  auto in_object = [&]() __attribute__((always_inline)) { return (is_object[depth / 64] >> (depth % 64)) & 1u; };
  auto push = [&](bool object) __attribute__((always_inline)) {
    ++depth;
    uint64_t bit = uint64_t{1} << (depth % 64);
    if (object) is_object[depth / 64] |= bit;
    else is_object[depth / 64] &= ~bit;
  };
  auto record_scalar = [&](ValueKind kind, size_t start, size_t end) __attribute__((always_inline)) {
    for (uint8_t m = capture_mask, b = 0; m; m >>= 1, ++b)
      if (m & 1u) r.captures[b] = {kind, static_cast<uint32_t>(start), static_cast<uint32_t>(end - start)};
  };
  auto fail = [&](ErrorCode e) __attribute__((always_inline)) { r.error = e; };

  skip_ws();
  if (i >= n) return fail(ErrorCode::invalid_json);
  if (s[i] != '{') {
    c = s[i];
    bool json_like = c == '[' || c == '"' || c == '-' || is_digit(c) || c == 't' || c == 'f' || c == 'n';
    return fail(json_like ? ErrorCode::not_object : ErrorCode::invalid_json);
  }

value:
  if (i >= n) return fail(ErrorCode::invalid_json);
  c = s[i];
  if (value_is_type && c != '"') return fail(ErrorCode::type_not_string);
  switch (c) {
    case '{': {
      if (depth >= max_depth) return fail(ErrorCode::too_deep);
      for (uint8_t m = capture_mask, b = 0; m; m >>= 1, ++b)
        if (m & 1u) r.captures[b].kind = ValueKind::object;
      push(true);
      if (depth <= kMaxPathDepth) key_mask[depth] = depth == 1 ? all_paths : child_mask;
      ++i;
      skip_ws();
      if (i < n && s[i] == '}') {
        ++i;
        --depth;
        goto after_value;
      }
      goto key;
    }
    case '[': {
      if (depth >= max_depth) return fail(ErrorCode::too_deep);
      for (uint8_t m = capture_mask, b = 0; m; m >>= 1, ++b)
        if (m & 1u) r.captures[b].kind = ValueKind::array;
      push(false);
      ++i;
      skip_ws();
      if (i < n && s[i] == ']') {
        ++i;
        --depth;
        goto after_value;
      }
      capture_mask = child_mask = 0;
      goto value;
    }
    case '"': {
      escaped = false;
      j = skip_string(s, n, i, escaped);
      if (!j) return fail(ErrorCode::invalid_json);
      if (capture_mask) record_scalar(ValueKind::string, i, j);
      if (value_is_type) {
        if (type_found) return fail(ErrorCode::duplicate_type);
        type_found = true;
        std::string_view body(frame.data() + i + 1, j - i - 2);
        if (escaped) {
          // Longer than any registered name once decoded (or badly escaped): no route can match it.
          int len = unescape_json_string(body, type_buffer_, sizeof type_buffer_);
          body = std::string_view(type_buffer_, len < 0 ? 0 : static_cast<size_t>(len));
        }
        r.type = body;
        if (!rescan) {
          TypeResolver::Resolution res = resolver.resolve(body);
          r.route = res.route;
          if (res.stop) {
            r.stopped = true;
            return;
          }
          if (res.paths && res.paths->count) {
            paths = res.paths;
            all_paths = static_cast<uint8_t>((1u << paths->count) - 1);
            key_mask[1] = all_paths;
            r.captures_complete = root_members == 1;
          }
        }
      }
      i = j;
      goto after_value;
    }
    case 't':
      if (!match_literal(s, n, i, "true", 4)) return fail(ErrorCode::invalid_json);
      if (capture_mask) record_scalar(ValueKind::boolean, i, i + 4);
      i += 4;
      goto after_value;
    case 'f':
      if (!match_literal(s, n, i, "false", 5)) return fail(ErrorCode::invalid_json);
      if (capture_mask) record_scalar(ValueKind::boolean, i, i + 5);
      i += 5;
      goto after_value;
    case 'n':
      if (!match_literal(s, n, i, "null", 4)) return fail(ErrorCode::invalid_json);
      if (capture_mask) record_scalar(ValueKind::null, i, i + 4);
      i += 4;
      goto after_value;
    default:
      if (c != '-' && !is_digit(c)) return fail(ErrorCode::invalid_json);
      j = skip_number(s, n, i);
      if (!j) return fail(ErrorCode::invalid_json);
      if (capture_mask) record_scalar(ValueKind::number, i, j);
      i = j;
      goto after_value;
  }

key:
  // At a member name inside the object at `depth`.
  if (i >= n || s[i] != '"') return fail(ErrorCode::invalid_json);
  escaped = false;
  j = skip_string(s, n, i, escaped);
  if (!j) return fail(ErrorCode::invalid_json);
  {
    std::string_view name(frame.data() + i + 1, j - i - 2);
    char decoded[kMaxComponentBytes];
    bool comparable = true;
    if (escaped && (depth == 1 || (depth <= kMaxPathDepth && key_mask[depth]))) {
      // Compared as JSON.parse would see it; a name too long to be a component matches nothing.
      int len = unescape_json_string(name, decoded, sizeof decoded);
      comparable = len >= 0;
      if (comparable) name = std::string_view(decoded, static_cast<size_t>(len));
    }
    capture_mask = child_mask = 0;
    if (comparable && depth <= kMaxPathDepth && key_mask[depth]) {
      for (uint8_t m = key_mask[depth], b = 0; m; m >>= 1, ++b) {
        if (!(m & 1u) || !same(paths->component[b][depth - 1], name)) continue;
        // A repeated member replaces the earlier one (last wins): forget what it captured.
        r.captures[b].kind = ValueKind::missing;
        if (paths->depth[b] == depth) capture_mask |= static_cast<uint8_t>(1u << b);
        else child_mask |= static_cast<uint8_t>(1u << b);
      }
    }
    value_is_type = comparable && depth == 1 && same(name, "type");
    if (depth == 1) ++root_members;
  }
  i = j;
  skip_ws();
  if (i >= n || s[i] != ':') return fail(ErrorCode::invalid_json);
  ++i;
  skip_ws();
  goto value;

after_value:
  value_is_type = false;
  skip_ws();
  if (depth == 0) {
    if (i != n) return fail(ErrorCode::invalid_json);
    if (!type_found) return fail(ErrorCode::missing_type);
    return;
  }
  if (i >= n) return fail(ErrorCode::invalid_json);
  c = s[i++];
  if (c == ',') {
    skip_ws();
    if (in_object()) goto key;
    capture_mask = child_mask = 0;
    goto value;
  }
  if ((c == '}' && in_object()) || (c == ']' && !in_object())) {
    --depth;
    goto after_value;
  }
  return fail(ErrorCode::invalid_json);
}

}  // namespace numeneon::realtime
