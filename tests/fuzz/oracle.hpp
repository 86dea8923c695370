// What the fuzzers share: the failure report, and the input classes where nlohmann (the reference
// parser) legitimately differs from the core's frame scanner.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace nrt_fuzz {

inline void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

// RFC 3629 UTF-8 (no overlongs, no surrogates), as nlohmann checks it. The scanner does not
// re-validate UTF-8: the host hands over text it decoded itself.
inline bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    const size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || c < 0xC2 || c > 0xF4 || i + len > s.size()) return false;
    const unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F))
      return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

// A \uD800-\uDFFF escape (case-insensitive hex): valid to the JSON grammar and JSON.parse (and the core),
// rejected by nlohmann when unpaired.
inline bool has_surrogate_escape(std::string_view s) {
  for (size_t i = s.find("\\u"); i != std::string_view::npos && i + 3 < s.size(); i = s.find("\\u", i + 1)) {
    const char a = s[i + 2], b = s[i + 3];
    if ((a == 'd' || a == 'D') && ((b >= '8' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F'))) return true;
  }
  return false;
}

// nlohmann takes a NUL byte as the end of its input; JSON allows none anywhere.
inline bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

// nlohmann skips a leading UTF-8 byte order mark (RFC 8259 allows a parser to); JSON.parse and the core
// reject it, as U+FEFF is not JSON whitespace.
inline bool has_bom(std::string_view s) { return s.substr(0, 3) == "\xEF\xBB\xBF"; }

// Every class above: where a disagreement with nlohmann is expected, not a bug.
inline bool reference_differs(std::string_view s) { return !valid_utf8(s) || has_nul(s) || has_surrogate_escape(s) || has_bom(s); }

}  // namespace nrt_fuzz
