// A scripted host for the manager: a virtual clock, and the actions/events the core emitted.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "numeneon/realtime/manager.hpp"

namespace numeneon::realtime::testing {

struct FakeHost {
  explicit FakeHost(Config config = {}) : core(std::move(config)) {}

  Manager core;
  int64_t now = 0;
  double draw = 0.5;  // the "random" draw passed with every input that may schedule a retry
  std::vector<Action> actions;
  std::vector<Event> events;

  void drain() {
    Action a;
    while (core.poll_action(a)) actions.push_back(a);
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
  void open() { core.handle_open(now), drain(); }
  void server_close(uint16_t code) { core.handle_close(now, code, draw), drain(); }
  void handshake_http(uint16_t status) { core.handle_handshake_failure(now, HandshakeFailure::http_status, status, draw), drain(); }
  void handshake_unknown() { core.handle_handshake_failure(now, HandshakeFailure::unknown, 0, draw), drain(); }
  void refused() { core.handle_handshake_failure(now, HandshakeFailure::refused, 0, draw), drain(); }
  Decision frame(const std::string& text) {
    Decision d = core.handle_frame(now, text);
    drain();
    return d;
  }

  std::vector<Action> take_actions(ActionKind kind) {
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
  const Action& last_open() const {
    for (auto it = actions.rbegin(); it != actions.rend(); ++it)
      if (it->kind == ActionKind::open_socket) return *it;
    static Action none;
    return none;
  }
};

inline std::string new_message(int id, const std::string& content = "hi") {
  return R"({"type":"new_message","data":{"id":)" + std::to_string(id) +
         R"(,"sender":{"id":2,"username":"alice"},"content":")" + content +
         R"(","created_at":"2026-11-25T21:22:20.991475+00:00"}})";
}

}  // namespace numeneon::realtime::testing
