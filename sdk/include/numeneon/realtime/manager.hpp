// The connection manager: a sans-IO state machine the host drives.
//
// The host reports what happened (handle_*) and what the app asked for (connect, close, send, ...);
// the core answers with actions (poll_action: ask for a token, open/close a socket, send a frame) and
// events for the app (poll_event: state changes, resync, errors), and says when it next needs waking
// (next_deadline). The host decides nothing: it never reads the core's state to choose what to report.
// The core never reads a clock or draws a random number: `now_ms` and `draw` (uniform in [0, 1)) are
// always passed in, so a test can replay any scenario on a virtual clock.
//
// Sockets are numbered: every action about a socket carries its number, and the host reports what that
// socket did with the same number. Reports about a socket the core has given up on are no-ops, so the
// host never has to know which of its sockets still matter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "numeneon/realtime/close_policy.hpp"
#include "numeneon/realtime/codes.hpp"
#include "numeneon/realtime/config.hpp"
#include "numeneon/realtime/dedupe.hpp"
#include "numeneon/realtime/event_key.hpp"
#include "numeneon/realtime/fifo.hpp"
#include "numeneon/realtime/frame_scan.hpp"
#include "numeneon/realtime/heartbeat.hpp"
#include "numeneon/realtime/outbox.hpp"
#include "numeneon/realtime/router.hpp"
#include "numeneon/realtime/stats.hpp"
#include "numeneon/realtime/typing.hpp"

namespace numeneon::realtime {

struct Action {
  ActionKind kind = ActionKind::request_token;
  uint32_t socket = 0;                              // all but probe_auth
  TokenReason token_reason = TokenReason::initial;  // request_token
  uint32_t attempt = 0;                             // request_token: 0 for the first, then the retry number
  int64_t resume_from = 0;                          // open_socket with resume on: the last event id seen (0: none)
  uint16_t close_code = 0;                          // close_socket
  bool abort = false;                               // close_socket: drop it now instead of a polite close
  bool app_frame = false;                           // send_frame: the app's (false: the core's own ping)
  std::string payload;                              // send_frame: the text; close_socket: the reason
};

struct Event {
  EventKind kind = EventKind::state_changed;
  State from = State::idle;         // state_changed
  State to = State::idle;           // state_changed
  Reason reason = Reason::none;     // state_changed; error not_connected: why the session ended
  uint32_t attempt = 0;             // state_changed: retry number when backing off / connecting
  uint32_t delay_ms = 0;            // state_changed to backing_off: the chosen delay
  uint16_t close_code = 0;          // state_changed: the socket's close code, when one caused it
  int64_t downtime_ms = 0;          // resync: from the last sign of life of the old link to the new open
  int64_t peer = 0;                 // typing_cleared: whose indicator expired
  ErrorCode error = ErrorCode::none;  // error
  uint32_t count = 0;               // error: frames concerned (outbox_overflow: the capacity)
};

// Ingest's verdict for one frame.
struct Decision {
  Verdict verdict = Verdict::rejected;
  ErrorCode error = ErrorCode::none;  // when rejected
  int32_t route = -1;                 // deliver: which type's subscribers; -1 = an unregistered type (wildcard)
  uint8_t field = kNoPath;            // rejected as invalid_payload: index of the failing required field
  bool events = false;                // the frame queued events (e.g. a resync): poll them
};

class Manager {
 public:
  // `config` must have passed validate(); the NUMENEON types come pre-registered. `secret` keys the
  // de-duplication hash: the host draws it at random, so colliding ids cannot be prepared offline.
  Manager(Config config, KeySecret secret);
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // --- commands from the application ---
  void connect(int64_t now_ms);
  void close(int64_t now_ms, uint16_t code, std::string_view reason);
  // The host is going away (dispose): end the session now, with its last transition, whatever the state.
  void abandon(int64_t now_ms);
  SendResult send(int64_t now_ms, std::string frame, bool is_volatile);
  // A keystroke (true) or an explicit stop (false) in the conversation with `peer` (typing extension):
  // throttled, stopped by itself after a pause, never queued. Dropped when the server lacks the feature.
  SendResult typing(int64_t now_ms, int64_t peer, bool is_typing);
  // What connection_established's "features" said (Feature bits); the host reads it.
  void set_features(uint32_t features) { features_ = features; }
  // Resume: the frames after `event_id` are known to the app (it kept the id across a reload, or
  // another tab delivered them). The next connection asks for what came after it, and its open is a
  // re-open: connection_established says whether the replay covers the gap, else `resync` (downtime
  // 0 when this core never had a link). A no-op without the resume option or below the id in hand.
  void resume_from(int64_t event_id);

  // --- what the host observed ---
  void handle_token(int64_t now_ms, uint32_t socket, TokenOutcome outcome, double draw);
  void handle_open(int64_t now_ms, uint32_t socket);
  void handle_close(int64_t now_ms, uint32_t socket, const SocketClose& close, double draw);
  // A send_frame the socket could not take (it is closing). The frame goes back to the front of the
  // outbox (an app frame) or is forgotten (a ping); the link is treated as lost. Returns what became of it.
  SendResult handle_send_failed(int64_t now_ms, uint32_t socket, std::string frame, bool app_frame, double draw);
  void handle_auth_evidence(int64_t now_ms, AuthEvidence evidence, double draw);
  void handle_network(int64_t now_ms, bool online);
  void handle_wake(int64_t now_ms);  // e.g. the page became visible: retry now if backing off
  void handle_timeout(int64_t now_ms, double draw);
  // The per-frame path: no allocation, no copy of the frame.
  Decision handle_frame(int64_t now_ms, uint32_t socket, std::string_view frame);
  // A frame the host could not hand over (binary, too large, no buffer): counted and reported.
  Decision handle_unread_frame(int64_t now_ms, uint32_t socket, UnreadReason reason);

