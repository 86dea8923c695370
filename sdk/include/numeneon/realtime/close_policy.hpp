// What a failed or closed socket means for the session (see ../shared/PROTOCOL.md, "Other closes seen").
#pragma once

#include <cstdint>

#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

struct FailureVerdict {
  Reason reason;           // reported with the transition to backing_off
  TokenReason next_token;  // what the next token request says
  bool auth_rejection;     // known rejection: counts toward auth_failure_limit
  bool probe;              // cause unknown: ask the host for an HTTP auth probe, if it has one
};

// A close the client did not ask for. `opened`: whether the socket had reached `open`.
//   after open: 4001/4003 → auth rejection; 1000/1001 → server_closed (daphne's websocket_timeout sends
//   1000: reconnect); anything else (1006, 1011, ...) → connection_lost.
//   before open: 4001/4003 → auth rejection; anything else is a handshake failure of unknown cause.
FailureVerdict classify_close(uint16_t code, bool opened);

// A handshake that failed before `open`, with what the host knows about it.
//   HTTP 401/403 → auth rejection; other statuses → handshake_failed (server trouble, token is fine);
//   refused → connection_refused; unknown (a browser's 1006) → handshake_failed + fresh token + probe,
//   never an auth rejection by itself.
FailureVerdict classify_handshake_failure(HandshakeFailure what, uint16_t http_status);

}  // namespace numeneon::realtime
