// Close-code and handshake-failure policy, as a pure function.
#include "numeneon/realtime/close_policy.hpp"

namespace numeneon::realtime {

FailureVerdict classify_close(const SocketClose& c, bool opened) {
  if (c.code == 4001 || c.code == 4003) return {Reason::auth_closed, TokenReason::auth_closed, true, false};
  if (opened) {
    // 1000/1001: the server closed (daphne's websocket_timeout sends 1000); 1012/1013: it is restarting
    // or busy. All of them reconnect.
    if (c.code == 1000 || c.code == 1001 || c.code == 1012 || c.code == 1013)
      return {Reason::server_closed, TokenReason::reconnect, false, false};
    return {Reason::connection_lost, TokenReason::reconnect, false, false};
  }
  switch (c.error) {
    case SocketError::http_status:
      if (c.http_status == 401 || c.http_status == 403)
        return {Reason::handshake_rejected, TokenReason::handshake_rejected, true, false};
      return {Reason::handshake_failed, TokenReason::reconnect, false, false};
    case SocketError::refused: return {Reason::connection_refused, TokenReason::reconnect, false, false};
    case SocketError::none: break;
  }
  return {Reason::handshake_failed, TokenReason::handshake_failed, false, true};
}

}  // namespace numeneon::realtime
