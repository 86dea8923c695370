// The connection state machine. Every state transition of the SDK happens in this file.
//
// Rules it enforces:
//  1. idle/closed --connect()--> connecting. The host is asked for a token (with a reason) and a socket.
//     connect() while closing starts a new attempt at once (the old socket's events are the host's to drop).
//  2. connecting --open--> open. After an earlier open, a `resync` event carries the downtime (the server
//     replays nothing). The outbox is flushed in order; the heartbeat and the stability timer start.
//  3. Any failure (close after open, pre-open failure, connect timeout, heartbeat timeout) --> backing_off
//     with a jittered delay, unless max_attempts retries have failed since the link was last stable
//     (--> closed/gave_up). The retry counter and the auth-rejection counter reset only once the link
//     has stayed open for stable_after_ms.
//  4. Close codes: a close the client asked for stays down; 1000 from the server reconnects; 4001/4003
//     after open is an auth rejection; anything else reconnects.
//  5. Auth: a *known* rejection (HTTP 401/403 seen by the host, 4001/4003, a probe answering 401) makes
//     the next attempt ask for a fresh token; auth_failure_limit consecutive ones end in closed/auth_failed.
//     A pre-open failure of *unknown* cause (a browser's 1006) asks for a fresh token and a probe, but is
//     never by itself taken as auth failure: a restarting server must not end a session.
//     The host's evidence "no session" (the token provider has none) ends it at once.
//  6. Offline pauses retries (no attempt is burnt); online or a wake-up retries at once.
//  7. close() from connecting/open --> closing --> closed; from backing_off --> closed. Nothing reconnects
//     after it until connect() is called again.
//  8. Resume (opt-in): with an event id seen, the next attempt asks the server to replay from it, and the
//     re-open's `resync` waits for connection_established: "resume":"ok" means the replay covers the gap
//     (no resync); anything else (a plain server, "gap") emits it.
//  9. Inputs that do not apply to the current state (a stale socket's events, a spurious timer) are no-ops.
#include "numeneon/realtime/manager.hpp"

#include <algorithm>

#include "hash.hpp"
#include "numeneon/realtime/backoff.hpp"
#include "numeneon/realtime/close_policy.hpp"
#include "numeneon/realtime/json.hpp"

