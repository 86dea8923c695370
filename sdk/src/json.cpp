// A recursive-descent JSON reader, bounded by a depth limit, for options and type specs.
#include "numeneon/realtime/json.hpp"

#include <cmath>

#include "numeneon/realtime/frame_scan.hpp"

namespace numeneon::realtime {
namespace {

// 10^0 .. 10^22 are exact doubles: a mantissa below 2^53 times or divided by one of them is correctly
// rounded (one IEEE operation on exact operands).
constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr uint64_t kExactMantissa = uint64_t{1} << 53;

class Reader {
 public:
  Reader(std::string_view text, uint32_t max_depth) : s_(text), max_depth_(max_depth) {}

  bool document(JsonValue& out) {
    skip_space();
    if (!value(out, 0)) return false;
    skip_space();
    return i_ == s_.size();
  }

 private:
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[i_]; }
  void skip_space() {
    while (!at_end() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return false;
    i_ += word.size();
    return true;
  }

  bool value(JsonValue& out, uint32_t depth) {
    switch (peek()) {
      case '{': return object(out, depth + 1);
      case '[': return array(out, depth + 1);
      case '"': out.kind = JsonValue::Kind::string; return string(out.string);
      case 't': out.kind = JsonValue::Kind::boolean; out.boolean = true; return literal("true");
      case 'f': out.kind = JsonValue::Kind::boolean; out.boolean = false; return literal("false");
      case 'n': out.kind = JsonValue::Kind::null; return literal("null");
      default: out.kind = JsonValue::Kind::number; return number(out.number);
    }
  }

  bool object(JsonValue& out, uint32_t depth) {
    if (depth > max_depth_) return false;
    out.kind = JsonValue::Kind::object;
    ++i_;  // '{'
    skip_space();
    if (peek() == '}') return ++i_, true;
    for (;;) {
      JsonMember m;
      skip_space();
      if (peek() != '"' || !string(m.key)) return false;
      skip_space();
      if (peek() != ':') return false;
      ++i_;
      skip_space();
      if (!value(m.value, depth)) return false;
      out.members.push_back(std::move(m));
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != '}') return false;
      ++i_;
      return true;
    }
  }

  bool array(JsonValue& out, uint32_t depth) {
    if (depth > max_depth_) return false;
    out.kind = JsonValue::Kind::array;
    ++i_;  // '['
    skip_space();
    if (peek() == ']') return ++i_, true;
    for (;;) {
      skip_space();
      out.items.emplace_back();
      if (!value(out.items.back(), depth)) return false;
      skip_space();
      if (peek() == ',') {
        ++i_;
        continue;
      }
      if (peek() != ']') return false;
      ++i_;
      return true;
    }
  }

  // The string at s_[i_] == '"': finds its end (no control characters; an escaped quote does not end
  // it), then decodes it as the frame scanner does.
  bool string(std::string& out) {
    const size_t start = ++i_;
    for (;;) {
      if (at_end()) return false;
      const char c = s_[i_++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\' && i_++ >= s_.size()) return false;
    }
    return unescape_json_string(s_.substr(start, i_ - 1 - start), out);
  }

  bool digits(uint64_t& mantissa, int& digits_kept, int& exponent, bool fraction) {
    const size_t start = i_;
    for (; !at_end() && s_[i_] >= '0' && s_[i_] <= '9'; ++i_) {
      if (digits_kept < 19) {
        mantissa = mantissa * 10 + static_cast<uint64_t>(s_[i_] - '0');
        if (mantissa != 0) ++digits_kept;
        if (fraction) --exponent;
      } else if (!fraction) {
        ++exponent;  // an integer digit past the 19th: dropped, it only scales the value
      }
    }
    return i_ > start;
  }

  bool number(double& out) {
    const bool negative = peek() == '-';
    if (negative) ++i_;
    uint64_t mantissa = 0;
    int kept = 0;
    int exponent = 0;
    if (peek() == '0') {
      ++i_;
    } else if (!digits(mantissa, kept, exponent, false)) {
      return false;
    }
    if (peek() == '.') {
      ++i_;
      if (!digits(mantissa, kept, exponent, true)) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++i_;
      const bool minus = peek() == '-';
      if (peek() == '-' || peek() == '+') ++i_;
      if (at_end() || s_[i_] < '0' || s_[i_] > '9') return false;
      int e = 0;
      for (; !at_end() && s_[i_] >= '0' && s_[i_] <= '9'; ++i_)
        if (e < 100000) e = e * 10 + (s_[i_] - '0');
      exponent += minus ? -e : e;
    }
    double v = static_cast<double>(mantissa);
    if (mantissa != 0) {
      if (mantissa <= kExactMantissa && exponent >= -22 && exponent <= 22) {
        v = exponent >= 0 ? v * kPow10[exponent] : v / kPow10[-exponent];
      } else {
        for (; exponent > 22; exponent -= 22) v *= 1e22;
        for (; exponent < -22; exponent += 22) v /= 1e22;
        v = exponent >= 0 ? v * kPow10[exponent] : v / kPow10[-exponent];
      }
    }
    out = negative ? -v : v;
    return std::isfinite(v);  // 1e400: an overflow is an error, not Infinity
  }

  std::string_view s_;
  size_t i_ = 0;
  uint32_t max_depth_;
};

}  // namespace

const JsonValue* JsonValue::find(std::string_view key) const {
  for (auto it = members.rbegin(); it != members.rend(); ++it)
    if (it->key == key) return &it->value;
  return nullptr;
}

const char* JsonValue::kind_name() const {
  switch (kind) {
    case Kind::null: return "null";
    case Kind::boolean: return "boolean";
    case Kind::number: return "number";
    case Kind::string: return "string";
    case Kind::array: return "array";
    case Kind::object: return "object";
  }
  return "null";
}

bool parse_json(std::string_view text, JsonValue& out, uint32_t max_depth) {
  out = JsonValue{};
  return Reader(text, max_depth).document(out);
}

std::string json_quote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace numeneon::realtime
