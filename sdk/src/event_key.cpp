// Canonical event keys and their keyed hash.
#include "numeneon/realtime/event_key.hpp"

#include <cstring>

#include "hash.hpp"

namespace numeneon::realtime {
namespace {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A JSON number as sign, significant digits and decimal exponent: value = 0.<digits> x 10^point.
int canonical_number(std::string_view raw, char* out) {
  size_t i = 0;
  const size_t n = raw.size();
  bool negative = i < n && raw[i] == '-';
  if (negative) ++i;
  if (i >= n || !is_digit(raw[i]) || (raw[i] == '0' && i + 1 < n && is_digit(raw[i + 1]))) return -1;
  char digits[kMaxKeyBytes];
  size_t count = 0;
  int64_t point = 0;  // digits before the decimal point, once leading zeros are gone
  bool truncated = false;
  auto take = [&](char c, bool before_point) {
    if (count == 0 && c == '0') {  // leading zero: only moves the point for fraction digits
      if (!before_point) --point;
      return;
    }
    if (count < sizeof digits) digits[count++] = c;
    else truncated = true;
    if (before_point) ++point;
  };
  for (; i < n && is_digit(raw[i]); ++i) take(raw[i], true);
  if (i < n && raw[i] == '.') {
    if (++i >= n || !is_digit(raw[i])) return -1;
    for (; i < n && is_digit(raw[i]); ++i) take(raw[i], false);
  }
  if (i < n && (raw[i] == 'e' || raw[i] == 'E')) {
    ++i;
    bool minus = i < n && raw[i] == '-';
    if (i < n && (raw[i] == '+' || raw[i] == '-')) ++i;
    if (i >= n || !is_digit(raw[i])) return -1;
    int64_t e = 0;
    for (; i < n && is_digit(raw[i]); ++i) e = e < 100000000 ? e * 10 + (raw[i] - '0') : e;  // saturates
    point += minus ? -e : e;
  }
  if (i != n || truncated) return -1;
  while (count > 0 && digits[count - 1] == '0') --count;  // trailing zeros carry no value
  if (count == 0) {
    out[0] = '0';
    return 1;
  }
  // Plain integer when it is one and short, plain decimal when the point falls inside the digits,
  // else d.ddd e<exp>: any of them is fine as long as every spelling of a value gives the same text.
  size_t len = 0;
  auto put = [&](char c) {
    if (len < kMaxKeyBytes) out[len++] = c;
    else truncated = true;
  };
  if (negative) put('-');
  if (point >= static_cast<int64_t>(count) && point <= 21) {
    for (size_t k = 0; k < count; ++k) put(digits[k]);
    for (int64_t k = static_cast<int64_t>(count); k < point; ++k) put('0');
  } else if (point > 0 && point < static_cast<int64_t>(count)) {
    for (size_t k = 0; k < count; ++k) {
      if (static_cast<int64_t>(k) == point) put('.');
      put(digits[k]);
    }
  } else {
    put(digits[0]);
    if (count > 1) put('.');
    for (size_t k = 1; k < count; ++k) put(digits[k]);
    put('e');
    int64_t e = point - 1;
    if (e < 0) put('-'), e = -e;
    char rev[24];
    size_t r = 0;
    do rev[r++] = static_cast<char>('0' + e % 10), e /= 10;
    while (e && r < sizeof rev);
    while (r) put(rev[--r]);
  }
  return truncated ? -1 : static_cast<int>(len);
}

}  // namespace

int canonical_key(ValueKind kind, std::string_view raw, char* out) {
  if (kind == ValueKind::number) return canonical_number(raw, out);
  if (kind != ValueKind::string || raw.size() < 2 || raw.front() != '"' || raw.back() != '"') return -1;
  std::string_view body = raw.substr(1, raw.size() - 2);
  if (body.find('\\') == std::string_view::npos) {
    if (body.size() > kMaxKeyBytes) return -1;
    std::memcpy(out, body.data(), body.size());
    return static_cast<int>(body.size());
  }
  return unescape_json_string(body, out, kMaxKeyBytes);
}

uint64_t EventKeys::of_value(int32_t route, ValueKind kind, std::string_view raw) const {
  if (kind != ValueKind::string && kind != ValueKind::number) return 0;
  char canonical[kMaxKeyBytes];
  int len = canonical_key(kind, raw, canonical);
  detail::SipHash h(secret_.k0, secret_.k1);
  char prefix[5] = {0, 0, 0, 0, 'k'};
  std::memcpy(prefix, &route, 4);
  if (len < 0) prefix[4] = 'r';  // too long to canonicalise: hashed as written, in a space of its own
  h.update(std::string_view(prefix, sizeof prefix));
  h.update(len < 0 ? raw : std::string_view(canonical, static_cast<size_t>(len)));
  return h.finish();
}

uint64_t EventKeys::of_content(int32_t route, std::string_view frame) const {
  detail::SipHash h(secret_.k0, secret_.k1);
  char prefix[5] = {0, 0, 0, 0, 'c'};
  std::memcpy(prefix, &route, 4);
  h.update(std::string_view(prefix, sizeof prefix));
  h.update(frame);
  return h.finish();
}

}  // namespace numeneon::realtime
