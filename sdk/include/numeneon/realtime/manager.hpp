// The connection manager: a sans-IO state machine the host drives.
//
// Inputs go in through handle_*(now_ms, ...) and the app-facing commands; outputs come out through
// poll_action() (what the host must do: open/close a socket, send a frame) and poll_event() (what the
// app should hear: state changes, resync, errors). The host wakes the core at next_deadline().
// The core never reads a clock or draws a random number: `now_ms` and `draw` (uniform in [0, 1))
// are always passed in, so a test can replay any scenario on a virtual clock.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "numeneon/realtime/close_policy.hpp"
#include "numeneon/realtime/codes.hpp"
#include "numeneon/realtime/config.hpp"
#include "numeneon/realtime/dedupe.hpp"
#include "numeneon/realtime/frame_scan.hpp"
#include "numeneon/realtime/heartbeat.hpp"
#include "numeneon/realtime/outbox.hpp"
#include "numeneon/realtime/router.hpp"
#include "numeneon/realtime/stats.hpp"

namespace numeneon::realtime {

struct Action {
  ActionKind kind = ActionKind::open_socket;
  TokenReason token_reason = TokenReason::initial;  // open_socket
  uint32_t attempt = 0;                             // open_socket: 0 for the first, then retry number
  int64_t resume_from = 0;                          // open_socket with resume on: the last event id seen (0: none)
  uint16_t close_code = 0;                          // close_socket
  std::string payload;                              // send_frame: the text; close_socket: the reason
};

struct Event {
  EventKind kind = EventKind::state_changed;
  State from = State::idle;         // state_changed
  State to = State::idle;           // state_changed
  Reason reason = Reason::none;     // state_changed
  uint32_t attempt = 0;             // state_changed: retry number when backing off / connecting
  uint32_t delay_ms = 0;            // state_changed to backing_off: the chosen delay
  uint16_t close_code = 0;          // state_changed: the socket's close code, when one caused it
  int64_t downtime_ms = 0;          // resync: how long the link was down
  ErrorCode error = ErrorCode::none;  // error
  std::string detail;               // error: one sentence
};

// Ingest's verdict for one frame.
struct Decision {
  Verdict verdict = Verdict::rejected;
  ErrorCode error = ErrorCode::none;  // when rejected
  int32_t route = -1;                 // deliver: which type's subscribers; -1 = an unregistered type (wildcard)
  uint8_t field = kNoPath;            // rejected as invalid_payload: index of the failing required field
  bool events = false;                // the frame queued events (e.g. a resync): poll them
};

class Manager : private TypeResolver {
 public:
  // `config` must have passed validate(); the NUMENEON types come pre-registered.
  explicit Manager(Config config);

  // --- commands from the application ---
  void connect(int64_t now_ms);
  void close(int64_t now_ms, uint16_t code = 1000);
  SendResult send(int64_t now_ms, std::string frame, bool is_volatile);

  // --- what the host observed ---
  void handle_open(int64_t now_ms);
  // The socket closed after `open` (or a close frame arrived before it: then it is a pre-open failure).
  void handle_close(int64_t now_ms, uint16_t code, double draw);
  // The handshake failed before `open`. `http_status` is meaningful for HandshakeFailure::http_status.
  void handle_handshake_failure(int64_t now_ms, HandshakeFailure what, uint16_t http_status, double draw);
  void handle_auth_evidence(int64_t now_ms, AuthEvidence evidence, double draw);
  void handle_network(int64_t now_ms, bool online);
  void handle_wake(int64_t now_ms);  // e.g. the page became visible: retry now if backing off
  void handle_timeout(int64_t now_ms, double draw);
  // The per-frame path: no allocation, no copy of the frame.
  Decision handle_frame(int64_t now_ms, std::string_view frame);

  // --- outputs ---
  int64_t next_deadline() const;  // kNever when nothing is scheduled
  bool poll_action(Action& out);
  bool poll_event(Event& out);

  // --- routing and de-duplication ---
  int32_t register_type(TypeSpec spec, std::string& error) { return router_.add(std::move(spec), error); }
  int32_t find_route(std::string_view type) const { return router_.find(type); }
  const Router& router() const { return router_; }
  void add_subscriber(int32_t route) { router_.add_subscriber(route); }
  void remove_subscriber(int32_t route) { router_.remove_subscriber(route); }
  void set_wildcard(bool on) { router_.set_wildcard(on); }
  // Marks an event as seen (e.g. it came in a REST response); false if it was already seen.
  // The key is the value's JSON text, as the frame carries it: 42 or "abc" (with quotes).
  bool claim(int32_t route, std::string_view key_json, int64_t now_ms);

  State state() const { return state_; }
  int64_t last_event_id() const { return last_event_id_; }
  const Config& config() const { return config_; }
  Stats stats() const;

 private:
  enum Timer : uint8_t { kConnect, kBackoff, kStable, kClosing, kTimerCount };

  Resolution resolve(std::string_view type) override;

  void transition(int64_t now_ms, State to, Reason reason, uint16_t close_code = 0, uint32_t delay_ms = 0);
  void start_attempt(int64_t now_ms, Reason reason);
  void link_lost(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token, double draw);
  void fail(int64_t now_ms, const FailureVerdict& verdict, uint16_t close_code, double draw);
  void auth_rejected(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token, double draw);
  void finish(int64_t now_ms, Reason reason, uint16_t close_code = 0);
  void request_close(uint16_t code, std::string reason);
  void emit_error(ErrorCode code, std::string detail);
  void emit_send(std::string frame);
  void emit_resync(int64_t downtime_ms);
  void settle_resync(const Route& route, const ScanResult& scan, std::string_view frame);
  bool socket_exists() const { return state_ == State::connecting || state_ == State::open; }

  Config config_;
  Router router_;
  FrameScanner scanner_;
  ScanResult scan_;  // reused for every frame
  DedupeWindow dedupe_;
  Outbox outbox_;
  Heartbeat heartbeat_;
  std::deque<Action> actions_;
  std::deque<Event> events_;
  int64_t timers_[kTimerCount];

  State state_ = State::idle;
  uint32_t attempt_ = 0;            // retries since the link was last stable
  uint32_t auth_rejections_ = 0;    // consecutive known auth rejections
  TokenReason next_token_ = TokenReason::initial;
  bool online_ = true;
  bool ever_opened_ = false;
  int64_t down_since_ = 0;
  int32_t echo_route_ = -1;
  int32_t established_route_ = -1;
  int64_t last_event_id_ = 0;       // resume: the highest top-level event_id seen
  bool resync_pending_ = false;     // resume: re-opened; connection_established says whether replay covers the gap
  int64_t pending_downtime_ = 0;
  int32_t resolved_route_ = -1;  // set by resolve() during a scan
  std::string ping_type_;        // JSON text of the ping's type, matched against echo's data.type
  Stats stats_;
};

}  // namespace numeneon::realtime
