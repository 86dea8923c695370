// Stable codes, mirrored 1:1 from sdk/include/numeneon/realtime/codes.hpp (a test checks they agree).

export const STATES = ['idle', 'connecting', 'open', 'closing', 'backing_off', 'closed'];

export const REASONS = [
  'none', 'connect_requested', 'opened', 'client_closed', 'server_closed', 'connection_lost',
  'handshake_failed', 'handshake_rejected', 'auth_closed', 'connect_timeout', 'heartbeat_timeout',
  'retry', 'auth_failed', 'gave_up', 'offline', 'resumed', 'connection_refused',
];

export const TOKEN_REASONS = ['initial', 'reconnect', 'handshake_rejected', 'handshake_failed', 'auth_closed'];

// Core error codes (0-63), then the JS layer's own (64+).
export const ERROR_CODES = {
  0: 'none', 1: 'invalid_json', 2: 'not_object', 3: 'missing_type', 4: 'type_not_string',
  5: 'frame_too_large', 6: 'too_deep', 7: 'invalid_payload', 8: 'unknown_type', 9: 'outbox_overflow',
  10: 'not_connected',
  64: 'binary_frame', 65: 'handler_threw', 66: 'token_provider_failed', 67: 'socket_error',
};

export const Verdict = Object.freeze({ deliver: 0, duplicate: 1, unsubscribed: 2, consumed: 3, rejected: 4 });
export const ActionKind = Object.freeze({ openSocket: 0, closeSocket: 1, sendFrame: 2, probeAuth: 3 });
export const EventKind = Object.freeze({ stateChanged: 0, resync: 1, error: 2 });
export const HandshakeFailure = Object.freeze({ unknown: 0, httpStatus: 1, refused: 2 });
export const AuthEvidence = Object.freeze({ noSession: 0, probeUnauthorized: 1, probeOk: 2 });
export const SEND_RESULTS = ['sent', 'queued', 'dropped'];
