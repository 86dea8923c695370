// Stable numeric codes shared by the core, the bindings and js/src/codes.js (keep them in step).
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

// Why a transition happened. Carried by every state-change event.
enum class Reason : uint8_t {
  none = 0,
  connect_requested = 1,   // connect() called
  opened = 2,              // handshake completed
  client_closed = 3,       // close() called: stay down
  server_closed = 4,       // server sent a close (e.g. 1000 on daphne's websocket_timeout): reconnect
  connection_lost = 5,     // 1006 / 1011 / any other close after open
  handshake_failed = 6,    // failed before open, cause unknown (what a browser sees for a 403 *and* a dead server)
  handshake_rejected = 7,  // failed before open with HTTP 401/403 known to the host
  auth_closed = 8,         // closed with 4001/4003 after open
  connect_timeout = 9,     // handshake took longer than connect_timeout_ms
  heartbeat_timeout = 10,  // nothing received within heartbeat interval + timeout
  retry = 11,              // backoff delay elapsed
  auth_failed = 12,        // terminal: evidence that the session is no longer valid
  gave_up = 13,            // terminal: max_attempts reached
  offline = 14,            // host reported the network offline: attempts paused
  resumed = 15,            // host reported online / page visible: retry now
  connection_refused = 16, // failed before open, host knows nothing listens (server down)
};

// Why the host is asked for a token. The host passes it to the app's token provider.
enum class TokenReason : uint8_t {
  initial = 0,             // first attempt of a session
  reconnect = 1,           // link dropped; a cached token is fine
  handshake_rejected = 2,  // server rejected the token: fetch a fresh one
  handshake_failed = 3,    // pre-open failure of unknown cause: fetch a fresh one to be safe
  auth_closed = 4,         // server closed with 4001/4003: fetch a fresh one
};

// What the host knows about a failure before `open`.
enum class HandshakeFailure : uint8_t {
  unknown = 0,   // a browser's 1006: a 403 and a dead server look the same
  http_status = 1,  // the host saw the HTTP response status (Node's ws: "Unexpected server response: 403")
  refused = 2,   // connection refused / DNS failure: nothing is listening
};

// Evidence about the session that the host gathered outside the socket.
enum class AuthEvidence : uint8_t {
  no_session = 0,         // token provider: no valid session (refresh answered 401, returned null, threw)
  probe_unauthorized = 1, // an HTTP probe with the token answered 401/403
  probe_ok = 2,           // the probe answered 2xx: the token is fine, the socket failure was something else
};

// What ingest decided for one frame.
enum class Verdict : uint8_t {
  deliver = 0,       // hand it to the subscribers of `route`
  duplicate = 1,     // already seen inside the dedupe window
  unsubscribed = 2,  // known type nobody listens to (dropped before it was fully scanned)
  consumed = 3,      // the echo of the core's own heartbeat ping
  rejected = 4,      // bad input; `error` says why
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
  not_connected = 10,    // send() after the session ended
};

// Kinds a required field can demand.
enum class FieldKind : uint8_t { any = 0, string = 1, number = 2, object = 3, array = 4, boolean = 5 };

// What the core asks the host to do.
enum class ActionKind : uint8_t {
  open_socket = 0,   // get a token (for `token_reason`) and open a socket
  close_socket = 1,  // close (or abort) the current socket with `close_code`
  send_frame = 2,    // write `payload` to the open socket
  probe_auth = 3,    // optional: check the token over HTTP and report AuthEvidence
};

enum class EventKind : uint8_t {
  state_changed = 0,
  resync = 1,   // link back after a gap: re-fetch over REST what may have been missed
  error = 2,
};

enum class SendResult : uint8_t { sent = 0, queued = 1, dropped = 2 };

const char* to_string(State s);
const char* to_string(Reason r);
const char* to_string(TokenReason r);
const char* to_string(ErrorCode e);

}  // namespace numeneon::realtime