namespace numeneon::realtime {
namespace {

constexpr int64_t kClosingTimeoutMs = 5000;  // give up waiting for the socket to confirm a client close
constexpr uint16_t kAbortCode = 4000;        // what we close a dead or hung socket with

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

// The JSON text of the ping's "type", e.g. "\"ping\"", to recognise its echo (`data.type`).
std::string ping_type_json(const std::string& ping) {
  JsonValue j;
  const JsonValue* type = parse_json(ping, j) ? j.find("type") : nullptr;
  return type && type->kind == JsonValue::Kind::string ? json_quote(type->string) : "";
}

}  // namespace

Manager::Manager(Config config)
    : config_(std::move(config)),
      dedupe_(config_.dedupe.capacity, config_.dedupe.max_age_ms),
      outbox_(config_.outbox_capacity),
      heartbeat_(config_.heartbeat),
      ping_type_(ping_type_json(config_.heartbeat.ping)) {
  std::fill(std::begin(timers_), std::end(timers_), kNever);
  std::string unused;
  if (config_.resume) router_.set_event_id_path("event_id");
  for (TypeSpec& spec : numeneon_types()) router_.add(std::move(spec), unused);
  echo_route_ = router_.find("echo");
  established_route_ = router_.find("connection_established");
}

// ---------------------------------------------------------------- transitions

void Manager::transition(int64_t now_ms, State to, Reason reason, uint16_t close_code, uint32_t delay_ms) {
  State from = state_;
  state_ = to;
  std::fill(std::begin(timers_), std::end(timers_), kNever);
  if (from == State::open && to != State::open) {
    heartbeat_.stop();
    down_since_ = now_ms;
  }
  Event e;
  e.kind = EventKind::state_changed;
  e.from = from;
  e.to = to;
  e.reason = reason;
  e.attempt = attempt_;
  e.delay_ms = delay_ms;
  e.close_code = close_code;
  events_.push_back(std::move(e));
}

void Manager::start_attempt(int64_t now_ms, Reason reason) {
  if (reason != Reason::connect_requested) ++stats_.reconnects;
  transition(now_ms, State::connecting, reason);
  timers_[kConnect] = now_ms + config_.reconnect.connect_timeout_ms;
  Action a;
  a.kind = ActionKind::open_socket;
  a.token_reason = next_token_;
  a.attempt = attempt_;
  a.resume_from = config_.resume ? last_event_id_ : 0;
  actions_.push_back(std::move(a));
}

void Manager::link_lost(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token, double draw) {
  next_token_ = next_token;
  ++attempt_;
  const ReconnectPolicy& p = config_.reconnect;
  if (p.max_attempts && attempt_ > p.max_attempts) {
    finish(now_ms, Reason::gave_up, close_code);
    return;
  }
  if (!online_) {
    transition(now_ms, State::backing_off, Reason::offline, close_code);
    return;
  }
  uint32_t delay = backoff_delay_ms(attempt_, p, draw);
  transition(now_ms, State::backing_off, reason, close_code, delay);
  timers_[kBackoff] = now_ms + delay;
}

void Manager::auth_rejected(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token, double draw) {
  ++auth_rejections_;
  ++stats_.auth_rejections;
  if (auth_rejections_ >= config_.reconnect.auth_failure_limit) {
    finish(now_ms, Reason::auth_failed, close_code);
    return;
  }
  link_lost(now_ms, reason, close_code, next_token, draw);
}

void Manager::finish(int64_t now_ms, Reason reason, uint16_t close_code) {
  if (socket_exists()) request_close(1000, reason == Reason::auth_failed ? "auth failed" : "closed");
  transition(now_ms, State::closed, reason, close_code);
  if (size_t n = outbox_.size()) {
    stats_.frames_dropped += n;
    outbox_.clear();
    emit_error(ErrorCode::not_connected,
               std::to_string(n) + " queued frame(s) dropped: the session ended (" + to_string(reason) + ")");
  }
}

// ---------------------------------------------------------------- commands

void Manager::connect(int64_t now_ms) {
  if (state_ == State::connecting || state_ == State::open || state_ == State::backing_off) return;
  if (state_ == State::idle || state_ == State::closed) {
    attempt_ = 0;
    auth_rejections_ = 0;
    next_token_ = TokenReason::initial;
  }
  start_attempt(now_ms, Reason::connect_requested);
}

void Manager::close(int64_t now_ms, uint16_t code) {
  switch (state_) {
    case State::connecting:
    case State::open:
      request_close(code, "client closed");
      transition(now_ms, State::closing, Reason::client_closed, code);
      timers_[kClosing] = now_ms + kClosingTimeoutMs;
      break;
    case State::backing_off: finish(now_ms, Reason::client_closed, code); break;
    case State::idle:
    case State::closing:
    case State::closed: break;
  }
}

SendResult Manager::send(int64_t now_ms, std::string frame, bool is_volatile) {
  (void)now_ms;
  if (state_ == State::open) {
    emit_send(std::move(frame));
    return SendResult::sent;
  }
  if (state_ == State::closing || state_ == State::closed) {
    ++stats_.frames_dropped;
    emit_error(ErrorCode::not_connected, "send() while the connection is closed by the client: frame dropped");
    return SendResult::dropped;
  }
  if (is_volatile) {
    ++stats_.frames_dropped;
    return SendResult::dropped;
  }
  if (!outbox_.push(std::move(frame))) {
    ++stats_.frames_dropped;
    emit_error(ErrorCode::outbox_overflow,
               "outbox full (" + std::to_string(config_.outbox_capacity) + " frames): frame dropped");
    return SendResult::dropped;
  }
  return SendResult::queued;
}

// ---------------------------------------------------------------- host observations

void Manager::handle_open(int64_t now_ms) {
  if (state_ != State::connecting) return;
  transition(now_ms, State::open, Reason::opened);
  ++stats_.connects;
  next_token_ = TokenReason::reconnect;
  if (ever_opened_) {
    if (config_.resume && last_event_id_ > 0) {
      resync_pending_ = true;
      pending_downtime_ = now_ms - down_since_;
    } else {
      emit_resync(now_ms - down_since_);
    }
  }
  ever_opened_ = true;
  heartbeat_.start(now_ms);
  timers_[kStable] = now_ms + config_.reconnect.stable_after_ms;
  std::string frame;
  while (outbox_.pop(frame)) emit_send(std::move(frame));
}

void Manager::handle_close(int64_t now_ms, uint16_t code, double draw) {
  switch (state_) {
    case State::connecting:
    case State::open: fail(now_ms, classify_close(code, state_ == State::open), code, draw); break;
    case State::closing: finish(now_ms, Reason::client_closed, code); break;
    case State::idle:
    case State::backing_off:
    case State::closed: break;
  }
}

void Manager::handle_handshake_failure(int64_t now_ms, HandshakeFailure what, uint16_t http_status, double draw) {
  if (state_ == State::connecting) fail(now_ms, classify_handshake_failure(what, http_status), 1006, draw);
}

void Manager::fail(int64_t now_ms, const FailureVerdict& v, uint16_t close_code, double draw) {
  if (v.auth_rejection) auth_rejected(now_ms, v.reason, close_code, v.next_token, draw);
  else link_lost(now_ms, v.reason, close_code, v.next_token, draw);
  if (v.probe && state_ == State::backing_off) {
    Action a;
    a.kind = ActionKind::probe_auth;
    actions_.push_back(std::move(a));
  }
}

void Manager::handle_auth_evidence(int64_t now_ms, AuthEvidence evidence, double draw) {
  (void)draw;
  switch (evidence) {
    case AuthEvidence::no_session:
      if (state_ != State::idle && state_ != State::closed) finish(now_ms, Reason::auth_failed);
      break;
    case AuthEvidence::probe_unauthorized:
      if (state_ != State::backing_off && state_ != State::connecting) break;
      ++auth_rejections_;
      ++stats_.auth_rejections;
      next_token_ = TokenReason::handshake_rejected;
      if (auth_rejections_ >= config_.reconnect.auth_failure_limit) finish(now_ms, Reason::auth_failed);
      break;
    case AuthEvidence::probe_ok: break;
  }
}

void Manager::handle_network(int64_t now_ms, bool online) {
  if (online == online_) return;
  online_ = online;
  if (state_ != State::backing_off) return;
  if (online) start_attempt(now_ms, Reason::resumed);
  else transition(now_ms, State::backing_off, Reason::offline);
}

void Manager::handle_wake(int64_t now_ms) {
  if (state_ == State::backing_off && online_) start_attempt(now_ms, Reason::resumed);
}

void Manager::handle_timeout(int64_t now_ms, double draw) {
  if (timers_[kConnect] <= now_ms && state_ == State::connecting) {
    request_close(kAbortCode, "connect timeout");
    link_lost(now_ms, Reason::connect_timeout, 0, TokenReason::reconnect, draw);
  }
  if (timers_[kBackoff] <= now_ms && state_ == State::backing_off) start_attempt(now_ms, Reason::retry);
  if (timers_[kClosing] <= now_ms && state_ == State::closing) finish(now_ms, Reason::client_closed);
  if (timers_[kStable] <= now_ms && state_ == State::open) {
    timers_[kStable] = kNever;
    attempt_ = 0;
    auth_rejections_ = 0;
  }
  if (state_ != State::open) return;
  switch (heartbeat_.on_timer(now_ms)) {
    case Heartbeat::Due::nothing: break;
    case Heartbeat::Due::send_ping: emit_send(config_.heartbeat.ping); break;
    case Heartbeat::Due::link_dead:
      request_close(kAbortCode, "heartbeat timeout");
      link_lost(now_ms, Reason::heartbeat_timeout, 0, TokenReason::reconnect, draw);
      break;
  }
}

// ---------------------------------------------------------------- frames

TypeResolver::Resolution Manager::resolve(std::string_view type) {
  resolved_route_ = router_.find(type);
  if (resolved_route_ < 0) return {!router_.wildcard(), nullptr};
  const Route& r = router_.route(resolved_route_);
  bool wanted = r.subscribers || router_.wildcard() || (resolved_route_ == echo_route_ && heartbeat_.awaiting_echo()) ||
                (resolved_route_ == established_route_ && resync_pending_);
  return {!wanted, &r.paths};
}

Decision Manager::handle_frame(int64_t now_ms, std::string_view frame) {
  ++stats_.frames_received;
  stats_.bytes_received += frame.size();
  heartbeat_.on_receive(now_ms);
  Decision d;
  if (frame.size() > config_.limits.max_frame_bytes) {
    ++stats_.rejected;
    d.error = ErrorCode::frame_too_large;
    return d;
  }
  resolved_route_ = -1;
  ScanResult& scan = scan_;
  scanner_.scan(frame, config_.limits.max_depth, *this, scan);
  if (scan.error != ErrorCode::none) {
    ++stats_.rejected;
    d.error = scan.error;
    return d;
  }
  if (scan.stopped) {
    if (resolved_route_ < 0) {
      ++stats_.rejected;
      d.error = ErrorCode::unknown_type;
    } else {
      ++stats_.unsubscribed;
      d.verdict = Verdict::unsubscribed;
      d.route = resolved_route_;
    }
    return d;
  }
  d.route = resolved_route_;
  if (d.route >= 0) {
    const Route& r = router_.route(d.route);
    if (!scan.captures_complete) scanner_.scan(frame, config_.limits.max_depth, *this, scan, &r.paths);
    if (r.event_id_path != kNoPath) {
      const Capture& c = scan.captures[r.event_id_path];
      int64_t id = 0;
      for (size_t k = 0; c.kind == ValueKind::number && k < c.length && k < 18; ++k) {
        char ch = frame[c.offset + k];
        if (ch < '0' || ch > '9') break;
        id = id * 10 + (ch - '0');
      }
      last_event_id_ = std::max(last_event_id_, id);
    }
    if (resync_pending_) {
      settle_resync(r, scan, frame);
      d.events = true;
      if (d.route == established_route_ && !r.subscribers && !router_.wildcard()) {
        ++stats_.unsubscribed;
        d.verdict = Verdict::unsubscribed;
        return d;
      }
    }
    if (r.probe_path != kNoPath && d.route == echo_route_) {
      const Capture& c = scan.captures[r.probe_path];
      if (c.kind == ValueKind::string && frame.substr(c.offset, c.length) == ping_type_ && heartbeat_.take_echo()) {
        ++stats_.heartbeats;
        d.verdict = Verdict::consumed;
        return d;
      }
      if (!r.subscribers && !router_.wildcard()) {
        ++stats_.unsubscribed;
        d.verdict = Verdict::unsubscribed;
        return d;
      }
    }
    for (size_t f = 0; f < r.spec.required.size(); ++f) {
      if (!kind_matches(scan.captures[f].kind, r.spec.required[f].kind)) {
        ++stats_.rejected;
        d.error = ErrorCode::invalid_payload;
        d.field = static_cast<uint8_t>(f);
        return d;
      }
    }
    uint64_t key = 0;
    if (r.dedupe_path != kNoPath) {
      const Capture& c = scan.captures[r.dedupe_path];
      if (c.kind == ValueKind::string || c.kind == ValueKind::number)
        key = detail::hash_bytes(frame.substr(c.offset, c.length), static_cast<uint64_t>(d.route) + 1);
    }
    if (!key && r.spec.dedupe_content)
      key = detail::hash_bytes(frame, (static_cast<uint64_t>(d.route) + 1) | (uint64_t{1} << 40));
    if (key && !dedupe_.insert(key, now_ms)) {
      ++stats_.duplicates;
      d.verdict = Verdict::duplicate;
      return d;
    }
  }
  ++stats_.frames_delivered;
  d.verdict = Verdict::deliver;
  return d;
}

bool Manager::claim(int32_t route, std::string_view key_json, int64_t now_ms) {
  return dedupe_.insert(detail::hash_bytes(key_json, static_cast<uint64_t>(route) + 1), now_ms);
}

// ---------------------------------------------------------------- outputs

int64_t Manager::next_deadline() const {
  int64_t next = *std::min_element(std::begin(timers_), std::end(timers_));
  if (state_ == State::open) next = std::min(next, heartbeat_.deadline());
  return next;
}

bool Manager::poll_action(Action& out) {
  if (actions_.empty()) return false;
  out = std::move(actions_.front());
  actions_.pop_front();
  return true;
}

bool Manager::poll_event(Event& out) {
  if (events_.empty()) return false;
  out = std::move(events_.front());
  events_.pop_front();
  return true;
}

Stats Manager::stats() const {
  Stats s = stats_;
  s.frames_queued = outbox_.size();
  s.state = state_;
  return s;
}

void Manager::request_close(uint16_t code, std::string reason) {
  Action a;
  a.kind = ActionKind::close_socket;
  a.close_code = code;
  a.payload = std::move(reason);
  actions_.push_back(std::move(a));
}

void Manager::emit_send(std::string frame) {
  ++stats_.frames_sent;
  stats_.bytes_sent += frame.size();
  Action a;
  a.kind = ActionKind::send_frame;
  a.payload = std::move(frame);
  actions_.push_back(std::move(a));
}

void Manager::emit_resync(int64_t downtime_ms) {
  Event e;
  e.kind = EventKind::resync;
  e.downtime_ms = downtime_ms;
  events_.push_back(std::move(e));
}

// The first frame after a resumed re-open decides: connection_established with "resume":"ok" means the
// server replays what was missed; any other answer (or another frame first) means it did not.
void Manager::settle_resync(const Route& route, const ScanResult& scan, std::string_view frame) {
  resync_pending_ = false;
  bool confirmed = false;
  if (&route == &router_.route(established_route_) && route.probe_path != kNoPath) {
    const Capture& c = scan.captures[route.probe_path];
    confirmed = c.kind == ValueKind::string && frame.substr(c.offset, c.length) == "\"ok\"";
  }
  if (!confirmed) emit_resync(pending_downtime_);
}

void Manager::emit_error(ErrorCode code, std::string detail) {
  Event e;
  e.kind = EventKind::error;
  e.error = code;
  e.detail = std::move(detail);
  events_.push_back(std::move(e));
}

}  // namespace numeneon::realtime
