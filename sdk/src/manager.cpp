// The connection state machine. Every state transition of the SDK happens in this file.
//
// Rules it enforces:
//  1. idle/closed --connect()--> connecting. The host is asked for a token (request_token) and, once it
//     has one (handle_token: ready), for a socket (open_socket). connect() while closing starts a new
//     attempt at once; the old socket's reports are then stale (rule 9).
//  2. connecting --open--> open. After an earlier open, a `resync` event carries the downtime, counted
//     from the old link's last sign of life (its last frame, or its open). The outbox is flushed in
//     order; the heartbeat and the stability timer start.
//  3. Any failure (a close after open, a pre-open failure, a token provider that fails or hangs, a
//     connect or heartbeat timeout, a socket that can no longer send) --> backing_off with a jittered
//     delay whose window grows with the time the link has been down (backoff.hpp), unless
//     max_attempts retries have failed since the link was last stable (--> closed, gave_up). The
//     retry and auth-rejection counters reset only once the link stayed open for stable_after_ms.
//     Evidence that the server answers (a known rejection: the fresh token is what is missing; a
//     probe answering) brings the next attempt within rejection_delay_ms.
//  4. Close codes (close_policy.hpp): a close the client asked for stays down; 1000 from the server
//     reconnects; 4001/4003 is an auth rejection; anything else reconnects.
//  5. Auth: a *known* rejection (HTTP 401/403 seen by the host, 4001/4003, a probe answering 401) makes
//     the next attempt ask for a fresh token; auth_failure_limit consecutive ones end in closed/auth_failed.
//     A pre-open failure of *unknown* cause (a browser's 1006) asks for a fresh token and a probe, but is
//     never by itself taken as auth failure: a restarting server must not end a session. The token
//     provider saying "no session" ends it at once; a provider that throws or hangs is transient.
//  6. Offline pauses retries (no attempt is burnt); online or a wake-up retries at once. Offline while
//     open checks the link at once: a ping that must be answered within kOfflineProbeMs.
//  7. close() from connecting/open --> closing --> closed (while the token is still being fetched there is
//     no socket: straight to closed); from backing_off --> closed. abandon() ends any state in
//     closed/disposed. Nothing reconnects after either until connect() is called again.
//  8. Resume (opt-in): with an event id seen, the next attempt asks the server to replay from it, and the
//     re-open's `resync` waits for connection_established: "resume":"ok" means the replay covers the gap
//     (no resync); anything else (a plain server, "gap") emits it.
//  9. Inputs that do not apply to the current state are no-ops: a stale socket's reports, a spurious or
//     early timer, a frame while not open (counted as ignored: nothing is delivered after close()).
// 10. A timer that would declare a failure but fires late (the host was busy: a long task, a throttled
//     or frozen tab) first waits kGraceMs more, once: input that queued up meanwhile (the echo that was
//     already in the socket) is read before the link is declared dead.
#include "numeneon/realtime/manager.hpp"

#include <algorithm>
#include <cassert>

#include "numeneon/realtime/backoff.hpp"
#include "numeneon/realtime/close_policy.hpp"