  // --- outputs ---
  int64_t next_deadline() const;  // kNever when nothing is scheduled
  bool poll_action(Action& out);
  bool poll_event(Event& out);

  // --- routing and de-duplication ---
  int32_t register_type(TypeSpec spec, std::string& error) { return router_.add(std::move(spec), error); }
  // Registers `type` with no schema if it is unknown (a subscription to it), then counts the subscriber.
  int32_t subscribe(std::string_view type, std::string& error);
  // Returns false when the route was dropped with its last subscriber (an implicit one).
  bool unsubscribe(int32_t route);
  int32_t find_route(std::string_view type) const { return router_.find(type); }
  const Router& router() const { return router_; }
  void set_wildcard(bool on) { router_.set_wildcard(on); }
  // Marks an event as seen (e.g. it came in a REST response); false if it was already seen. `raw` is the
  // id's JSON text, a string or a number; it is compared in canonical form (event_key.hpp).
  bool claim(int32_t route, ValueKind kind, std::string_view raw, int64_t now_ms);

  // Where the last frame's de-duplication key sits in that frame (kind missing when it had none), for
  // a host that explains verdicts (debug logs, devtools). Valid until the next frame.
  Capture last_key() const;

  State state() const { return state_; }
  int64_t last_event_id() const { return last_event_id_; }
  const Config& config() const { return config_; }
  Stats stats() const;

  // The transition graph (manager.cpp): transition() never takes an edge outside it.
  static bool transition_allowed(State from, State to);

 private:
  // Every timer of the core, in one table; a spurious or early wake-up is a no-op.
  enum Timer : uint8_t { kToken, kConnect, kBackoff, kStable, kClosing, kHeartbeat, kTyping, kTimerCount };

  // Picks the route and the paths to capture once the scanner has read a frame's type.
  struct FrameFilter final : TypeResolver {
    explicit FrameFilter(Manager& m) : manager(m) {}
    Resolution resolve(std::string_view type) override;
    Manager& manager;
  };

  void transition(State to, Reason reason, uint16_t close_code = 0, uint32_t delay_ms = 0);
  void start_attempt(int64_t now_ms, Reason reason);
  void link_lost(int64_t now_ms, Reason reason, uint16_t close_code, TokenReason next_token, uint32_t floor_ms, double draw,
                 bool server_answered = false);
  void fail(int64_t now_ms, const FailureVerdict& verdict, uint16_t close_code, uint32_t floor_ms, double draw);
  void count_auth_rejection();
  void finish(Reason reason, uint16_t close_code = 0);
  void drop_socket(bool abort, uint16_t code, std::string reason, bool keep_listening = false);
  bool current(uint32_t socket) const { return socket == socket_ && socket_live_; }
  bool stalled(Timer t, int64_t now_ms);
  void on_timer(Timer t, int64_t now_ms, double draw);
  void emit_error(ErrorCode code, uint32_t count, Reason reason = Reason::none);
  void emit_send(std::string frame, bool app_frame);
  void emit_resync(int64_t downtime_ms);

  // The steps of handle_frame, in order (the first one handle_unread_frame's too).
  bool received(int64_t now_ms, uint32_t socket, Decision& d);
  bool scan(std::string_view frame, Decision& d);
  bool apply_protocol(int64_t now_ms, std::string_view frame, Decision& d);
  bool validate(Decision& d);
  bool deduplicate(int64_t now_ms, std::string_view frame, Decision& d);
  Decision count(Decision d);

  Config config_;
  Router router_;
  FrameFilter filter_;
  FrameScanner scanner_;
  ScanResult scan_;  // reused for every frame
  int32_t last_route_ = -1;
  EventKeys keys_;
  DedupeWindow dedupe_;
  Outbox outbox_;
  Heartbeat heartbeat_;
  Typing typing_;
  uint32_t features_ = 0;
  Fifo<Action> actions_;
  Fifo<Event> events_;
  int64_t timers_[kTimerCount];
  uint8_t graced_ = 0;  // timers given one grace period after a late wake-up (bit per Timer)

  State state_ = State::idle;
  uint32_t socket_ = 0;             // the current attempt's number
  bool socket_live_ = false;        // the core still cares about socket_ (it may still report)
  bool awaiting_token_ = false;     // connecting: the token is being fetched, no socket yet
  uint32_t attempt_ = 0;            // retries since the link was last stable
  uint32_t auth_rejections_ = 0;    // consecutive known auth rejections
  TokenReason next_token_ = TokenReason::initial;
  bool online_ = true;
  bool ever_opened_ = false;
  bool resumed_from_ = false;       // resume_from() before the first open: that open is a re-open
  int64_t last_alive_ = 0;          // last frame received (or the open) on the current link
  int64_t down_since_ = 0;          // the old link's last sign of life (for resync)
  int64_t lost_at_ = 0;             // since when this session has had no link (for the backoff window)
  int32_t echo_route_ = -1;
  int32_t established_route_ = -1;
  int32_t typing_route_ = -1;
  int64_t last_event_id_ = 0;       // resume: the highest top-level event_id seen
  bool resync_pending_ = false;     // resume: re-opened; connection_established says whether replay covers the gap
  int64_t pending_downtime_ = 0;
  std::string ping_type_;           // the ping's decoded type, matched against echo's data.type
  Stats stats_;
};

}  // namespace numeneon::realtime
