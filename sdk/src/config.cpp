// Config validation and the JSON form the JS side passes through.
#include "numeneon/realtime/config.hpp"

#include <cmath>

#include "numeneon/realtime/json.hpp"

namespace numeneon::realtime {
namespace {

constexpr uint32_t kMaxDelay = 24u * 3600u * 1000u;  // a day: larger delays are surely a unit mistake
constexpr uint32_t kMaxCapacity = 1u << 20;
constexpr uint32_t kMaxDepthLimit = 4096;
constexpr uint32_t kMaxFrameLimit = 64u << 20;

// A number for an error message, %g-like (2500, 0.5, 1e+20 as 1e20), without printf: formatting three
// messages is not worth the ~8 KB printf adds to the Wasm module.
std::string number_text(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v < 0) return "-" + number_text(-v);
  int exponent = 0;
  if (v >= 1e15 || (v > 0 && v < 1e-4)) {
    while (v >= 10) v /= 10, ++exponent;
    while (v < 1) v *= 10, --exponent;
  }
  long long whole = static_cast<long long>(v);
  long long fraction = std::llround((v - static_cast<double>(whole)) * 1e6);  // six decimals
  if (fraction == 1000000) ++whole, fraction = 0;
  std::string out = std::to_string(whole);
  if (fraction != 0) {
    std::string digits = std::to_string(1000000 + fraction).substr(1);
    digits.erase(digits.find_last_not_of('0') + 1);
    out += "." + digits;
  }
  if (exponent != 0) out += "e" + std::to_string(exponent);
  return out;
}

std::string out_of_range(const char* name, double value, double lo, double hi) {
  return std::string(name) + " must be between " + number_text(lo) + " and " + number_text(hi) + ", got " +
         number_text(value);
}

// Reads one integer field if present. Returns an error message or "".
std::string read_u32(const JsonValue& obj, const char* key, const char* name, uint32_t lo, uint32_t hi,
                     uint32_t& out) {
  const JsonValue* it = obj.find(key);
  if (!it) return "";
  if (it->kind != JsonValue::Kind::number) return std::string(name) + " must be a number, got " + it->kind_name();
  double v = it->number;
  if (!std::isfinite(v) || v != std::floor(v)) return std::string(name) + " must be an integer";
  if (v < lo || v > hi) return out_of_range(name, v, lo, hi);
  out = static_cast<uint32_t>(v);
  return "";
}

std::string read_double(const JsonValue& obj, const char* key, const char* name, double lo, double hi,
                        double& out) {
  const JsonValue* it = obj.find(key);
  if (!it) return "";
  if (it->kind != JsonValue::Kind::number) return std::string(name) + " must be a number, got " + it->kind_name();
  double v = it->number;
  if (!std::isfinite(v) || v < lo || v > hi) return out_of_range(name, v, lo, hi);
  out = v;
  return "";
}

// Rejects keys this build does not know, so a typo is an error instead of a silent default.
std::string check_keys(const JsonValue& obj, const char* section, std::initializer_list<const char*> known) {
  if (!obj.is_object()) return std::string(section) + " must be an object";
  for (const JsonMember& m : obj.members) {
    bool found = false;
    for (const char* k : known) found = found || m.key == k;
    if (!found) return std::string("unknown option ") + section + "." + m.key;
  }
  return "";
}

}  // namespace

std::string validate(const Config& c) {
  const auto& r = c.reconnect;
  if (r.initial_delay_ms > kMaxDelay) return out_of_range("reconnect.initialDelayMs", r.initial_delay_ms, 0, kMaxDelay);
  if (r.max_delay_ms < r.initial_delay_ms) return "reconnect.maxDelayMs must be >= reconnect.initialDelayMs";
  if (r.max_delay_ms > kMaxDelay) return out_of_range("reconnect.maxDelayMs", r.max_delay_ms, 0, kMaxDelay);
  if (!(r.multiplier >= 1.0 && r.multiplier <= 100.0)) return out_of_range("reconnect.multiplier", r.multiplier, 1, 100);
  if (!(r.jitter >= 0.0 && r.jitter <= 1.0)) return out_of_range("reconnect.jitter", r.jitter, 0, 1);
  if (r.min_delay_ms > r.max_delay_ms) return "reconnect.minDelayMs must be <= reconnect.maxDelayMs";
  if (r.token_timeout_ms == 0) return "reconnect.tokenTimeoutMs must be positive";
  if (r.connect_timeout_ms == 0) return "reconnect.connectTimeoutMs must be positive";
  if (r.auth_failure_limit == 0) return "reconnect.authFailureLimit must be at least 1";
  const auto& h = c.heartbeat;
  if (h.interval_ms > 0 && h.timeout_ms == 0) return "heartbeat.timeoutMs must be positive when the heartbeat is on";
  if (h.interval_ms > 0) {
    JsonValue ping;
    const JsonValue* type = parse_json(h.ping, ping) ? ping.find("type") : nullptr;
    if (!type || type->kind != JsonValue::Kind::string)
      return "heartbeat.ping must be a JSON object with a string \"type\"";
  }
  if (c.dedupe.capacity == 0) return "dedupe.capacity must be at least 1";
  if (c.dedupe.capacity > kMaxCapacity) return out_of_range("dedupe.capacity", c.dedupe.capacity, 1, kMaxCapacity);
  if (c.dedupe.max_age_ms == 0) return "dedupe.maxAgeMs must be positive";
  if (c.outbox_capacity > kMaxCapacity) return out_of_range("outbox.capacity", c.outbox_capacity, 0, kMaxCapacity);
  if (c.limits.max_frame_bytes < 64 || c.limits.max_frame_bytes > kMaxFrameLimit)
    return out_of_range("limits.maxFrameBytes", c.limits.max_frame_bytes, 64, kMaxFrameLimit);
  if (c.limits.max_depth < 2 || c.limits.max_depth > kMaxDepthLimit)
    return out_of_range("limits.maxDepth", c.limits.max_depth, 2, kMaxDepthLimit);
  return "";
}

