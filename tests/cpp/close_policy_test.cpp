#include "numeneon/realtime/close_policy.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

struct CloseRow {
  uint16_t code;
  bool opened;
  Reason reason;
  TokenReason token;
  bool auth;
  bool probe;
};

// One row per situation of docs/PROTOCOL.md ("Closes").
TEST(ClosePolicy, EveryRowOfTheProtocolTable) {
  const CloseRow rows[] = {
      {1006, true, Reason::connection_lost, TokenReason::reconnect, false, false},      // server killed
      {1011, true, Reason::connection_lost, TokenReason::reconnect, false, false},      // binary frame
      {1000, true, Reason::server_closed, TokenReason::reconnect, false, false},        // websocket_timeout
      {1001, true, Reason::server_closed, TokenReason::reconnect, false, false},        // going away
      {1012, true, Reason::server_closed, TokenReason::reconnect, false, false},        // graceful restart
      {4001, true, Reason::auth_closed, TokenReason::auth_closed, true, false},         // accept then 4001
      {4003, true, Reason::auth_closed, TokenReason::auth_closed, true, false},
      {4001, false, Reason::auth_closed, TokenReason::auth_closed, true, false},
      {1006, false, Reason::handshake_failed, TokenReason::handshake_failed, false, true},  // 403 or server down
      {1000, false, Reason::handshake_failed, TokenReason::handshake_failed, false, true},
  };
  for (const CloseRow& r : rows) {
    FailureVerdict v = classify_close({r.code}, r.opened);
    EXPECT_EQ(v.reason, r.reason) << r.code << " opened=" << r.opened;
    EXPECT_EQ(v.next_token, r.token) << r.code;
    EXPECT_EQ(v.auth_rejection, r.auth) << r.code;
    EXPECT_EQ(v.probe, r.probe) << r.code;
  }
}

TEST(ClosePolicy, KnownHttpRejectionIsAnAuthRejection) {
  for (uint16_t status : {401, 403}) {
    FailureVerdict v = classify_close({1006, SocketError::http_status, status}, false);
    EXPECT_TRUE(v.auth_rejection);
    EXPECT_EQ(v.reason, Reason::handshake_rejected);
    EXPECT_EQ(v.next_token, TokenReason::handshake_rejected);
  }
}

TEST(ClosePolicy, OtherHttpStatusesAndRefusalsAreServerTroubleNotAuth) {
  for (uint16_t status : {404, 500, 502, 503}) {
    FailureVerdict v = classify_close({1006, SocketError::http_status, status}, false);
    EXPECT_FALSE(v.auth_rejection) << status;
    EXPECT_EQ(v.next_token, TokenReason::reconnect);
  }
  FailureVerdict refused = classify_close({1006, SocketError::refused}, false);
  EXPECT_FALSE(refused.auth_rejection);
  EXPECT_FALSE(refused.probe);
  EXPECT_EQ(refused.reason, Reason::connection_refused);
}

TEST(ClosePolicy, UnknownPreOpenFailureAsksForAFreshTokenAndAProbeButIsNeverAuthByItself) {
  FailureVerdict v = classify_close({1006}, false);
  EXPECT_FALSE(v.auth_rejection);
  EXPECT_TRUE(v.probe);
  EXPECT_EQ(v.next_token, TokenReason::handshake_failed);
}

}  // namespace
}  // namespace numeneon::realtime
