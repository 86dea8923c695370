// A scripted host for the manager: a virtual clock, and the actions/events the core emitted.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "numeneon/realtime/manager.hpp"

namespace numeneon::realtime::testing {

struct FakeHost {
  explicit FakeHost(Config config = {}, KeySecret secret = {0x0123456789abcdefull, 0xfedcba9876543210ull})
      : core(std::move(config), secret) {}

  Manager core;
  int64_t now = 0;
  double draw = 0.5;        // the "random" draw passed with every input that may schedule a retry
  bool auto_token = true;   // answer every request_token at once with a token (like a synchronous getToken)
  uint32_t socket = 0;      // the socket of the latest request_token / open_socket
  std::vector<Action> actions;
  std::vector<Event> events;

  void drain() {
    Action a;
    while (core.poll_action(a)) {
      if (a.kind == ActionKind::request_token || a.kind == ActionKind::open_socket) socket = a.socket;
      bool answer = auto_token && a.kind == ActionKind::request_token;
      actions.push_back(a);
      if (answer) core.handle_token(now, a.socket, TokenOutcome::ready, draw);
    }
    Event e;
    while (core.poll_event(e)) events.push_back(e);
  }
  // Moves the virtual clock to `t`, waking the core at each deadline on the way, as the JS timer does.
  void advance_to(int64_t t) {
    for (int64_t d = core.next_deadline(); d <= t; d = core.next_deadline()) {
      now = std::max(now, d);
      core.handle_timeout(now, draw);
      drain();
    }
    now = std::max(now, t);
  }
  void advance(int64_t ms) { advance_to(now + ms); }

  void connect() { core.connect(now), drain(); }
  void token(TokenOutcome outcome) { core.handle_token(now, socket, outcome, draw), drain(); }
  void open() { core.handle_open(now, socket), drain(); }
  void opened() { connect(), open(); }
  void closed(const SocketClose& c) { core.handle_close(now, socket, c, draw), drain(); }
  void server_close(uint16_t code) { closed({code}); }
  void handshake_http(uint16_t status, uint32_t retry_after_ms = 0) {
    closed({1006, SocketError::http_status, status, retry_after_ms});
  }
  void handshake_unknown() { closed({1006}); }
  void refused() { closed({1006, SocketError::refused}); }
  Decision frame(const std::string& text) {
    Decision d = core.handle_frame(now, socket, text);
    drain();
    return d;
  }
  int32_t subscribe(const char* type) {
    std::string error;
    return core.subscribe(type, error);
  }

  std::vector<Action> take_actions(ActionKind kind) const {
    std::vector<Action> out;
    for (const Action& a : actions)
      if (a.kind == kind) out.push_back(a);
    return out;
  }
  size_t count(ActionKind kind) const {
    return static_cast<size_t>(std::count_if(actions.begin(), actions.end(), [&](const Action& a) { return a.kind == kind; }));
  }
  std::vector<Event> of_kind(EventKind kind) const {
    std::vector<Event> out;
    for (const Event& e : events)
      if (e.kind == kind) out.push_back(e);
    return out;
  }
  const Event& last_transition() const {
    for (auto it = events.rbegin(); it != events.rend(); ++it)
      if (it->kind == EventKind::state_changed) return *it;
    static Event none;
    return none;
  }
  const Action& last(ActionKind kind) const {
    for (auto it = actions.rbegin(); it != actions.rend(); ++it)
      if (it->kind == kind) return *it;
    static Action none;
    return none;
  }
  const Action& last_token_request() const { return last(ActionKind::request_token); }
};

inline std::string new_message(int id, const std::string& content = "hi") {
  return R"({"type":"new_message","data":{"id":)" + std::to_string(id) +
         R"(,"sender":{"id":2,"username":"alice"},"content":")" + content +
         R"(","created_at":"2026-11-25T21:22:20.991475+00:00"}})";
}

}  // namespace numeneon::realtime::testing