ConfigResult config_from_json(std::string_view text) {
  ConfigResult res;
  JsonValue root;
  if (!parse_json(text, root)) {
    res.error = "options are not valid JSON";
    return res;
  }
  if (root.kind == JsonValue::Kind::null) root.kind = JsonValue::Kind::object;
  Config& c = res.config;
  std::string& e = res.error;
  if (!(e = check_keys(root, "options", {"reconnect", "heartbeat", "dedupe", "outbox", "limits", "resume"})).empty()) return res;

  if (const JsonValue* it = root.find("resume")) {
    if (it->kind != JsonValue::Kind::boolean) {
      e = std::string("resume must be a boolean, got ") + it->kind_name();
      return res;
    }
    c.resume = it->boolean;
  }
  if (const JsonValue* it = root.find("reconnect")) {
    const JsonValue& o = *it;
    auto& r = c.reconnect;
    if (!(e = check_keys(o, "reconnect", {"initialDelayMs", "maxDelayMs", "multiplier", "jitter", "minDelayMs",
                                          "growthPeriodMs", "rejectionDelayMs", "maxAttempts", "stableAfterMs",
                                          "tokenTimeoutMs", "connectTimeoutMs", "authFailureLimit"}))
             .empty() ||
        !(e = read_u32(o, "initialDelayMs", "reconnect.initialDelayMs", 0, kMaxDelay, r.initial_delay_ms)).empty() ||
        !(e = read_u32(o, "maxDelayMs", "reconnect.maxDelayMs", 0, kMaxDelay, r.max_delay_ms)).empty() ||
        !(e = read_double(o, "multiplier", "reconnect.multiplier", 1, 100, r.multiplier)).empty() ||
        !(e = read_double(o, "jitter", "reconnect.jitter", 0, 1, r.jitter)).empty() ||
        !(e = read_u32(o, "minDelayMs", "reconnect.minDelayMs", 0, kMaxDelay, r.min_delay_ms)).empty() ||
        !(e = read_u32(o, "growthPeriodMs", "reconnect.growthPeriodMs", 0, kMaxDelay, r.growth_period_ms)).empty() ||
        !(e = read_u32(o, "rejectionDelayMs", "reconnect.rejectionDelayMs", 0, kMaxDelay, r.rejection_delay_ms)).empty() ||
        !(e = read_u32(o, "maxAttempts", "reconnect.maxAttempts", 0, 1u << 30, r.max_attempts)).empty() ||
        !(e = read_u32(o, "stableAfterMs", "reconnect.stableAfterMs", 0, kMaxDelay, r.stable_after_ms)).empty() ||
        !(e = read_u32(o, "tokenTimeoutMs", "reconnect.tokenTimeoutMs", 1, kMaxDelay, r.token_timeout_ms)).empty() ||
        !(e = read_u32(o, "connectTimeoutMs", "reconnect.connectTimeoutMs", 1, kMaxDelay, r.connect_timeout_ms)).empty() ||
        !(e = read_u32(o, "authFailureLimit", "reconnect.authFailureLimit", 1, 1000, r.auth_failure_limit)).empty())
      return res;
  }
  if (const JsonValue* it = root.find("heartbeat")) {
    const JsonValue& o = *it;
    auto& h = c.heartbeat;
    if (!(e = check_keys(o, "heartbeat", {"intervalMs", "timeoutMs", "ping"})).empty() ||
        !(e = read_u32(o, "intervalMs", "heartbeat.intervalMs", 0, kMaxDelay, h.interval_ms)).empty() ||
        !(e = read_u32(o, "timeoutMs", "heartbeat.timeoutMs", 1, kMaxDelay, h.timeout_ms)).empty())
      return res;
    if (const JsonValue* p = o.find("ping")) {
      if (p->kind != JsonValue::Kind::string) {
        e = "heartbeat.ping must be a string (a JSON frame)";
        return res;
      }
      h.ping = p->string;
    }
  }
  if (const JsonValue* it = root.find("dedupe")) {
    const JsonValue& o = *it;
    if (!(e = check_keys(o, "dedupe", {"capacity", "maxAgeMs"})).empty() ||
        !(e = read_u32(o, "capacity", "dedupe.capacity", 1, kMaxCapacity, c.dedupe.capacity)).empty() ||
        !(e = read_u32(o, "maxAgeMs", "dedupe.maxAgeMs", 1, kMaxDelay * 30, c.dedupe.max_age_ms)).empty())
      return res;
  }
  if (const JsonValue* it = root.find("outbox")) {
    if (!(e = check_keys(*it, "outbox", {"capacity"})).empty() ||
        !(e = read_u32(*it, "capacity", "outbox.capacity", 0, kMaxCapacity, c.outbox_capacity)).empty())
      return res;
  }
  if (const JsonValue* it = root.find("limits")) {
    if (!(e = check_keys(*it, "limits", {"maxFrameBytes", "maxDepth"})).empty() ||
        !(e = read_u32(*it, "maxFrameBytes", "limits.maxFrameBytes", 64, kMaxFrameLimit, c.limits.max_frame_bytes)).empty() ||
        !(e = read_u32(*it, "maxDepth", "limits.maxDepth", 2, kMaxDepthLimit, c.limits.max_depth)).empty())
      return res;
  }
  e = validate(c);
  return res;
}

}  // namespace numeneon::realtime