namespace numeneon::realtime {
namespace {

constexpr int64_t kClosingTimeoutMs = 5000;  // give up waiting for the socket to confirm a client close
constexpr uint16_t kAbortCode = 4000;        // what a dead or hung socket is closed with
constexpr int64_t kOfflineProbeMs = 2000;    // offline while open: the link must answer a ping this fast
constexpr int64_t kLateMs = 20;              // rule 10: a wake-up this late means the host was busy
constexpr int64_t kGraceMs = 250;

// The transition graph: kEdges[from][to]. transition() asserts it; the state-machine fuzzer checks
// every transition the core reports against it.
constexpr bool kEdges[6][6] = {
    //              idle   conn   open   closing  back   closed
    /* idle */     {false, true,  false, false,   false, true},   // connect; abandon
    /* connecting*/ {false, false, true,  true,    true,  true},   // open; close; failure; end
    /* open */     {false, false, false, true,    true,  true},   // close; failure; end
    /* closing */  {false, true,  false, false,   false, true},   // connect again; socket gone
    /* backing */  {false, true,  false, false,   true,  true},   // retry; offline; end
    /* closed */   {false, true,  false, false,   false, false},  // connect
};

// {"type":"typing","data":{"to":<peer>,"typing":<bool>}}: peer is a user id (a non-negative integer).
std::string typing_frame(int64_t peer, bool typing) {
  char digits[20];
  size_t n = 0;
  uint64_t v = static_cast<uint64_t>(peer);
  do digits[n++] = static_cast<char>('0' + v % 10); while (v /= 10);
  std::string out = R"({"type":"typing","data":{"to":)";
  while (n) out += digits[--n];
  out += typing ? R"(,"typing":true}})" : R"(,"typing":false}})";
  return out;
}

// The ping's decoded "type", to recognise its echo (`data.type`); validate() made sure it has one.
std::string ping_type(const std::string& ping) {
  struct Type final : TypeResolver {
    Resolution resolve(std::string_view type) override {
      seen = std::string(type);
      return {true, nullptr, -1};
    }
    std::string seen;
  } resolver;
  FrameScanner scanner;
  ScanResult result;
  scanner.scan(ping, 8, resolver, result);
  return resolver.seen;
}

}  // namespace

bool Manager::transition_allowed(State from, State to) {
  return kEdges[static_cast<size_t>(from)][static_cast<size_t>(to)];
}

Manager::Manager(Config config, KeySecret secret)
    : config_(std::move(config)),
      filter_(*this),
      keys_(secret),
      dedupe_(config_.dedupe.capacity, config_.dedupe.max_age_ms),
      outbox_(config_.outbox_capacity),
      heartbeat_(config_.heartbeat),
      ping_type_(ping_type(config_.heartbeat.ping)) {
  std::fill(std::begin(timers_), std::end(timers_), kNever);
  // What the core reads for itself: an app re-declaring these types cannot take it away.
  router_.set_internal_path("echo", "data.type");                  // the heartbeat's echo
  router_.set_internal_path("connection_established", "resume");  // the resume verdict
  router_.set_internal_path("typing", "data.user_id");             // the typing extension's indicators
  router_.set_internal_path("typing", "data.typing");
  if (config_.resume) router_.set_event_id_path("event_id");
  std::string unused;
  for (TypeSpec& spec : numeneon_types()) router_.add(std::move(spec), unused);
  echo_route_ = router_.find("echo");
  established_route_ = router_.find("connection_established");
  typing_route_ = router_.find("typing");
}

// ---------------------------------------------------------------- transitions

void Manager::transition(State to, Reason reason, uint16_t close_code, uint32_t delay_ms) {
  State from = state_;
  assert(transition_allowed(from, to));
  state_ = to;
  std::fill(std::begin(timers_), std::end(timers_), kNever);
  timers_[kTyping] = typing_.deadline();  // peers' indicators expire whatever the link does
  graced_ = 0;
  if (from == State::open && to != State::open) down_since_ = last_alive_;  // what the app may have missed
  Event e;
  e.kind = EventKind::state_changed;
  e.from = from;
  e.to = to;
  e.reason = reason;
  e.attempt = attempt_;
  e.delay_ms = delay_ms;
  e.close_code = close_code;
  events_.push(std::move(e));
}

void Manager::start_attempt(int64_t now_ms, Reason reason) {
  if (reason != Reason::connect_requested) ++stats_.reconnects;
  ++socket_;
  socket_live_ = true;
  awaiting_token_ = true;
  transition(State::connecting, reason);
  timers_[kToken] = now_ms + config_.reconnect.token_timeout_ms;
  Action a;
  a.kind = ActionKind::request_token;
  a.socket = socket_;
  a.token_reason = next_token_;
  a.attempt = attempt_;
  actions_.push(std::move(a));
}

void Manager::link_lost(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token,
                        uint32_t floor_ms, double draw, bool server_answered) {
  next_token_ = next_token;
  ++attempt_;
  typing_.link_lost();
  if (state_ == State::open) lost_at_ = now_ms;  // the backoff window grows from when the loss was noticed
  const ReconnectPolicy& p = config_.reconnect;
  if (p.max_attempts && attempt_ > p.max_attempts) {
    finish(Reason::gave_up, close_code);
    return;
  }
  if (!online_) {
    transition(State::backing_off, Reason::offline, close_code);
    return;
  }
  // A server that said when to come back (Retry-After) is believed, within the cap.
  uint32_t delay = server_answered ? rejection_delay_ms(p, draw) : backoff_delay_ms(p, now_ms - lost_at_, draw);
  delay = std::max(delay, std::min(floor_ms, p.max_delay_ms));
  transition(State::backing_off, reason, close_code, delay);
  timers_[kBackoff] = now_ms + delay;
}

void Manager::fail(int64_t now_ms, const FailureVerdict& v, uint16_t close_code, uint32_t floor_ms, double draw) {
  if (v.auth_rejection) {
    count_auth_rejection();
    if (state_ == State::closed) return;
  }
  link_lost(now_ms, v.reason, close_code, v.next_token, floor_ms, draw, v.auth_rejection);
  if (v.probe && state_ == State::backing_off) {
    Action a;
    a.kind = ActionKind::probe_auth;
    actions_.push(std::move(a));
  }
}

void Manager::count_auth_rejection() {
  ++auth_rejections_;
  ++stats_.auth_rejections;
  if (auth_rejections_ >= config_.reconnect.auth_failure_limit) finish(Reason::auth_failed);
}

void Manager::finish(Reason reason, uint16_t close_code) {
  if (socket_live_ && !awaiting_token_ && state_ != State::closing)
    drop_socket(false, 1000, reason == Reason::auth_failed ? "auth failed" : reason == Reason::disposed ? "disposed" : "closed");
  socket_live_ = false;
  transition(State::closed, reason, close_code);
  if (size_t n = outbox_.size()) {
    stats_.frames_dropped += n;
    outbox_.clear();
    emit_error(ErrorCode::not_connected, static_cast<uint32_t>(n), reason);
  }
}

// Tells the host to close (politely) or drop (abort) the current socket. Unless `keep_listening`,
// whatever the socket reports afterwards is stale.
void Manager::drop_socket(bool abort, uint16_t code, std::string reason, bool keep_listening) {
  Action a;
  a.kind = ActionKind::close_socket;
  a.socket = socket_;
  a.close_code = code;
  a.abort = abort;
  a.payload = std::move(reason);
  actions_.push(std::move(a));
  socket_live_ = keep_listening;
}

// ---------------------------------------------------------------- commands

void Manager::connect(int64_t now_ms) {
  if (state_ == State::connecting || state_ == State::open || state_ == State::backing_off) return;
  if (state_ == State::idle || state_ == State::closed) {
    attempt_ = 0;
    auth_rejections_ = 0;
    next_token_ = TokenReason::initial;
    lost_at_ = now_ms;  // no link yet: the backoff window grows from here
  }
  start_attempt(now_ms, Reason::connect_requested);
}

void Manager::close(int64_t now_ms, uint16_t code, std::string_view reason) {
  switch (state_) {
    case State::connecting:
      if (awaiting_token_) {
        finish(Reason::client_closed, code);
        break;
      }
      [[fallthrough]];
    case State::open: {
      drop_socket(false, code, std::string(reason), true);  // its own close event completes it
      transition(State::closing, Reason::client_closed, code);
      timers_[kClosing] = now_ms + kClosingTimeoutMs;
      break;
    }
    case State::backing_off: finish(Reason::client_closed, code); break;
    case State::idle:
    case State::closing:
    case State::closed: break;
  }
}

void Manager::abandon(int64_t now_ms) {
  (void)now_ms;
  if (state_ != State::closed) finish(Reason::disposed);
}

SendResult Manager::typing(int64_t now_ms, int64_t peer, bool is_typing) {
  if (state_ != State::open || !(features_ & static_cast<uint32_t>(Feature::typing))) {
    ++stats_.frames_dropped;
    return SendResult::dropped;
  }
  switch (typing_.local(now_ms, peer, is_typing)) {
    case Typing::Send::nothing: return SendResult::dropped;  // throttled: a recent frame already says so
    case Typing::Send::start: emit_send(typing_frame(peer, true), true); break;
    case Typing::Send::stop: emit_send(typing_frame(peer, false), true); break;
  }
  timers_[kTyping] = typing_.deadline();
  return SendResult::sent;
}

SendResult Manager::send(int64_t now_ms, std::string frame, bool is_volatile) {
  (void)now_ms;
  if (state_ == State::open) {
    emit_send(std::move(frame), true);
    return SendResult::sent;
  }
  if (state_ == State::closing || state_ == State::closed) {
    ++stats_.frames_dropped;
    emit_error(ErrorCode::not_connected, 1, Reason::client_closed);
    return SendResult::dropped;
  }
  if (is_volatile) {
    ++stats_.frames_dropped;
    return SendResult::dropped;
  }
  if (!outbox_.push(std::move(frame))) {
    ++stats_.frames_dropped;
    emit_error(ErrorCode::outbox_overflow, config_.outbox_capacity);
    return SendResult::dropped;
  }
  return SendResult::queued;
}

// ---------------------------------------------------------------- host observations

void Manager::handle_token(int64_t now_ms, uint32_t socket, TokenOutcome outcome, double draw) {
  if (!current(socket) || state_ != State::connecting || !awaiting_token_) return;
  switch (outcome) {
    case TokenOutcome::ready: {
      awaiting_token_ = false;
      timers_[kToken] = kNever;
      timers_[kConnect] = now_ms + config_.reconnect.connect_timeout_ms;
      Action a;
      a.kind = ActionKind::open_socket;
      a.socket = socket_;
      a.resume_from = config_.resume ? last_event_id_ : 0;
      actions_.push(std::move(a));
      break;
    }
    case TokenOutcome::no_session: finish(Reason::auth_failed); break;
    case TokenOutcome::failed: {
      // After a rejection, keep asking for a fresh token: the old one is known bad. After a failure of
      // unknown cause the provider could not refresh (its server is likely down too): try the token it
      // had, and ask for a fresh one again only after that fails. Every other attempt, not every attempt.
      TokenReason next = next_token_ == TokenReason::handshake_failed ? TokenReason::reconnect : next_token_;
      socket_live_ = false;
      link_lost(now_ms, Reason::token_failed, 0, next, 0, draw);
      break;
    }
  }
}

void Manager::handle_open(int64_t now_ms, uint32_t socket) {
  if (!current(socket) || state_ != State::connecting || awaiting_token_) return;
  transition(State::open, Reason::opened);
  ++stats_.connects;
  next_token_ = TokenReason::reconnect;
  last_alive_ = now_ms;
  if (ever_opened_) {
    if (config_.resume && last_event_id_ > 0) {
      resync_pending_ = true;
      pending_downtime_ = now_ms - down_since_;
    } else {
      emit_resync(now_ms - down_since_);
    }
  } else if (resumed_from_) {
    resync_pending_ = true;
    pending_downtime_ = 0;
  }
  ever_opened_ = true;
  timers_[kHeartbeat] = heartbeat_.start(now_ms);
  timers_[kStable] = now_ms + config_.reconnect.stable_after_ms;
  std::string frame;
  while (outbox_.pop(frame)) emit_send(std::move(frame), true);
}

void Manager::handle_close(int64_t now_ms, uint32_t socket, const SocketClose& close, double draw) {
  if (!current(socket) || awaiting_token_) return;  // awaiting its token: the host has no such socket yet
  socket_live_ = false;
  switch (state_) {
    case State::connecting: fail(now_ms, classify_close(close, false), close.code, close.retry_after_ms, draw); break;
    case State::open: fail(now_ms, classify_close(close, true), close.code, close.retry_after_ms, draw); break;
    case State::closing: finish(Reason::client_closed, close.code); break;
    case State::idle:
    case State::backing_off:
    case State::closed: break;
  }
}

SendResult Manager::handle_send_failed(int64_t now_ms, uint32_t socket, std::string frame, bool app_frame, double draw) {
  if (socket == 0 || socket > socket_) return SendResult::dropped;  // never asked for: nothing to undo
  // Frames the host has not reached yet for that socket would fail the same way: take them back too,
  // so the outbox keeps the app's order.
  std::vector<std::string> back;
  auto unsent = [&](std::string& payload, bool app) {
    stats_.frames_sent -= std::min<uint64_t>(stats_.frames_sent, 1);
    stats_.bytes_sent -= std::min<uint64_t>(stats_.bytes_sent, payload.size());
    if (app) back.push_back(std::move(payload));
  };
  unsent(frame, app_frame);
  actions_.extract([&](Action& a) {
    if (a.kind != ActionKind::send_frame || a.socket != socket) return false;
    unsent(a.payload, a.app_frame);
    return true;
  });
  SendResult result = app_frame ? SendResult::queued : SendResult::dropped;
  if (!back.empty()) {
    if (state_ == State::closing || state_ == State::closed) {
      stats_.frames_dropped += back.size();
      emit_error(ErrorCode::not_connected, static_cast<uint32_t>(back.size()), Reason::client_closed);
      result = SendResult::dropped;
    } else if (state_ == State::open && !current(socket)) {  // meant for an older socket: this one takes them
      for (std::string& f : back) emit_send(std::move(f), true);
      result = SendResult::sent;
    } else {
      outbox_.push_front(std::move(back));
    }
  }
  if (current(socket) && state_ == State::open) {
    drop_socket(true, kAbortCode, "cannot send");
    link_lost(now_ms, Reason::connection_lost, 0, TokenReason::reconnect, 0, draw);
  }
  return result;
}

void Manager::handle_auth_evidence(int64_t now_ms, AuthEvidence evidence, double draw) {
  if (evidence == AuthEvidence::probe_unauthorized && (state_ == State::backing_off || state_ == State::connecting)) {
    next_token_ = TokenReason::handshake_rejected;
    count_auth_rejection();
  }
  // Either answer says the server is up: the next attempt need not wait out the whole window.
  if (state_ == State::backing_off && online_)
    timers_[kBackoff] = std::min(timers_[kBackoff], now_ms + rejection_delay_ms(config_.reconnect, draw));
}

void Manager::handle_network(int64_t now_ms, bool online) {
  if (online == online_) return;
  online_ = online;
  if (state_ == State::backing_off) {
    if (online) start_attempt(now_ms, Reason::resumed);
    else transition(State::backing_off, Reason::offline);
  } else if (state_ == State::open && !online && heartbeat_.enabled()) {
    emit_send(config_.heartbeat.ping, false);
    timers_[kHeartbeat] = heartbeat_.probe(now_ms, std::min<int64_t>(kOfflineProbeMs, config_.heartbeat.timeout_ms));
  }
}

void Manager::resume_from(int64_t event_id) {
  if (!config_.resume || event_id <= last_event_id_) return;
  last_event_id_ = event_id;
  if (!ever_opened_) resumed_from_ = true;
}

void Manager::handle_wake(int64_t now_ms) {
  if (state_ == State::backing_off && online_) start_attempt(now_ms, Reason::resumed);
}

void Manager::handle_timeout(int64_t now_ms, double draw) {
  for (uint8_t t = 0; t < kTimerCount; ++t) {
    if (timers_[t] > now_ms || stalled(static_cast<Timer>(t), now_ms)) continue;
    timers_[t] = kNever;
    on_timer(static_cast<Timer>(t), now_ms, draw);
  }
}

// Rule 10: one grace period for a failure timer the host woke late.
bool Manager::stalled(Timer t, int64_t now_ms) {
  bool declares_failure = t == kToken || t == kConnect || (t == kHeartbeat && !heartbeat_.answered());
  uint8_t bit = static_cast<uint8_t>(1u << t);
  if (!declares_failure || now_ms - timers_[t] < kLateMs || (graced_ & bit)) return false;
  graced_ |= bit;
  timers_[t] = now_ms + kGraceMs;
  return true;
}

void Manager::on_timer(Timer t, int64_t now_ms, double draw) {
  switch (t) {
    case kToken:
      if (state_ != State::connecting || !awaiting_token_) break;
      handle_token(now_ms, socket_, TokenOutcome::failed, draw);
      break;
    case kConnect:
      if (state_ != State::connecting || awaiting_token_) break;
      drop_socket(true, kAbortCode, "connect timeout");
      link_lost(now_ms, Reason::connect_timeout, 0, TokenReason::reconnect, 0, draw);
      break;
    case kBackoff:
      if (state_ == State::backing_off) start_attempt(now_ms, Reason::retry);
      break;
    case kStable:
      if (state_ != State::open) break;
      attempt_ = 0;
      auth_rejections_ = 0;
      break;
    case kClosing:
      if (state_ != State::closing) break;
      drop_socket(true, kAbortCode, "close timeout");
      finish(Reason::client_closed);
      break;
    case kTyping: {
      int64_t peer = 0;
      bool ours = false;
      while (typing_.next_expired(now_ms, peer, ours)) {
        if (ours) {
          if (state_ == State::open) emit_send(typing_frame(peer, false), true);
          continue;
        }
        Event e;
        e.kind = EventKind::typing_cleared;
        e.peer = peer;
        events_.push(std::move(e));
      }
      timers_[kTyping] = typing_.deadline();
      break;
    }
    case kHeartbeat: {
      if (state_ != State::open) break;
      int64_t next = kNever;
      if (heartbeat_.on_deadline(now_ms, next) == Heartbeat::Due::send_ping) {
        emit_send(config_.heartbeat.ping, false);
        timers_[kHeartbeat] = next;
        graced_ &= static_cast<uint8_t>(~(1u << kHeartbeat));
        break;
      }
      drop_socket(true, kAbortCode, "heartbeat timeout");
      link_lost(now_ms, online_ ? Reason::heartbeat_timeout : Reason::offline, 0, TokenReason::reconnect, 0, draw);
      break;
    }
    case kTimerCount: break;
  }
}

// ---------------------------------------------------------------- routing (the per-frame path: manager_frames.cpp)

int32_t Manager::subscribe(std::string_view type, std::string& error) {
  int32_t route = router_.find(type);
  if (route < 0) route = router_.add(TypeSpec{std::string(type), {}, "", false}, error, true);
  if (route >= 0) router_.add_subscriber(route);
  return route;
}

bool Manager::unsubscribe(int32_t route) {
  if (!router_.valid(route)) return false;
  if (router_.remove_subscriber(route) || !router_.route(route).implicit) return true;
  router_.remove(route);
  return false;
}

bool Manager::claim(int32_t route, ValueKind kind, std::string_view raw, int64_t now_ms) {
  return dedupe_.insert(keys_.of_value(route, kind, raw), now_ms);
}

// ---------------------------------------------------------------- outputs

int64_t Manager::next_deadline() const { return *std::min_element(std::begin(timers_), std::end(timers_)); }

bool Manager::poll_action(Action& out) { return actions_.pop(out); }

bool Manager::poll_event(Event& out) { return events_.pop(out); }

Stats Manager::stats() const {
  Stats s = stats_;
  s.frames_queued = outbox_.size();
  s.state = state_;
  return s;
}

void Manager::emit_send(std::string frame, bool app_frame) {
  ++stats_.frames_sent;
  stats_.bytes_sent += frame.size();
  Action a;
  a.kind = ActionKind::send_frame;
  a.socket = socket_;
  a.app_frame = app_frame;
  a.payload = std::move(frame);
  actions_.push(std::move(a));
}

void Manager::emit_resync(int64_t downtime_ms) {
  Event e;
  e.kind = EventKind::resync;
  e.downtime_ms = downtime_ms;
  events_.push(std::move(e));
}

void Manager::emit_error(ErrorCode code, uint32_t count, Reason reason) {
  Event e;
  e.kind = EventKind::error;
  e.error = code;
  e.count = count;
  e.reason = reason;
  events_.push(std::move(e));
}

}  // namespace numeneon::realtime
