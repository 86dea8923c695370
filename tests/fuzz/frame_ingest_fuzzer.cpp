// Fuzzes the per-frame path, Manager::handle_frame, with arbitrary bytes.
//
// Input: byte 0 chooses the setup (bit 0 wildcard, bits 1-5 which types have subscribers, bit 6 a ping
// awaiting its echo, bit 7 a small depth limit); the rest is the frame. A custom type `x` with
// content de-duplication is always registered and subscribed. Invariants:
//  - the decision is well formed: rejected <=> an error code; a route only where one exists;
//    a delivered unregistered type only with the wildcard on; counters add up;
//  - agreement with a real JSON parser (nlohmann) on what the scanner promises to validate: a frame
//    it reads to the end and accepts is valid JSON, and a valid object with a string "type" within the
//    depth limit is never rejected as malformed;
//  - agreement with JSON.parse semantics (nlohmann reads objects the same way: escaped names decoded,
//    the last of repeated names wins) on the schema: a delivered frame's tree satisfies its type's
//    required fields, and a frame rejected as invalid_payload fails exactly the field it names;
//  - the same frame again gives the same verdict (or `duplicate` after a delivery);
//  - the core keeps working: a fresh valid frame after it is delivered.
// ASan + UBSan catch memory and undefined-behaviour errors; the frame is passed without a copy, so a
// read past its end is caught too.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "numeneon/realtime/manager.hpp"
#include "oracle.hpp"

namespace nrt = numeneon::realtime;
using nrt_fuzz::check;

namespace {

// Nesting depth of a parsed value, iteratively (the fuzzer builds deep inputs).
size_t depth_of(const nlohmann::json& root) {
  std::vector<std::pair<const nlohmann::json*, size_t>> stack{{&root, 1}};
  size_t best = 0;
  while (!stack.empty()) {
    auto [v, d] = stack.back();
    stack.pop_back();
    if (!v->is_structured()) continue;
    best = std::max(best, d);
    for (const auto& child : *v) stack.push_back({&child, d + 1});
  }
  return best;
}

// The value at a dotted path, walking objects only (as the scanner does), or nullptr.
const nlohmann::json* at_path(const nlohmann::json& root, const std::string& path) {
  const nlohmann::json* v = &root;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!v->is_object()) return nullptr;
    auto it = v->find(part);
    if (it == v->end()) return nullptr;
    v = &*it;
    if (dot == std::string::npos) return v;
    start = dot + 1;
  }
}

bool kind_holds(const nlohmann::json* v, nrt::FieldKind k) {
  if (!v) return false;
  switch (k) {
    case nrt::FieldKind::any: return !v->is_null();
    case nrt::FieldKind::string: return v->is_string();
    case nrt::FieldKind::number: return v->is_number();
    case nrt::FieldKind::object: return v->is_object();
    case nrt::FieldKind::array: return v->is_array();
    case nrt::FieldKind::boolean: return v->is_boolean();
  }
  return false;
}

// The index of the first required field the tree fails, or -1.
int first_failing_field(const nrt::TypeSpec& spec, const nlohmann::json& tree) {
  for (size_t f = 0; f < spec.required.size(); ++f)
    if (!kind_holds(at_path(tree, spec.required[f].path), spec.required[f].kind)) return static_cast<int>(f);
  return -1;
}

size_t count_brackets(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += c == '[' || c == '{';
  return n;
}

