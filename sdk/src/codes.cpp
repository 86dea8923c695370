// Names of the stable codes, for logs and error messages (JS keeps its own copy in codes.js).
#include "numeneon/realtime/codes.hpp"

namespace numeneon::realtime {

const char* to_string(State s) {
  switch (s) {
    case State::idle: return "idle";
    case State::connecting: return "connecting";
    case State::open: return "open";
    case State::closing: return "closing";
    case State::backing_off: return "backing_off";
    case State::closed: return "closed";
  }
  return "?";
}

const char* to_string(Reason r) {
  switch (r) {
    case Reason::none: return "none";
    case Reason::connect_requested: return "connect_requested";
    case Reason::opened: return "opened";
    case Reason::client_closed: return "client_closed";
    case Reason::server_closed: return "server_closed";
    case Reason::connection_lost: return "connection_lost";
    case Reason::handshake_failed: return "handshake_failed";
    case Reason::handshake_rejected: return "handshake_rejected";
    case Reason::auth_closed: return "auth_closed";
    case Reason::connect_timeout: return "connect_timeout";
    case Reason::heartbeat_timeout: return "heartbeat_timeout";
    case Reason::retry: return "retry";
    case Reason::auth_failed: return "auth_failed";
    case Reason::gave_up: return "gave_up";
    case Reason::offline: return "offline";
    case Reason::resumed: return "resumed";
    case Reason::connection_refused: return "connection_refused";
    case Reason::token_failed: return "token_failed";
    case Reason::disposed: return "disposed";
  }
  return "?";
}

const char* to_string(TokenReason r) {
  switch (r) {
    case TokenReason::initial: return "initial";
    case TokenReason::reconnect: return "reconnect";
    case TokenReason::handshake_rejected: return "handshake_rejected";
    case TokenReason::handshake_failed: return "handshake_failed";
    case TokenReason::auth_closed: return "auth_closed";
  }
  return "?";
}

const char* to_string(ErrorCode e) {
  switch (e) {
    case ErrorCode::none: return "none";
    case ErrorCode::invalid_json: return "invalid_json";
    case ErrorCode::not_object: return "not_object";
    case ErrorCode::missing_type: return "missing_type";
    case ErrorCode::type_not_string: return "type_not_string";
    case ErrorCode::frame_too_large: return "frame_too_large";
    case ErrorCode::too_deep: return "too_deep";
    case ErrorCode::invalid_payload: return "invalid_payload";
    case ErrorCode::unknown_type: return "unknown_type";
    case ErrorCode::outbox_overflow: return "outbox_overflow";
    case ErrorCode::not_connected: return "not_connected";
    case ErrorCode::binary_frame: return "binary_frame";
    case ErrorCode::duplicate_type: return "duplicate_type";
    case ErrorCode::out_of_memory: return "out_of_memory";
  }
  return "?";
}

}  // namespace numeneon::realtime
