// Close-code and handshake-failure policy, as pure functions.
#include "numeneon/realtime/close_policy.hpp"

namespace numeneon::realtime {
namespace {
bool is_auth_close(uint16_t code) { return code == 4001 || code == 4003; }
}  // namespace

FailureVerdict classify_close(uint16_t code, bool opened) {
  if (is_auth_close(code)) return {Reason::auth_closed, TokenReason::auth_closed, true, false};
  if (!opened) return classify_handshake_failure(HandshakeFailure::unknown, 0);
  if (code == 1000 || code == 1001) return {Reason::server_closed, TokenReason::reconnect, false, false};
  return {Reason::connection_lost, TokenReason::reconnect, false, false};
}

FailureVerdict classify_handshake_failure(HandshakeFailure what, uint16_t http_status) {
  switch (what) {
    case HandshakeFailure::http_status:
      if (http_status == 401 || http_status == 403)
        return {Reason::handshake_rejected, TokenReason::handshake_rejected, true, false};
      return {Reason::handshake_failed, TokenReason::reconnect, false, false};
    case HandshakeFailure::refused: return {Reason::connection_refused, TokenReason::reconnect, false, false};
    case HandshakeFailure::unknown: break;
  }
  return {Reason::handshake_failed, TokenReason::handshake_failed, false, true};
}

}  // namespace numeneon::realtime
