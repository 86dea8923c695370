// Fuzzes the connection state machine: the input is a config followed by a sequence of host
// observations and app commands on a virtual clock; invariants are checked after every step.
//
// Layout: 8 bytes of config (delays, limits, heartbeat, outbox capacity, resume on/off), then operations of
// 1 opcode byte + up to 3 argument bytes (missing bytes read as 0). Reports name the current socket or a
// stale one. Invariants after each step:
//  - every state_changed event starts from the state the previous one ended in, is an edge of the
//    core's own transition table (Manager::transition_allowed), and the last one ends in state();
//  - idle and closed have no deadline; connecting and closing have one; after the host's timer fires
//    (handle_timeout(now), re-woken at once while a deadline is due, at most twice) the next deadline is
//    in the future: a host re-arming its one timer never spins;
//  - closed/auth_failed follows only evidence: a known rejection (HTTP 401/403, 4001/4003, probe 401)
//    counted up to auth_failure_limit since connect(), or "no session" from the token provider. Unknown-
//    cause failures (a browser's 1006, refused, timeouts, a failing token provider) never end it alone;
//  - closed/gave_up only with max_attempts set;
//  - the outbox never holds more than its capacity plus the frames a failed send put back, and is empty
//    while open and once closed; send() answers sent/queued/dropped consistently with the state;
//  - each entry into connecting asks for exactly one token; a socket is opened only for the current
//    attempt and only once its token is in hand; after a pre-open failure of unknown cause or a
//    rejection, the next token request asks for a fresh one;
//  - frames are sent only while open; nothing is delivered while not open; a stale socket's reports
//    change nothing;
//  - resync only on an open after an earlier open, with a non-negative downtime.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "numeneon/realtime/manager.hpp"

namespace nrt = numeneon::realtime;
using nrt::State;

