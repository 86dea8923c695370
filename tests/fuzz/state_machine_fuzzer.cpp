// Fuzzes the connection state machine: the input is a config followed by a sequence of host
// observations and app commands on a virtual clock; invariants are checked after every step.
//
// Layout: 8 bytes of config (delays, limits, heartbeat, outbox capacity, resume on/off), then operations of
// 1 opcode byte + up to 3 argument bytes (missing bytes read as 0). Invariants after each step:
//  - every state_changed event starts from the state the previous one ended in, follows an edge of
//    the documented graph, and the last one ends in state();
//  - idle and closed have no deadline; connecting, closing and (online) backing_off have one;
//    after the host's timer fires (handle_timeout(now), re-woken at once while a deadline is due, at
//    most twice) the next deadline is in the future: a host re-arming its one timer never spins;
//  - closed/auth_failed follows only evidence: a known rejection (HTTP 401/403, 4001/4003, probe 401)
//    counted up to auth_failure_limit since connect(), or "no session". Unknown-cause failures
//    (a browser's 1006, refused, timeouts) never end the session by themselves;
//  - closed/gave_up only with max_attempts set;
//  - the outbox never holds more than its capacity, and is empty while open and once closed (idle may
//    queue: frames sent before connect() wait for the first open); send() answers
//    sent/queued/dropped consistently with the state;
//  - each entry into connecting asks for exactly one socket; after a pre-open failure of unknown
//    cause or a rejection, that socket's token is a fresh one;
//  - frames are sent only while open; a close is requested only of a socket that exists;
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