const char* const kSubscribable[] = {"new_message", "friend_request", "echo", "error", "connection_established"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::string_view frame(reinterpret_cast<const char*>(data + 1), size - 1);

  nrt::Config config;
  config.dedupe.capacity = 16;
  config.heartbeat.interval_ms = 1000;
  config.limits.max_depth = (flags & 0x80) ? 4 : 64;
  config.limits.max_frame_bytes = 1 << 16;
  nrt::Manager core(config, {0xabc, 0xdef});

  std::string error;
  nrt::TypeSpec custom{"x", {{"data.x", nrt::FieldKind::string}}, "", true};
  check(core.register_type(custom, error) >= 0, "registering a custom type");
  const bool wildcard = flags & 1;
  core.set_wildcard(wildcard);
  for (int i = 0; i < 5; ++i)
    if (flags & (2 << i)) core.subscribe(kSubscribable[i], error);
  core.subscribe("x", error);
  const int32_t message_route = core.find_route("new_message");
  if (!core.router().route(message_route).subscribers) core.subscribe("new_message", error);

  int64_t now = 0;
  uint32_t socket = 0;
  core.connect(now);
  nrt::Action a;
  while (core.poll_action(a)) {
    if (a.kind == nrt::ActionKind::request_token) core.handle_token(now, a.socket, nrt::TokenOutcome::ready, 0.5);
    if (a.kind == nrt::ActionKind::open_socket) socket = a.socket;
  }
  core.handle_open(now, socket);
  if (flags & 0x40) {  // leave a ping outstanding, so an echo of it is consumed
    now = core.next_deadline();
    core.handle_timeout(now, 0.5);
  }
  while (core.poll_action(a)) {}

  const nrt::Stats before = core.stats();
  const nrt::Decision d = core.handle_frame(now, socket, frame);
  const nrt::Stats after = core.stats();

  check((d.verdict == nrt::Verdict::rejected) == (d.error != nrt::ErrorCode::none), "rejected <=> error code");
  check(d.route >= -1 && d.route < static_cast<int32_t>(core.router().size()), "route in range");
  if (d.verdict == nrt::Verdict::deliver && d.route < 0) check(wildcard, "unregistered type delivered without wildcard");
  if (d.verdict == nrt::Verdict::consumed) check(d.route == core.find_route("echo"), "only echo is consumed");
  if (d.error == nrt::ErrorCode::invalid_payload) check(d.field != nrt::kNoPath, "invalid_payload names the field");
  check(after.frames_received == before.frames_received + 1, "frames_received counts the frame");
  check(after.frames_delivered + after.duplicates + after.unsubscribed + after.rejected + after.heartbeats + after.ignored ==
            before.frames_delivered + before.duplicates + before.unsubscribed + before.rejected + before.heartbeats +
                before.ignored + 1,
        "exactly one verdict counter moves");

  // Differential check against nlohmann (skipped where the two legitimately differ, oracle.hpp: invalid
  // UTF-8, NUL, surrogate escapes, a byte order mark; and absurd nesting, to keep the reference cheap).
  if (frame.size() <= config.limits.max_frame_bytes && !nrt_fuzz::reference_differs(frame) &&
      count_brackets(frame) < 512) {
    // Count the root's "type" members: the scanner rejects a frame with two (ambiguous routing), which
    // JSON.parse and nlohmann accept (the last one wins). That is deliberate, so it is not a disagreement.
    int type_members = 0;
    auto count_types = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      if (event == nlohmann::json::parse_event_t::key && depth == 1 && parsed == "type") ++type_members;
      return true;
    };
    auto j = nlohmann::json::parse(frame, count_types, false);
    const bool read_to_end = d.verdict == nrt::Verdict::deliver || d.verdict == nrt::Verdict::duplicate ||
                             d.verdict == nrt::Verdict::consumed || d.error == nrt::ErrorCode::invalid_payload;
    if (j.is_discarded()) {
      check(!read_to_end, "scanner accepted a frame that is not valid JSON");
    } else if (j.is_object() && depth_of(j) < config.limits.max_depth) {
      auto t = j.find("type");
      if (t != j.end() && t->is_string() && type_members == 1) {
        check(d.error != nrt::ErrorCode::invalid_json && d.error != nrt::ErrorCode::not_object &&
                  d.error != nrt::ErrorCode::missing_type && d.error != nrt::ErrorCode::too_deep &&
                  d.error != nrt::ErrorCode::duplicate_type,
              "valid JSON object with a string type rejected as malformed");
        // What a handler would receive (JSON.parse's tree) is what was validated.
        if (d.route >= 0 && (d.verdict == nrt::Verdict::deliver || d.error == nrt::ErrorCode::invalid_payload)) {
          const nrt::TypeSpec& spec = core.router().route(d.route).spec;
          check(spec.name == t->get<std::string>(), "routed to another type than JSON.parse reads");
          const int failing = first_failing_field(spec, j);
          if (d.verdict == nrt::Verdict::deliver) check(failing < 0, "delivered a frame whose parsed tree fails the schema");
          else check(failing == d.field, "invalid_payload names another field than the parsed tree fails");
        }
      }
      if (type_members > 1 && d.verdict == nrt::Verdict::deliver) check(false, "delivered a frame with two types");
    } else if (!j.is_object()) {
      check(d.verdict == nrt::Verdict::rejected, "a non-object frame was not rejected");
    }
  }

  // Same frame again: same verdict, or a duplicate of what was just delivered.
  const nrt::Decision again = core.handle_frame(now, socket, frame);
  if (d.verdict != nrt::Verdict::consumed) {
    check(again.verdict == d.verdict || (d.verdict == nrt::Verdict::deliver && again.verdict == nrt::Verdict::duplicate),
          "same frame, different verdict");
    check(again.error == d.error, "same frame, different error");
  }

  // The core still works: a valid frame with a fresh id is delivered (or is a duplicate only if the
  // fuzzed frame was itself a new_message delivery that could have carried the same key).
  const std::string sentinel =
      R"({"type":"new_message","data":{"id":987654321987,"sender":{"id":2,"username":"a"},"content":"ok"}})";
  const nrt::Decision s = core.handle_frame(now, socket, sentinel);
  const bool may_be_dup = d.verdict == nrt::Verdict::deliver && d.route == message_route;
  check(s.verdict == nrt::Verdict::deliver || (may_be_dup && s.verdict == nrt::Verdict::duplicate),
        "a valid frame after the fuzzed one was not delivered");
  check(s.route == message_route, "the valid frame went to the wrong route");
  check(core.state() == nrt::State::open, "ingest changed the connection state");
  return 0;
}
