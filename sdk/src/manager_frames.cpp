// The manager's per-frame path (compiled for speed; manager.cpp for size): scan → the core's own
// protocol → schema → de-duplication, with every frame counted once. No state transition happens here.
#include <algorithm>

#include "numeneon/realtime/manager.hpp"

namespace numeneon::realtime {
namespace {

constexpr size_t kMaxIdDigits = 15;  // event and user ids are JS-safe integers

// A capture that is a non-negative integer, into `out`.
bool whole_number(const Capture& c, std::string_view frame, int64_t& out) {
  if (c.kind != ValueKind::number || c.length == 0 || c.length > kMaxIdDigits) return false;
  out = 0;
  for (size_t k = 0; k < c.length; ++k) {
    char ch = frame[c.offset + k];
    if (ch < '0' || ch > '9') return false;
    out = out * 10 + (ch - '0');
  }
  return true;
}

// Whether the JSON string `raw` (with its quotes) decodes to `text` (the server may escape it differently).
bool same_string(std::string_view raw, std::string_view text) {
  std::string_view body = raw.substr(1, raw.size() - 2);
  if (body.find('\\') == std::string_view::npos) return body == text;
  char decoded[kMaxTypeNameBytes];
  int len = unescape_json_string(body, decoded, sizeof decoded);
  return len >= 0 && std::string_view(decoded, static_cast<size_t>(len)) == text;
}

bool kind_matches(ValueKind v, FieldKind k) {
  switch (k) {
    case FieldKind::any: return v != ValueKind::missing && v != ValueKind::null;
    case FieldKind::string: return v == ValueKind::string;
    case FieldKind::number: return v == ValueKind::number;
    case FieldKind::object: return v == ValueKind::object;
    case FieldKind::array: return v == ValueKind::array;
    case FieldKind::boolean: return v == ValueKind::boolean;
  }
  return false;
}

}  // namespace

TypeResolver::Resolution Manager::FrameFilter::resolve(std::string_view type) {
  const Router& router = manager.router_;
  int32_t route = router.find(type);
  if (route < 0) return {!router.wildcard(), nullptr, -1};
  const Route& r = router.route(route);
  // Wanted by the app, or by the core itself (rule 8's verdict, the heartbeat's echo).
  bool wanted = r.subscribers || router.wildcard() ||
                (route == manager.echo_route_ && manager.heartbeat_.awaiting_echo()) ||
                (route == manager.established_route_ && manager.resync_pending_);
  return {!wanted, &r.paths, route};
}

// Every frame, read or not: counted, ignored unless it came on the open socket, and then a sign that
// the link is alive.
bool Manager::received(int64_t now_ms, uint32_t socket, Decision& d) {
  ++stats_.frames_received;
  if (state_ != State::open || !current(socket)) {
    d.verdict = Verdict::ignored;
    return false;
  }
  last_alive_ = now_ms;
  if (heartbeat_.enabled()) timers_[kHeartbeat] = heartbeat_.on_receive(now_ms);
  return true;
}

Decision Manager::handle_frame(int64_t now_ms, uint32_t socket, std::string_view frame) {
  last_route_ = -1;
  stats_.bytes_received += frame.size();
  Decision d;
  if (!received(now_ms, socket, d)) return count(d);
  if (frame.size() > config_.limits.max_frame_bytes) {
    d.error = ErrorCode::frame_too_large;
    return count(d);
  }
  if (scan(frame, d) && apply_protocol(now_ms, frame, d) && validate(d) && deduplicate(now_ms, frame, d)) d.verdict = Verdict::deliver;
  return count(d);
}

Decision Manager::handle_unread_frame(int64_t now_ms, uint32_t socket, UnreadReason reason) {
  Decision d;
  if (!received(now_ms, socket, d)) return count(d);
  switch (reason) {
    case UnreadReason::binary: d.error = ErrorCode::binary_frame; break;
    case UnreadReason::too_large: d.error = ErrorCode::frame_too_large; break;
    case UnreadReason::no_memory: d.error = ErrorCode::out_of_memory; break;
  }
  return count(d);
}

// Step 1: syntax, type, route and the captures its paths ask for. A frame whose type nobody wants
// stops here, as soon as its type is read.
bool Manager::scan(std::string_view frame, Decision& d) {
  scanner_.scan(frame, config_.limits.max_depth, filter_, scan_);
  d.route = last_route_ = scan_.route;
  if (scan_.error != ErrorCode::none) {
    d.error = scan_.error;
    return false;
  }
  if (scan_.stopped) {
    if (d.route < 0) d.error = ErrorCode::unknown_type;
    else d.verdict = Verdict::unsubscribed;
    return false;
  }
  // "type" came after other members: read again, now knowing what to capture.
  if (d.route >= 0 && !scan_.captures_complete)
    scanner_.scan(frame, config_.limits.max_depth, filter_, scan_, &router_.route(d.route).paths);
  return true;
}

// Step 2: what the core reads for itself (the resume extension's ids and verdict, the heartbeat's echo).
bool Manager::apply_protocol(int64_t now_ms, std::string_view frame, Decision& d) {
  if (d.route < 0) return true;  // an unregistered type for the wildcard: nothing of ours
  const Route& r = router_.route(d.route);
  int64_t id = 0;
  if (r.event_id_path != kNoPath && whole_number(scan_.captures[r.event_id_path], frame, id))
    last_event_id_ = std::max(last_event_id_, id);
  if (d.route == typing_route_) {
    const Capture& typing = scan_.captures[r.internal_path[1]];
    if (whole_number(scan_.captures[r.internal_path[0]], frame, id) && typing.kind == ValueKind::boolean) {
      typing_.remote(now_ms, id, frame[typing.offset] == 't');
      timers_[kTyping] = typing_.deadline();
    }
  }
  if (resync_pending_) {
    // The first frame after a resumed re-open decides: connection_established with "resume":"ok" means
    // the server replays what was missed; any other answer (or another frame first) means it did not.
    resync_pending_ = false;
    d.events = true;
    bool confirmed = false;
    if (d.route == established_route_) {
      const Capture& c = scan_.captures[r.internal_path[0]];
      confirmed = c.kind == ValueKind::string && frame.substr(c.offset, c.length) == "\"ok\"";
    }
    if (!confirmed) emit_resync(pending_downtime_);
  }
  if (d.route == echo_route_) {
    const Capture& c = scan_.captures[r.internal_path[0]];
    if (c.kind == ValueKind::string && same_string(frame.substr(c.offset, c.length), ping_type_) && heartbeat_.take_echo()) {
      d.verdict = Verdict::consumed;
      return false;
    }
  }
  if (!r.subscribers && !router_.wildcard()) {  // it was read for the core only
    d.verdict = Verdict::unsubscribed;
    return false;
  }
  return true;
}

// Step 3: the type's required fields.
bool Manager::validate(Decision& d) {
  if (d.route < 0) return true;
  const std::vector<FieldSpec>& required = router_.route(d.route).spec.required;
  for (size_t f = 0; f < required.size(); ++f) {
    if (kind_matches(scan_.captures[f].kind, required[f].kind)) continue;
    d.error = ErrorCode::invalid_payload;
    d.field = static_cast<uint8_t>(f);
    return false;
  }
  return true;
}

// Step 4: the de-duplication window.
bool Manager::deduplicate(int64_t now_ms, std::string_view frame, Decision& d) {
  if (d.route < 0) return true;
  const Route& r = router_.route(d.route);
  uint64_t key = 0;
  bool keyed = false;
  if (r.dedupe_path != kNoPath) {
    const Capture& c = scan_.captures[r.dedupe_path];
    if (c.kind == ValueKind::string || c.kind == ValueKind::number) {
      key = keys_.of_value(d.route, c.kind, frame.substr(c.offset, c.length));
      keyed = true;
    }
  }
  if (!keyed && r.spec.dedupe_content) {
    key = keys_.of_content(d.route, frame);
    keyed = true;
  }
  if (keyed && !dedupe_.insert(key, now_ms)) {
    d.verdict = Verdict::duplicate;
    return false;
  }
  return true;
}

Capture Manager::last_key() const {
  if (last_route_ < 0 || !router_.valid(last_route_)) return {};
  uint8_t path = router_.route(last_route_).dedupe_path;
  return path == kNoPath ? Capture{} : scan_.captures[path];
}

// Every frame moves exactly one counter, here.
Decision Manager::count(Decision d) {
  switch (d.verdict) {
    case Verdict::deliver: ++stats_.frames_delivered; break;
    case Verdict::duplicate: ++stats_.duplicates; break;
    case Verdict::unsubscribed: ++stats_.unsubscribed; break;
    case Verdict::consumed: ++stats_.heartbeats; break;
    case Verdict::rejected: ++stats_.rejected; break;
    case Verdict::ignored: ++stats_.ignored; break;
  }
  return d;
}

}  // namespace numeneon::realtime