namespace {

void check(bool ok, const char* what, int step) {
  if (ok) return;
  std::fprintf(stderr, "invariant violated at step %d: %s\n", step, what);
  std::abort();
}

struct Reader {
  const uint8_t* p;
  size_t n;
  size_t i = 0;
  bool more() const { return i < n; }
  uint8_t byte() { return i < n ? p[i++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  double draw() { return byte() / 256.0; }
};

bool fresh_token(nrt::TokenReason r) {
  return r == nrt::TokenReason::handshake_rejected || r == nrt::TokenReason::handshake_failed ||
         r == nrt::TokenReason::auth_closed;
}

const uint16_t kCloseCodes[] = {1000, 1001, 1006, 1011, 4000, 4001, 4003, 1005, 3000, 0};
const uint16_t kStatuses[] = {401, 403, 500, 502, 404, 200, 101, 0};
const char* const kFrames[] = {
    R"({"type":"echo","data":{"type":"ping"}})",
    R"({"type":"new_message","data":{"id":1,"sender":{"id":2,"username":"a"},"content":"hi"}})",
    R"({"type":"connection_established","message":"Connected as a","user_id":2})",
    R"({"type":"error","message":"Invalid JSON"})",
    R"({"type":)",
    R"({"data":{},"type":"friend_accepted"})",
    R"({"type":"connection_established","message":"Connected as a","user_id":2,"resume":"ok"})",
    R"({"event_id":42,"type":"new_message","data":{"id":3,"sender":{"id":2},"content":"hi"}})",
};

std::string describe(const nrt::Config& c) {
  const nrt::ReconnectPolicy& r = c.reconnect;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "initial %u max %u jitter %.2f floor %u attempts %u auth_limit %u stable %u token_timeout %u "
                "connect_timeout %u heartbeat %u/%u outbox %u",
                r.initial_delay_ms, r.max_delay_ms, r.jitter, r.min_delay_ms, r.max_attempts, r.auth_failure_limit,
                r.stable_after_ms, r.token_timeout_ms, r.connect_timeout_ms, c.heartbeat.interval_ms,
                c.heartbeat.timeout_ms, c.outbox_capacity);
  return buf;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in{data, size};
  nrt::Config c;
  nrt::ReconnectPolicy& r = c.reconnect;
  r.initial_delay_ms = in.byte() * 20u;
  r.max_delay_ms = r.initial_delay_ms + in.byte() * 100u;
  r.jitter = in.byte() / 255.0;
  r.min_delay_ms = std::min<uint32_t>(in.byte() * 5u, r.max_delay_ms);
  const uint8_t limits = in.byte();
  r.max_attempts = limits & 7;
  r.auth_failure_limit = 1 + ((limits >> 3) & 3);
  r.stable_after_ms = (limits >> 5) * 500u;
  const uint8_t timeouts = in.byte();
  r.connect_timeout_ms = 1 + (timeouts & 15) * 600u;
  r.token_timeout_ms = 1 + (timeouts >> 4) * 600u;
  const uint8_t hb = in.byte();
  c.heartbeat.interval_ms = (hb & 15) * 100u;
  c.heartbeat.timeout_ms = 1 + (hb >> 4) * 100u;
  const uint8_t misc = in.byte();
  c.outbox_capacity = misc & 7;
  c.resume = misc & 8;
  if (!nrt::validate(c).ok()) return 0;

  nrt::Manager core(c, {0x1234, 0x5678});
  std::string error;
  core.subscribe("new_message", error);
  int64_t now = 0;
  State tracked = State::idle;
  uint32_t socket = 0;           // the latest request_token's socket
  bool token_in_hand = false;    // handle_token(ready) was accepted for `socket`
  uint32_t known_rejections = 0;  // since the last connect() from idle/closed: an upper bound of the core's count
  bool need_fresh_token = false;
  bool ever_opened = false;
  uint64_t put_back = 0;          // frames a failed send returned to the outbox (may exceed its capacity)

  // NRT_FUZZ_TRACE=1 prints each step, to read a reproducer: ./nrt_fuzz_state_machine crash-...
  static const bool trace = std::getenv("NRT_FUZZ_TRACE") != nullptr;
  if (trace) std::fprintf(stderr, "config: %s\n", describe(c).c_str());
  // The host's one timer. A deadline the core set during the call itself may already be due (a
  // heartbeat timeout with a zero backoff delay): the host re-arms at 0 ms, so allow two re-wakes,
  // then the deadline must be in the future (the host never spins).
  auto fire = [&](double draw) {
    core.handle_timeout(now, draw);
    for (int k = 0; k < 2 && core.next_deadline() <= now; ++k) core.handle_timeout(now, draw);
  };
  for (int step = 0; in.more() && step < 4096; ++step) {
    const State before = core.state();
    const nrt::Stats stats_before = core.stats();
    const uint8_t op = in.byte() % 18;
    const uint8_t which = in.byte();
    const uint32_t target = (which & 1) ? socket : socket - 1;  // the current socket, or a stale one
    const bool live = target == socket && socket != 0;
    bool evidence = false;   // this step may legitimately end in auth_failed
    bool failure = false;    // this step may legitimately end in gave_up
    bool timeout_step = false;
    bool fresh_after = false;
    bool token_now = false;
    switch (op) {
      case 0:
        if (before == State::idle || before == State::closed) known_rejections = 0, need_fresh_token = false;
        core.connect(now);
        break;
      case 1: core.handle_open(now, target); break;
      case 2: {
        const uint16_t code = kCloseCodes[in.byte() % 10];
        const bool socket_up = live && (before == State::connecting || before == State::open);
        if (socket_up && (code == 4001 || code == 4003)) ++known_rejections, evidence = true;
        if (socket_up) failure = true;
        if (socket_up && (before == State::connecting || code == 4001 || code == 4003)) fresh_after = true;
        core.handle_close(now, target, {code}, in.draw());
        break;
      }
      case 3: {
        const auto what = static_cast<nrt::SocketError>(in.byte() % 3);
        const uint16_t status = kStatuses[in.byte() % 8];
        const bool rejected = what == nrt::SocketError::http_status && (status == 401 || status == 403);
        if (live && before == State::connecting) {
          failure = true;
          if (rejected) ++known_rejections, evidence = true;
          if (rejected || what == nrt::SocketError::none) fresh_after = true;
        } else if (live && before == State::open) {
          failure = true;
        }
        core.handle_close(now, target, {1006, what, status, static_cast<uint32_t>(in.byte()) * 100u}, in.draw());
        break;
      }
      case 4: {
        const auto ev = static_cast<nrt::AuthEvidence>(in.byte() % 2);
        if (ev == nrt::AuthEvidence::probe_unauthorized && (before == State::backing_off || before == State::connecting)) {
          ++known_rejections, evidence = true;
          fresh_after = true;
        }
        core.handle_auth_evidence(now, ev, in.draw());
        break;
      }
      case 5: core.handle_network(now, in.byte() & 1); failure = true; break;
      case 6: core.handle_wake(now); break;
      case 7: {  // the host's timer: wake exactly at the deadline, or late by a jump
        const int64_t deadline = core.next_deadline();
        const uint16_t late = in.u16();
        if (deadline != nrt::kNever && deadline > now) now = deadline;
        now += late % 4 == 0 ? late : 0;
        failure = true;
        timeout_step = true;
        fire(in.draw());
        break;
      }
      case 8: now += in.u16(); break;  // time passes with no wake-up
      case 9: {
        const bool is_volatile = in.byte() & 1;
        const size_t queued = core.stats().frames_queued;
        const nrt::SendResult res = core.send(now, "{\"type\":\"app\"}", is_volatile);
        if (before == State::open) check(res == nrt::SendResult::sent, "send while open was not sent", step);
        if (before == State::closing || before == State::closed)
          check(res == nrt::SendResult::dropped, "send after close was not dropped", step);
        if (res == nrt::SendResult::queued) check(!is_volatile && queued < c.outbox_capacity, "queued beyond capacity or volatile", step);
        break;
      }
      case 10: {
        const nrt::Decision d = core.handle_frame(now, target, kFrames[in.byte() % 8]);
        if (before != State::open || !live) check(d.verdict == nrt::Verdict::ignored, "a frame was taken while not open", step);
        break;
      }
      case 11: core.close(now, kCloseCodes[in.byte() % 10], "bye"); break;
      case 12: fire(in.draw()); timeout_step = true; failure = true; break;  // spurious or due
      case 13: now += in.byte(); fire(in.draw()); timeout_step = true; failure = true; break;
      case 14: {
        const auto outcome = static_cast<nrt::TokenOutcome>(in.byte() % 3);
        if (outcome == nrt::TokenOutcome::no_session) evidence = true;
        if (outcome != nrt::TokenOutcome::ready) failure = true;
        token_now = live && outcome == nrt::TokenOutcome::ready && before == State::connecting && !token_in_hand;
        core.handle_token(now, target, outcome, in.draw());
        break;
      }
      case 15: core.abandon(now); break;
      case 16: {
        const bool app = in.byte() & 1;
        const nrt::SendResult res = core.handle_send_failed(now, target, "{\"type\":\"app\"}", app, in.draw());
        if (!app) check(res == nrt::SendResult::dropped, "a failed ping was not dropped", step);
        if (res == nrt::SendResult::queued) ++put_back;
        failure = true;
        break;
      }
      case 17: {
        const nrt::Decision d = core.handle_unread_frame(now, target, static_cast<nrt::UnreadReason>(in.byte() % 3));
        check(d.verdict == nrt::Verdict::rejected || d.verdict == nrt::Verdict::ignored, "an unread frame was taken", step);
        break;
      }
    }

    nrt::Action a;
    int requests = 0;
    int opens = 0;
    int sends = 0;
    int closes = 0;
    nrt::TokenReason token = nrt::TokenReason::initial;
    while (core.poll_action(a)) {
      if (a.kind == nrt::ActionKind::request_token) {
        ++requests, token = a.token_reason;
        check(a.socket != socket, "a new attempt reuses a socket number", step);
        socket = a.socket;
        token_in_hand = false;
      }
      if (a.kind == nrt::ActionKind::open_socket) {
        ++opens;
        check(a.socket == socket && token_now, "a socket opened without its token in hand", step);
        token_in_hand = true;
      }
      if (a.kind == nrt::ActionKind::send_frame) ++sends;
      if (a.kind == nrt::ActionKind::close_socket) ++closes;
    }
    int entered_connecting = 0;
    bool opened_now = false;
    nrt::Event e;
    while (core.poll_event(e)) {
      if (e.kind == nrt::EventKind::state_changed) {
        check(static_cast<uint8_t>(e.to) <= 5, "state out of range", step);
        check(e.from == tracked, "transition does not start where the last one ended", step);
        if (!nrt::Manager::transition_allowed(e.from, e.to))
          std::fprintf(stderr, "transition %s -> %s (%s)\n", nrt::to_string(e.from), nrt::to_string(e.to), nrt::to_string(e.reason));
        check(nrt::Manager::transition_allowed(e.from, e.to), "transition not in the state graph", step);
        if (e.to == State::connecting) ++entered_connecting;
        if (e.to == State::open) opened_now = true;
        if (e.to == State::closed && e.reason == nrt::Reason::auth_failed) {
          check(evidence, "auth_failed without auth evidence in this step", step);
          check(known_rejections >= c.reconnect.auth_failure_limit || op == 14,
                "auth_failed before auth_failure_limit known rejections", step);
        }
        if (e.to == State::closed && e.reason == nrt::Reason::gave_up)
          check(c.reconnect.max_attempts > 0 && failure, "gave_up without max_attempts or a failure", step);
        tracked = e.to;
      } else if (e.kind == nrt::EventKind::resync) {
        check(ever_opened && e.downtime_ms >= 0, "resync without an earlier open, or negative downtime", step);
      }
    }
    if (opened_now) ever_opened = true;
    const State s = core.state();
    check(static_cast<uint8_t>(s) <= 5, "state out of range", step);
    check(s == tracked, "state() differs from the last transition", step);
    check(requests == entered_connecting, "one token request per entry into connecting", step);
    check(opens <= 1, "more than one socket in one step", step);
    if (requests) {
      if (need_fresh_token) check(fresh_token(token), "retry after a rejection/unknown failure reuses the token", step);
      need_fresh_token = false;
    }
    if (fresh_after && s == State::backing_off) need_fresh_token = true;
    if (sends) check(s == State::open, "frame sent while not open", step);
    if (closes) check(before == State::connecting || before == State::open || before == State::closing, "close requested with no socket", step);
    if (!live && (op == 1 || op == 2 || op == 3 || op == 14))
      check(s == before && core.stats().frames_received == stats_before.frames_received, "a stale socket's report changed the state", step);

    const nrt::Stats st = core.stats();
    check(st.frames_queued <= c.outbox_capacity + put_back, "outbox over capacity", step);
    if (st.frames_queued <= c.outbox_capacity) put_back = 0;
    if (s == State::open) check(st.frames_queued == 0, "outbox not flushed while open", step);
    if (s == State::closed) check(st.frames_queued == 0, "outbox kept after the session ended", step);
    check(st.frames_received == st.frames_delivered + st.duplicates + st.unsubscribed + st.rejected + st.heartbeats + st.ignored,
          "a frame without exactly one verdict", step);

    const int64_t deadline = core.next_deadline();
    if (trace)
      std::fprintf(stderr, "step %d op %d: now %lld, %s -> %s, deadline %lld, requests %d opens %d sends %d closes %d\n", step, op,
                   static_cast<long long>(now), nrt::to_string(before), nrt::to_string(s),
                   static_cast<long long>(deadline == nrt::kNever ? -1 : deadline), requests, opens, sends, closes);
    if (s == State::idle || s == State::closed) check(deadline == nrt::kNever, "a deadline while idle/closed", step);
    if (s == State::connecting || s == State::closing) check(deadline != nrt::kNever, "no deadline while connecting/closing", step);
    if (timeout_step) check(deadline > now, "after handle_timeout(now) a deadline is still due", step);
  }
  return 0;
}
