// What a socket that ended without the client asking means for the session (docs/PROTOCOL.md, "Closes").
#pragma once

#include <cstdint>

#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

// What the host saw when a socket ended: the close code, plus what its error event said, if anything.
struct SocketClose {
  uint16_t code = 1006;
  SocketError error = SocketError::none;
  uint16_t http_status = 0;     // with SocketError::http_status
  uint32_t retry_after_ms = 0;  // the server's Retry-After, when the host could read one (HTTP 429/503)
};

struct FailureVerdict {
  Reason reason;           // reported with the transition to backing_off
  TokenReason next_token;  // what the next token request says
  bool auth_rejection;     // known rejection: counts toward auth_failure_limit
  bool probe;              // cause unknown: ask the host for an HTTP auth probe, if it has one
};

// `opened`: whether the socket had reached `open`.
//   4001/4003 (before or after open) → auth rejection, fresh token.
//   after open: 1000/1001/1012/1013 → server_closed (daphne's websocket_timeout sends 1000, a restarting
//     server 1012: reconnect);
//     anything else (1006, 1011, ...) → connection_lost.
//   before open: HTTP 401/403 → auth rejection; other statuses → handshake_failed (server trouble, the
//     token is fine); refused → connection_refused; nothing known (a browser's 1006) → handshake_failed
//     + fresh token + probe, never an auth rejection by itself.
FailureVerdict classify_close(const SocketClose& close, bool opened);

}  // namespace numeneon::realtime
