// Stable numeric codes shared by the core, the bindings and the JS driver. js/src/codes.js is generated
// from this file (scripts/gen-codes.mjs) and carries its hash as the ABI number: a .wasm and a driver
// built from different versions of it refuse each other.
#pragma once

#include <cstdint>

namespace numeneon::realtime {

// Connection states. Numbers are part of the public contract.
enum class State : uint8_t {
  idle = 0,         // created, connect() not called yet
  connecting = 1,   // token requested / handshake in flight
  open = 2,         // socket open, frames flowing
  closing = 3,      // the client asked to close; waiting for the socket to go
  backing_off = 4,  // link lost; waiting for the next attempt
  closed = 5,       // terminal until connect() is called again
};

// Why a transition happened. Carried by every state-change event; grouped by the state it leads to.
enum class Reason : uint8_t {
  none = 0,
  // → connecting
  connect_requested = 1,   // connect() called
  retry = 11,              // backoff delay elapsed
  resumed = 15,            // host reported online / page visible: retry now
  // → open
  opened = 2,              // handshake completed
  // → backing_off (the link is lost; a retry is scheduled, or waits for the network)
  server_closed = 4,       // server sent a close (e.g. 1000 on daphne's websocket_timeout): reconnect
  connection_lost = 5,     // 1006 / 1011 / any other close after open, or a socket that can no longer send
  handshake_failed = 6,    // failed before open, cause unknown (what a browser sees for a 403 *and* a dead server)
  handshake_rejected = 7,  // failed before open with HTTP 401/403 known to the host
  auth_closed = 8,         // closed with 4001/4003 after open
  connect_timeout = 9,     // the handshake took longer than connect_timeout_ms
  heartbeat_timeout = 10,  // a ping went unanswered for heartbeat timeout_ms
  offline = 14,            // host reported the network offline: attempts paused
  connection_refused = 16, // failed before open, host knows nothing listens (server down)
  token_failed = 17,       // the token provider threw or took longer than token_timeout_ms: ask again later
  // → closing / closed
  client_closed = 3,       // close() called: stay down
  auth_failed = 12,        // terminal: evidence that the session is no longer valid
  gave_up = 13,            // terminal: max_attempts reached
  disposed = 18,           // terminal: abandon(), the host is going away
};

// Why the host is asked for a token. The host passes it to the app's token provider.
enum class TokenReason : uint8_t {
  initial = 0,             // first attempt of a session
  reconnect = 1,           // link dropped; a cached token is fine
  handshake_rejected = 2,  // server rejected the token: fetch a fresh one
  handshake_failed = 3,    // pre-open failure of unknown cause: fetch a fresh one to be safe
  auth_closed = 4,         // server closed with 4001/4003: fetch a fresh one
};

// What the token provider gave the host (handle_token).
enum class TokenOutcome : uint8_t {
  ready = 0,       // a token is in hand: the host opens the socket when asked (open_socket)
  no_session = 1,  // the provider says there is no valid session (null): terminal
  failed = 2,      // the provider threw or returned garbage: transient, back off and ask again
};

// What the host learned from a socket's error before it closed (handle_close).
enum class SocketError : uint8_t {
  none = 0,         // nothing beyond the close code (a browser's 1006: a 403 and a dead server look the same)
  http_status = 1,  // the host saw the HTTP answer to the upgrade (Node's ws: "Unexpected server response: 403")
  refused = 2,      // connection refused / DNS failure: nothing is listening
};

// Evidence about the session that the host gathered outside the socket (the optional HTTP auth probe).
enum class AuthEvidence : uint8_t {
  probe_unauthorized = 0,  // the probe answered 401/403: the token is bad
  probe_ok = 1,            // the probe answered 2xx: the socket failure was something else
};

// Why the host could not hand a frame over (handle_unread_frame).
enum class UnreadReason : uint8_t {
  binary = 0,     // a binary frame: the protocol is JSON text
  too_large = 1,  // larger than limits.max_frame_bytes (or the socket refused it for its size)
  no_memory = 2,  // the host could not get a buffer for it
};

// What ingest decided for one frame.
enum class Verdict : uint8_t {
  deliver = 0,       // hand it to the subscribers of `route`
  duplicate = 1,     // already seen inside the dedupe window
  unsubscribed = 2,  // known type nobody listens to (dropped before it was fully scanned)
  consumed = 3,      // the echo of the core's own heartbeat ping
  rejected = 4,      // bad input; `error` says why
  ignored = 5,       // not open (after close(), or from a socket the core has given up on)
};

// Error codes, for ingest rejections and error events. JS adds its own from 64 up.
enum class ErrorCode : uint8_t {
  none = 0,
  invalid_json = 1,
  not_object = 2,
  missing_type = 3,
  type_not_string = 4,
  frame_too_large = 5,
  too_deep = 6,
  invalid_payload = 7,   // a required field of a known type is missing or has the wrong kind
  unknown_type = 8,      // a type with no schema and no subscriber (and no wildcard)
  outbox_overflow = 9,   // send() while not open and the outbox is full
  not_connected = 10,    // send() after the session ended, or queued frames dropped when it ended
  binary_frame = 11,     // the protocol is JSON text
  duplicate_type = 12,   // two "type" members: which one routes is ambiguous
  out_of_memory = 13,    // the host could not buffer the frame
};

// Kinds a required field can demand.
enum class FieldKind : uint8_t { any = 0, string = 1, number = 2, object = 3, array = 4, boolean = 5 };

// What the core asks the host to do. Every action but probe_auth names its socket (an attempt number):
// the host reports what that socket did with the same number, and the core ignores stale numbers.
enum class ActionKind : uint8_t {
  request_token = 0,  // ask the token provider (`token_reason`), then report handle_token
  open_socket = 1,    // open the socket (token in hand, `resume_from` for the resume extension)
  close_socket = 2,   // close it politely with `close_code` and the reason, or drop it now (`abort`)
  send_frame = 3,     // write `payload`; if the socket cannot take it, report handle_send_failed
  probe_auth = 4,     // optional: check the token over HTTP and report AuthEvidence
};

enum class EventKind : uint8_t {
  state_changed = 0,
  resync = 1,          // link back after a gap: re-fetch over REST what may have been missed
  error = 2,
  typing_cleared = 3,  // a peer's typing indicator expired (its stop never came): `peer`
};

// What the server says it supports (connection_established's "features"), as bits.
enum class Feature : uint8_t { presence = 1, typing = 2, read_receipts = 4 };

enum class SendResult : uint8_t { sent = 0, queued = 1, dropped = 2 };

// The bindings' record: nrt_poll_action / nrt_poll_event write one action or event into these slots
// of a float64 array the host reads (every field is an integer that a double holds exactly).
enum class Slot : uint8_t {
  kind = 0,         // ActionKind / EventKind, -1 when there was nothing to poll
  socket = 1,       // action
  token_reason = 2, // request_token
  attempt = 3,      // request_token; state_changed
  resume_from = 4,  // open_socket
  close_code = 5,   // close_socket; state_changed
  abort = 6,        // close_socket: 1 = drop now
  app_frame = 7,    // send_frame: 1 = the app's frame
  payload_ptr = 8,  // send_frame / close_socket text (UTF-8, valid until the next poll); nrt_route_name ...
  payload_len = 9,
  from = 10,        // state_changed
  to = 11,
  reason = 12,      // state_changed; error not_connected
  delay_ms = 13,    // state_changed
  downtime_ms = 14, // resync
  error = 15,       // error
  count = 16,       // error
  peer = 17,        // typing_cleared: the peer's user id
};
constexpr uint32_t kSlots = 24;

// Options cross into the core as numbers, one record slot each (nrt_create; NaN = not given, keep the
// default). The JS names are derived from these: reconnect_initial_delay_ms is reconnect.initialDelayMs.
enum class Option : uint8_t {
  reconnect_initial_delay_ms = 0,
  reconnect_max_delay_ms = 1,
  reconnect_multiplier = 2,
  reconnect_growth_period_ms = 3,
  reconnect_jitter = 4,
  reconnect_min_delay_ms = 5,
  reconnect_rejection_delay_ms = 6,
  reconnect_max_attempts = 7,
  reconnect_stable_after_ms = 8,
  reconnect_token_timeout_ms = 9,
  reconnect_connect_timeout_ms = 10,
  reconnect_auth_failure_limit = 11,
  heartbeat_interval_ms = 12,
  heartbeat_timeout_ms = 13,
  dedupe_capacity = 14,
  dedupe_max_age_ms = 15,
  outbox_capacity = 16,
  limits_max_frame_bytes = 17,
  limits_max_depth = 18,
  resume = 19,  // 0 or 1
};
constexpr uint32_t kOptions = 20;

// Why the options were refused (the host words the message: it knows the names).
enum class OptionError : uint8_t {
  none = 0,
  not_integer = 1,      // the option takes whole numbers
  out_of_range = 2,     // outside [low, high]
  below_initial = 3,    // reconnect.maxDelayMs < reconnect.initialDelayMs
  above_max = 4,        // reconnect.minDelayMs > reconnect.maxDelayMs
  not_a_frame = 5,      // heartbeat.ping is not a JSON object with a string "type"
};

// When nrt_create refuses the options, it says why in these record slots.
enum class OptionErrorSlot : uint8_t { code = 0, option = 1, low = 2, high = 3, value = 4 };

// nrt_stats writes the counters into these slots of the same float64 array.
enum class StatSlot : uint8_t {
  frames_received = 0,
  frames_delivered = 1,
  duplicates = 2,
  unsubscribed = 3,
  rejected = 4,
  heartbeats = 5,
  ignored = 6,
  bytes_received = 7,
  frames_sent = 8,
  bytes_sent = 9,
  frames_queued = 10,
  frames_dropped = 11,
  connects = 12,
  reconnects = 13,
  auth_rejections = 14,
  state = 15,
};

// nrt_ingest's return value, packed into 32 bits:
//   verdict | error code | failing required field | "events queued" | route + 1 (0: no route)
namespace packed {
constexpr uint32_t kVerdictMask = 0x7;      // bits 0-2
constexpr uint32_t kErrorShift = 3;         // bits 3-7
constexpr uint32_t kErrorMask = 0x1F;
constexpr uint32_t kFieldShift = 8;         // bits 8-11; kNoField when none
constexpr uint32_t kFieldMask = 0xF;
constexpr uint32_t kNoField = 0xF;
constexpr uint32_t kEventsBit = 1u << 12;   // the frame queued events (e.g. a resync): poll them
constexpr uint32_t kRouteShift = 13;        // bits 13-31
}  // namespace packed

// Names, for tests and native tools (the JS driver has its own copy in the generated codes.js).
const char* to_string(State s);
const char* to_string(Reason r);
const char* to_string(TokenReason r);
const char* to_string(ErrorCode e);

}  // namespace numeneon::realtime