bool edge_allowed(State from, State to) {
  switch (from) {
    case State::idle: return to == State::connecting;
    case State::connecting: return to == State::open || to == State::backing_off || to == State::closing || to == State::closed;
    case State::open: return to == State::backing_off || to == State::closing || to == State::closed;
    // connect() while the old socket is still closing starts a new attempt at once (not in the rules
    // comment of manager.cpp, but harmless: the host drops the old socket's late events).
    case State::closing: return to == State::closed || to == State::connecting;
    case State::backing_off: return to == State::connecting || to == State::backing_off || to == State::closed;
    case State::closed: return to == State::connecting;
  }
  return false;
}

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
                "initial %u max %u jitter %.2f floor %u attempts %u auth_limit %u stable %u connect_timeout %u "
                "heartbeat %u/%u outbox %u",
                r.initial_delay_ms, r.max_delay_ms, r.jitter, r.min_delay_ms, r.max_attempts, r.auth_failure_limit,
                r.stable_after_ms, r.connect_timeout_ms, c.heartbeat.interval_ms, c.heartbeat.timeout_ms, c.outbox_capacity);
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
  r.connect_timeout_ms = 1 + in.byte() * 40u;
  const uint8_t hb = in.byte();
  c.heartbeat.interval_ms = (hb & 15) * 100u;
  c.heartbeat.timeout_ms = 1 + (hb >> 4) * 100u;
  const uint8_t misc = in.byte();
  c.outbox_capacity = misc & 7;
  c.resume = misc & 8;
  if (!nrt::validate(c).empty()) return 0;

  nrt::Manager core(c);
  core.add_subscriber(core.find_route("new_message"));
  int64_t now = 0;
  State tracked = State::idle;
  uint32_t known_rejections = 0;  // since the last connect() from idle/closed: an upper bound of the core's count
  bool need_fresh_token = false;
  bool ever_opened = false;

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
    const uint8_t op = in.byte() % 14;
    bool evidence = false;   // this step may legitimately end in auth_failed
    bool failure = false;    // this step may legitimately end in gave_up
    bool timeout_step = false;
    bool fresh_after = false;
    switch (op) {
      case 0:
        if (before == State::idle || before == State::closed) known_rejections = 0, need_fresh_token = false;
        core.connect(now);
        break;
      case 1: core.handle_open(now); break;
      case 2: {
        const uint16_t code = kCloseCodes[in.byte() % 10];
        const bool socket = before == State::connecting || before == State::open;
        if (socket && (code == 4001 || code == 4003)) ++known_rejections, evidence = true;
        if (socket) failure = true;
        if (before == State::connecting || (socket && (code == 4001 || code == 4003))) fresh_after = true;
        core.handle_close(now, code, in.draw());
        break;
      }
      case 3: {
        const auto what = static_cast<nrt::HandshakeFailure>(in.byte() % 3);
        const uint16_t status = kStatuses[in.byte() % 8];
        const bool rejected = what == nrt::HandshakeFailure::http_status && (status == 401 || status == 403);
        if (before == State::connecting) {
          failure = true;
          if (rejected) ++known_rejections, evidence = true;
          if (rejected || what == nrt::HandshakeFailure::unknown) fresh_after = true;
        }
        core.handle_handshake_failure(now, what, status, in.draw());
        break;
      }
      case 4: {
        const auto ev = static_cast<nrt::AuthEvidence>(in.byte() % 3);
        if (ev == nrt::AuthEvidence::no_session) evidence = true;
        if (ev == nrt::AuthEvidence::probe_unauthorized && (before == State::backing_off || before == State::connecting)) {
          ++known_rejections, evidence = true;
          fresh_after = true;
        }
        core.handle_auth_evidence(now, ev, in.draw());
        break;
      }
      case 5: core.handle_network(now, in.byte() & 1); break;
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
      case 10: core.handle_frame(now, kFrames[in.byte() % 8]); break;
      case 11: core.close(now, kCloseCodes[in.byte() % 10]); break;
      case 12: fire(in.draw()); timeout_step = true; failure = true; break;  // spurious or due
      case 13: now += in.byte(); fire(in.draw()); timeout_step = true; failure = true; break;
    }

    nrt::Action a;
    int opens = 0;
    int sends = 0;
    int closes = 0;
    nrt::TokenReason token = nrt::TokenReason::initial;
    while (core.poll_action(a)) {
      if (a.kind == nrt::ActionKind::open_socket) ++opens, token = a.token_reason;
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
        if (!edge_allowed(e.from, e.to))
          std::fprintf(stderr, "transition %s -> %s (%s)\n", nrt::to_string(e.from), nrt::to_string(e.to), nrt::to_string(e.reason));
        check(edge_allowed(e.from, e.to), "transition not in the state graph", step);
        if (e.to == State::connecting) ++entered_connecting;
        if (e.to == State::open) opened_now = true;
        if (e.to == State::closed && e.reason == nrt::Reason::auth_failed) {
          check(evidence, "auth_failed without auth evidence in this step", step);
          check(known_rejections >= c.reconnect.auth_failure_limit || op == 4,
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
    check(opens == entered_connecting, "one socket per entry into connecting", step);
    if (opens) {
      if (need_fresh_token) check(fresh_token(token), "retry after a rejection/unknown failure reuses the token", step);
      need_fresh_token = false;
    }
    if (fresh_after && s == State::backing_off) need_fresh_token = true;
    if (sends) check(s == State::open, "frame sent while not open", step);
    if (closes) check(before == State::connecting || before == State::open, "close requested with no socket", step);

    const nrt::Stats st = core.stats();
    check(st.frames_queued <= c.outbox_capacity, "outbox over capacity", step);
    if (s == State::open) check(st.frames_queued == 0, "outbox not flushed while open", step);
    if (s == State::closed) check(st.frames_queued == 0, "outbox kept after the session ended", step);

    const int64_t deadline = core.next_deadline();
    if (trace)
      std::fprintf(stderr, "step %d op %d: now %lld, %s -> %s, deadline %lld, opens %d sends %d closes %d\n", step, op,
                   static_cast<long long>(now), nrt::to_string(before), nrt::to_string(s),
                   static_cast<long long>(deadline == nrt::kNever ? -1 : deadline), opens, sends, closes);
    if (s == State::idle || s == State::closed) check(deadline == nrt::kNever, "a deadline while idle/closed", step);
    if (s == State::connecting || s == State::closing) check(deadline != nrt::kNever, "no deadline while connecting/closing", step);
    if (timeout_step) check(deadline > now, "after handle_timeout(now) a deadline is still due", step);
  }
  return 0;
}
