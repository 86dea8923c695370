#include "numeneon/realtime/manager.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "../../sdk/src/hash.hpp"
#include "fake_host.hpp"

// Counts heap allocations so a test can prove the per-frame path makes none.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"  // malloc/free behind new/delete is the point
#endif
namespace {
size_t g_allocations = 0;
}  // namespace
void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  std::abort();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace numeneon::realtime {
namespace {

using testing::FakeHost;
using testing::new_message;

Config quiet() {  // no heartbeat, so only the timers under test fire; the seed's 1 s first delay
  Config c;
  c.heartbeat.interval_ms = 0;
  c.reconnect.initial_delay_ms = 1000;
  return c;
}

void subscribe(FakeHost& h, const char* type) { h.subscribe(type); }

// ---------------------------------------------------------------- transitions

TEST(Manager, ConnectAsksForATokenThenForASocket) {
  FakeHost h(quiet());
  h.auto_token = false;
  h.connect();
  ASSERT_EQ(h.actions.size(), 1u);
  EXPECT_EQ(h.actions[0].kind, ActionKind::request_token);
  EXPECT_EQ(h.actions[0].token_reason, TokenReason::initial);
  Event e = h.last_transition();
  EXPECT_EQ(e.from, State::idle);
  EXPECT_EQ(e.to, State::connecting);
  EXPECT_EQ(e.reason, Reason::connect_requested);
  EXPECT_EQ(h.core.next_deadline(), 30000);  // token timeout
  h.now = 400;
  h.token(TokenOutcome::ready);
  ASSERT_EQ(h.actions.size(), 2u);
  EXPECT_EQ(h.actions[1].kind, ActionKind::open_socket);
  EXPECT_EQ(h.actions[1].socket, h.actions[0].socket);
  EXPECT_EQ(h.core.next_deadline(), 10400);  // connect timeout, from the token on
}

// A token provider slower than the connect timeout must still connect: the handshake's timer starts
// when the token is in hand.
TEST(Manager, ASlowTokenProviderIsNotCutShortByTheConnectTimeout) {
  FakeHost h(quiet());
  h.auto_token = false;
  h.connect();
  h.advance(15000);
  EXPECT_EQ(h.core.state(), State::connecting);
  h.token(TokenOutcome::ready);
  h.advance(9000);
  h.open();
  EXPECT_EQ(h.core.state(), State::open);
}

TEST(Manager, ATokenProviderThatHangsIsATransientFailure) {
  FakeHost h(quiet());
  h.auto_token = false;
  h.connect();
  uint32_t first = h.socket;
  h.advance(30000);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::token_failed);
  h.core.handle_token(h.now, first, TokenOutcome::ready, 0.5);  // the late answer is stale
  h.drain();
  EXPECT_EQ(h.count(ActionKind::open_socket), 0u);
  h.advance_to(h.core.next_deadline());
  EXPECT_EQ(h.count(ActionKind::request_token), 2u);
  EXPECT_NE(h.socket, first);
}

// A throwing provider (its refresh fetch failed: the server is down) must not sign anyone out.
TEST(Manager, ATokenProviderThatFailsIsRetriedEveryOtherAttemptNeverEndingTheSession) {
  FakeHost h(quiet());
  h.connect();
  h.handshake_unknown();  // a browser's 1006 before open: the next attempt asks for a fresh token
  h.auto_token = false;
  for (int i = 0; i < 10; ++i) {
    // A fresh token is asked for; the provider cannot refresh (its server is down too)...
    h.advance_to(h.core.next_deadline());
    ASSERT_EQ(h.core.state(), State::connecting);
    EXPECT_EQ(h.last_token_request().token_reason, TokenReason::handshake_failed) << i;
    h.token(TokenOutcome::failed);
    ASSERT_EQ(h.core.state(), State::backing_off);
    EXPECT_EQ(h.last_transition().reason, Reason::token_failed);
    // ...so the next attempt goes with the token it has, and only its failure asks for a fresh one again.
    h.advance_to(h.core.next_deadline());
    EXPECT_EQ(h.last_token_request().token_reason, TokenReason::reconnect) << i;
    h.token(TokenOutcome::ready);
    h.handshake_unknown();
  }
  h.advance_to(h.core.next_deadline());
  h.token(TokenOutcome::ready);
  h.open();
  EXPECT_EQ(h.core.state(), State::open);
  EXPECT_EQ(h.core.stats().auth_rejections, 0u);
}

TEST(Manager, AfterARejectionAFailingProviderIsAskedForAFreshTokenEveryTime) {
  FakeHost h(quiet());
  h.connect();
  h.handshake_http(403);
  h.auto_token = false;
  for (int i = 0; i < 3; ++i) {
    h.advance_to(h.core.next_deadline());
    EXPECT_EQ(h.last_token_request().token_reason, TokenReason::handshake_rejected) << i;
    h.token(TokenOutcome::failed);
  }
  EXPECT_EQ(h.core.state(), State::backing_off) << "never auth_failed on the provider's failures alone";
}

TEST(Manager, OpenReportsTheTransitionAndNoResyncTheFirstTime) {
  FakeHost h(quiet());
  h.connect();
  h.now = 40;
  h.open();
  EXPECT_EQ(h.core.state(), State::open);
  EXPECT_EQ(h.last_transition().reason, Reason::opened);
  EXPECT_TRUE(h.of_kind(EventKind::resync).empty());
}

TEST(Manager, TheSeedScenarioDropReconnectWithBackoffThenResync) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.now = 60000;
  h.server_close(1006);
  Event down = h.last_transition();
  EXPECT_EQ(down.to, State::backing_off);
  EXPECT_EQ(down.reason, Reason::connection_lost);
  EXPECT_EQ(down.close_code, 1006);
  EXPECT_EQ(down.attempt, 1u);
  EXPECT_GE(down.delay_ms, 100u);
  EXPECT_LE(down.delay_ms, 1000u);
  EXPECT_EQ(h.core.next_deadline(), 60000 + down.delay_ms);

  h.advance_to(60000 + down.delay_ms);
  EXPECT_EQ(h.core.state(), State::connecting);
  EXPECT_EQ(h.last_transition().reason, Reason::retry);
  EXPECT_EQ(h.last_token_request().token_reason, TokenReason::reconnect);
  h.now += 30;
  h.open();
  auto resync = h.of_kind(EventKind::resync);
  ASSERT_EQ(resync.size(), 1u);
  EXPECT_EQ(resync[0].downtime_ms, 60000 + down.delay_ms + 30) << "since the last sign of life: the open at 0";
  EXPECT_EQ(h.core.stats().reconnects, 1u);
}

TEST(Manager, EveryTransitionEmitsOneEventWithFromAndTo) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.server_close(1006);
  h.advance(2000);
  h.open();
  h.core.close(h.now, 1000, "");
  h.drain();
  h.server_close(1000);
  std::vector<std::pair<State, State>> seen;
  for (const Event& e : h.of_kind(EventKind::state_changed)) seen.emplace_back(e.from, e.to);
  std::vector<std::pair<State, State>> want = {{State::idle, State::connecting},    {State::connecting, State::open},
                                               {State::open, State::backing_off},   {State::backing_off, State::connecting},
                                               {State::connecting, State::open},    {State::open, State::closing},
                                               {State::closing, State::closed}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(h.last_transition().reason, Reason::client_closed);
}

TEST(Manager, ClientCloseStaysDown) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.core.close(h.now, 1000, "");
  h.drain();
  ASSERT_EQ(h.count(ActionKind::close_socket), 1u);
  EXPECT_EQ(h.take_actions(ActionKind::close_socket)[0].close_code, 1000);
  h.server_close(1000);
  EXPECT_EQ(h.core.state(), State::closed);
  h.advance(3600000);
  EXPECT_EQ(h.count(ActionKind::request_token), 1u);
  EXPECT_EQ(h.core.next_deadline(), kNever);
}

TEST(Manager, ClientCloseWhileBackingOffCancelsTheRetry) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.server_close(1006);
  h.core.close(h.now, 1000, "");
  h.drain();
  EXPECT_EQ(h.core.state(), State::closed);
  h.advance(60000);
  EXPECT_EQ(h.count(ActionKind::request_token), 1u);
}

TEST(Manager, ClosingGivesUpWaitingForTheSocketAfterATimeout) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.core.close(h.now, 1000, "");
  h.drain();
  h.advance(5000);
  EXPECT_EQ(h.core.state(), State::closed);
}

TEST(Manager, ServerCloseCodesReconnect) {
  for (uint16_t code : {1000, 1001, 1006, 1011, 1012, 4000}) {
    FakeHost h(quiet());
    h.connect();
    h.open();
    h.server_close(code);
    EXPECT_EQ(h.core.state(), State::backing_off) << code;
    EXPECT_EQ(h.last_transition().reason, code <= 1001 || code == 1012 ? Reason::server_closed : Reason::connection_lost) << code;
    h.advance(1000);
    EXPECT_EQ(h.count(ActionKind::request_token), 2u) << code;
  }
}

TEST(Manager, StaleInputsAreNoOps) {
  FakeHost h(quiet());
  h.open();                // not connecting
  h.server_close(1006);    // nothing open
  h.core.handle_timeout(123, 0.5);
  h.drain();
  EXPECT_TRUE(h.events.empty());
  EXPECT_TRUE(h.actions.empty());
  h.connect();
  h.connect();  // idempotent
  EXPECT_EQ(h.count(ActionKind::request_token), 1u);
}

// ---------------------------------------------------------------- backoff, attempts, timeouts

TEST(Manager, MaxAttemptsGivesUpLikeTheSeed) {
  Config c = quiet();
  c.reconnect.max_attempts = 5;
  FakeHost h(c);
  h.connect();
  h.open();
  h.server_close(1006);
  for (int i = 0; i < 10 && h.core.state() != State::closed; ++i) {
    h.advance_to(h.core.next_deadline());
    h.handshake_unknown();
  }
  EXPECT_EQ(h.core.state(), State::closed);
  EXPECT_EQ(h.last_transition().reason, Reason::gave_up);
  EXPECT_EQ(h.count(ActionKind::request_token), 6u);  // the first connect + 5 retries
}

TEST(Manager, AttemptCounterResetsOnlyAfterTheLinkStayedOpenLongEnough) {
  FakeHost h(quiet());
  h.opened();
  h.server_close(1006);
  EXPECT_EQ(h.last_transition().attempt, 1u);
  h.advance_to(h.core.next_deadline());
  h.open();
  h.advance(4999);  // not yet stable
  h.server_close(1006);
  EXPECT_EQ(h.last_transition().attempt, 2u);
  h.advance_to(h.core.next_deadline());
  h.open();
  h.advance(5000);  // stable
  h.server_close(1006);
  EXPECT_EQ(h.last_transition().attempt, 1u);
}

// The window grows with the time the link has been down, not with the attempts: after two quick
// refusals the third wait is drawn from the same short window (it used to double to 10 s).
TEST(Manager, RetriesInAShortOutageStayQuickWhateverTheirNumber) {
  Config c;
  c.heartbeat.interval_ms = 0;
  FakeHost h(c);
  h.opened();
  h.server_close(1006);
  for (int i = 0; i < 6; ++i) {
    EXPECT_LE(h.last_transition().delay_ms, 2100u) << i;
    h.advance_to(h.core.next_deadline());
    h.refused();
  }
  EXPECT_LT(h.now, 15000);
}

TEST(Manager, ConnectTimeoutAbortsAHangingHandshake) {
  FakeHost h(quiet());
  h.connect();
  h.advance(9999);
  EXPECT_EQ(h.core.state(), State::connecting);
  h.advance(1);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::connect_timeout);
  ASSERT_EQ(h.count(ActionKind::close_socket), 1u);
  EXPECT_EQ(h.take_actions(ActionKind::close_socket)[0].close_code, 4000);
}

TEST(Manager, JitteredDelaysFollowTheDraw) {
  FakeHost lo(quiet()), hi(quiet());
  lo.draw = 0.0;
  hi.draw = 0.9;
  for (FakeHost* h : {&lo, &hi}) {
    h->connect();
    h->open();
    h->server_close(1006);
  }
  EXPECT_EQ(lo.last_transition().delay_ms, 1000u);
  EXPECT_EQ(hi.last_transition().delay_ms, 550u);  // 1000 - (1000 - 500) * 0.9: half the window is jitter
}

TEST(Manager, OfflinePausesRetriesAndOnlineRetriesAtOnce) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.server_close(1006);
  h.core.handle_network(h.now, false);
  h.drain();
  EXPECT_EQ(h.last_transition().reason, Reason::offline);
  EXPECT_EQ(h.core.next_deadline(), kNever);
  h.advance(600000);
  EXPECT_EQ(h.count(ActionKind::request_token), 1u);  // no attempt burnt while offline
  h.core.handle_network(h.now, true);
  h.drain();
  EXPECT_EQ(h.core.state(), State::connecting);
  EXPECT_EQ(h.last_transition().reason, Reason::resumed);
}

TEST(Manager, DropWhileOfflineWaitsForTheNetwork) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.core.handle_network(h.now, false);
  h.server_close(1006);
  EXPECT_EQ(h.last_transition().reason, Reason::offline);
  EXPECT_EQ(h.core.next_deadline(), kNever);
}

TEST(Manager, WakeRetriesNowInsteadOfWaitingOutTheDelay) {
  Config c = quiet();
  c.reconnect.jitter = 0;
  FakeHost h(c);
  h.connect();
  h.open();
  for (int i = 0; i < 4; ++i) {
    h.server_close(1006);
    h.advance_to(h.core.next_deadline());
  }
  h.handshake_unknown();
  ASSERT_EQ(h.core.state(), State::backing_off);
  h.core.handle_wake(h.now + 10);
  h.drain();
  EXPECT_EQ(h.core.state(), State::connecting);
}

// ---------------------------------------------------------------- auth

TEST(Manager, KnownAuthRejectionAsksForAFreshTokenThenEndsWithinTheLimit) {
  FakeHost h(quiet());
  h.connect();
  h.handshake_http(403);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::handshake_rejected);
  EXPECT_LE(h.last_transition().delay_ms, 250u) << "the server answers: only the fresh token is missing";
  h.advance_to(h.core.next_deadline());
  EXPECT_EQ(h.last_token_request().token_reason, TokenReason::handshake_rejected);
  h.handshake_http(403);
  EXPECT_EQ(h.core.state(), State::closed);
  EXPECT_EQ(h.last_transition().reason, Reason::auth_failed);
  EXPECT_EQ(h.count(ActionKind::request_token), 2u);  // exactly auth_failure_limit handshakes
  h.advance(3600000);
  EXPECT_EQ(h.count(ActionKind::request_token), 2u);
  EXPECT_EQ(h.core.stats().auth_rejections, 2u);
}

TEST(Manager, AFreshTokenThatWorksClearsTheRejection) {
  FakeHost h(quiet());
  h.connect();
  h.handshake_http(401);
  h.advance_to(h.core.next_deadline());
  h.open();
  h.advance(5000);  // stable
  h.server_close(1006);
  h.advance_to(h.core.next_deadline());
  h.handshake_http(403);
  EXPECT_EQ(h.core.state(), State::backing_off);  // one rejection since the link was stable, not two
}

TEST(Manager, AuthCloseAfterAcceptCountsAsRejection) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.server_close(4001);
  EXPECT_EQ(h.last_transition().reason, Reason::auth_closed);
  h.advance_to(h.core.next_deadline());
  EXPECT_EQ(h.last_token_request().token_reason, TokenReason::auth_closed);
  h.open();  // accepted, then closed again at once: no storm
  h.server_close(4003);
  EXPECT_EQ(h.core.state(), State::closed);
  EXPECT_EQ(h.last_transition().reason, Reason::auth_failed);
}

TEST(Manager, AServerDownForMinutesNeverEndsTheSessionAndReconnectsWhenBack) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.server_close(1006);
  int attempts = 0;
  while (h.now < 10 * 60 * 1000) {
    h.advance_to(h.core.next_deadline());
    ASSERT_EQ(h.core.state(), State::connecting);
    if (attempts > 0) {  // after a 1006 of unknown cause the token may be stale: ask for a fresh one
      ASSERT_EQ(h.last_token_request().token_reason, attempts % 2 ? TokenReason::reconnect : TokenReason::handshake_failed);
    }
    if (attempts++ % 2) h.handshake_unknown();  // a browser's 1006: could be a 403, could be a dead server
    else h.refused();
    ASSERT_EQ(h.core.state(), State::backing_off);
    ASSERT_LE(h.last_transition().delay_ms, 10000u);
  }
  EXPECT_GT(attempts, 55);  // ~10 min at <= 10 s apart
  EXPECT_EQ(h.core.stats().auth_rejections, 0u);
  EXPECT_GT(h.count(ActionKind::probe_auth), 0u);
  h.advance_to(h.core.next_deadline());
  h.open();
  EXPECT_EQ(h.core.state(), State::open);
  ASSERT_EQ(h.of_kind(EventKind::resync).size(), 1u);
  EXPECT_GE(h.of_kind(EventKind::resync)[0].downtime_ms, 10 * 60 * 1000);
}

TEST(Manager, ProbeAnswering401IsEvidenceAndEndsTheSessionWithinTheLimit) {
  FakeHost h(quiet());
  h.connect();
  h.handshake_unknown();
  ASSERT_EQ(h.count(ActionKind::probe_auth), 1u);
  h.core.handle_auth_evidence(h.now, AuthEvidence::probe_unauthorized, 0.5);
  h.drain();
  EXPECT_EQ(h.core.state(), State::backing_off);
  h.advance_to(h.core.next_deadline());
  EXPECT_EQ(h.last_token_request().token_reason, TokenReason::handshake_rejected);
  h.handshake_unknown();
  h.core.handle_auth_evidence(h.now, AuthEvidence::probe_unauthorized, 0.5);
  h.drain();
  EXPECT_EQ(h.core.state(), State::closed);
  EXPECT_EQ(h.last_transition().reason, Reason::auth_failed);
}

TEST(Manager, ProbeOkKeepsRetrying) {
  FakeHost h(quiet());
  h.connect();
  for (int i = 0; i < 5; ++i) {
    h.handshake_unknown();
    h.core.handle_auth_evidence(h.now, AuthEvidence::probe_ok, 0.5);
    h.drain();
    h.advance_to(h.core.next_deadline());
  }
  EXPECT_EQ(h.core.state(), State::connecting);
}

TEST(Manager, NoSessionFromTheTokenProviderEndsAtOnce) {
  for (bool after_a_drop : {false, true}) {
    FakeHost h(quiet());
    h.auto_token = false;
    h.connect();
    if (after_a_drop) {
      h.token(TokenOutcome::ready);
      h.open();
      h.server_close(1006);
      h.advance_to(h.core.next_deadline());
    }
    h.token(TokenOutcome::no_session);
    EXPECT_EQ(h.core.state(), State::closed);
    EXPECT_EQ(h.last_transition().reason, Reason::auth_failed);
    EXPECT_EQ(h.count(ActionKind::close_socket), 0u) << "no socket was opened for that attempt";
    h.advance(3600000);
    EXPECT_EQ(h.count(ActionKind::request_token), after_a_drop ? 2u : 1u);
  }
}

// ---------------------------------------------------------------- heartbeat

TEST(Manager, HeartbeatDetectsASilentPeer) {
  FakeHost h;  // default heartbeat: 25 s + 10 s
  h.connect();
  h.open();
  h.advance(25000);
  auto sent = h.take_actions(ActionKind::send_frame);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].payload, R"({"type":"ping"})");
  h.advance(9999);
  EXPECT_EQ(h.core.state(), State::open);
  h.advance(1);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::heartbeat_timeout);
  EXPECT_EQ(h.take_actions(ActionKind::close_socket).at(0).close_code, 4000);
}

TEST(Manager, EchoOfOurPingIsConsumedAndKeepsTheLinkUp) {
  FakeHost h;
  subscribe(h, "echo");
  h.connect();
  h.open();
  for (int round = 0; round < 5; ++round) {
    h.advance(25000);
    h.now += 3;
    EXPECT_EQ(h.frame(R"({"type":"echo","data":{"type":"ping"}})").verdict, Verdict::consumed);
  }
  EXPECT_EQ(h.core.state(), State::open);
  EXPECT_EQ(h.core.stats().heartbeats, 5u);
  // The echo of an app frame is delivered to the app's echo subscribers.
  EXPECT_EQ(h.frame(R"({"type":"echo","data":{"type":"hello"}})").verdict, Verdict::deliver);
}

TEST(Manager, EchoOfPingIsConsumedEvenWithoutEchoSubscribers) {
  FakeHost h;
  h.connect();
  h.open();
  h.advance(25000);
  EXPECT_EQ(h.frame(R"({"type":"echo","data":{"type":"ping"}})").verdict, Verdict::consumed);
  EXPECT_EQ(h.frame(R"({"type":"echo","data":{"type":"ping"}})").verdict, Verdict::unsubscribed);
}

TEST(Manager, TrafficPostponesThePing) {
  FakeHost h;
  h.connect();
  h.open();
  for (int i = 0; i < 10; ++i) {
    h.advance(20000);
    h.frame(new_message(i));
  }
  EXPECT_EQ(h.count(ActionKind::send_frame), 0u);
  EXPECT_EQ(h.core.state(), State::open);
}

// ---------------------------------------------------------------- frames

TEST(Manager, RoutesSubscribedTypesAndDropsTheRestCheaply) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  h.connect();
  h.open();
  Decision d = h.frame(new_message(1));
  EXPECT_EQ(d.verdict, Verdict::deliver);
  EXPECT_EQ(d.route, h.core.find_route("new_message"));
  EXPECT_EQ(h.frame(R"({"type":"friend_request","data":{"request_id":1,"from_user":{}}})").verdict, Verdict::unsubscribed);
  Decision unknown = h.frame(R"({"type":"surprise","data":{}})");
  EXPECT_EQ(unknown.verdict, Verdict::rejected);
  EXPECT_EQ(unknown.error, ErrorCode::unknown_type);
}

TEST(Manager, WildcardReceivesEveryTypeIncludingUnregisteredOnes) {
  FakeHost h(quiet());
  h.opened();
  h.core.set_wildcard(true);
  Decision d = h.frame(R"({"type":"surprise","data":{}})");
  EXPECT_EQ(d.verdict, Verdict::deliver);
  EXPECT_EQ(d.route, -1);
  EXPECT_EQ(h.frame(new_message(1)).verdict, Verdict::deliver);
}

TEST(Manager, RequiredFieldsAreEnforcedPerType) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "friend_request");
  subscribe(h, "new_message");
  Decision d = h.frame(R"({"type":"friend_request","data":{"request_id":"7","from_user":{}}})");
  EXPECT_EQ(d.verdict, Verdict::rejected);
  EXPECT_EQ(d.error, ErrorCode::invalid_payload);
  EXPECT_EQ(h.core.router().route(d.route).spec.required[d.field].path, "data.request_id");
  d = h.frame(R"({"type":"new_message","data":{"id":3,"sender":{"id":1}}})");
  EXPECT_EQ(d.error, ErrorCode::invalid_payload);
  EXPECT_EQ(h.core.router().route(d.route).spec.required[d.field].path, "data.content");
  EXPECT_EQ(h.frame(R"({"type":"friend_request","data":{"request_id":7,"from_user":{"id":2}}})").verdict,
            Verdict::deliver);
}

TEST(Manager, AppTypesRegisterTheirOwnSchemaAndKey) {
  FakeHost h(quiet());
  h.opened();
  std::string err;
  ASSERT_GE(h.core.register_type({"typing", {{"data.user", FieldKind::string}}, "data.seq", false}, err), 0) << err;
  h.core.subscribe("typing", err);
  EXPECT_EQ(h.frame(R"({"type":"typing","data":{"user":"a","seq":1}})").verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(R"({"type":"typing","data":{"user":"a","seq":1}})").verdict, Verdict::duplicate);
  EXPECT_EQ(h.frame(R"({"type":"typing","data":{"seq":2}})").error, ErrorCode::invalid_payload);
}

TEST(Manager, DuplicatesAreDroppedAcrossAReconnect) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  h.connect();
  h.open();
  EXPECT_EQ(h.frame(new_message(41)).verdict, Verdict::deliver);
  h.server_close(1006);
  h.advance(1000);
  h.open();
  EXPECT_EQ(h.frame(new_message(41)).verdict, Verdict::duplicate);
  EXPECT_EQ(h.frame(new_message(42)).verdict, Verdict::deliver);
  EXPECT_EQ(h.core.stats().duplicates, 1u);
}

TEST(Manager, KeysArePerTypeAndIdsOfDifferentTypesDoNotCollide) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "new_message");
  subscribe(h, "new_post");
  EXPECT_EQ(h.frame(new_message(5)).verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(R"({"type":"new_post","data":{"id":5,"author":{"id":1}}})").verdict, Verdict::deliver);
}

TEST(Manager, SmallIdsOfDifferentTypesNeverShareAKey) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "new_message");
  subscribe(h, "friend_request");
  for (int id = 1; id <= 300; ++id) ASSERT_EQ(h.frame(new_message(id)).verdict, Verdict::deliver) << id;
  for (int id = 1; id <= 300; ++id) {
    std::string fr = R"({"type":"friend_request","data":{"request_id":)" + std::to_string(id) + R"(,"from_user":{}}})";
    ASSERT_EQ(h.frame(fr).verdict, Verdict::deliver) << id;
  }
  int32_t fr = h.core.find_route("friend_request");
  for (int id = 301; id <= 600; ++id) EXPECT_TRUE(h.core.claim(fr, ValueKind::number, std::to_string(id), h.now)) << id;
}

TEST(Manager, ClaimLetsTheRestResultAndTheFrameInsertOnceInEitherOrder) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "new_message");
  int32_t route = h.core.find_route("new_message");
  // The REST response came first: the frame is then a duplicate.
  EXPECT_TRUE(h.core.claim(route, ValueKind::number, "100", h.now));
  EXPECT_EQ(h.frame(new_message(100)).verdict, Verdict::duplicate);
  // The frame came first: the REST result's claim says "already have it".
  EXPECT_EQ(h.frame(new_message(101)).verdict, Verdict::deliver);
  EXPECT_FALSE(h.core.claim(route, ValueKind::number, "101", h.now));
}

TEST(Manager, DedupeWindowEvictsByCountAndByAge) {
  Config c = quiet();
  c.dedupe.capacity = 3;
  c.dedupe.max_age_ms = 60000;
  FakeHost h(c);
  h.opened();
  subscribe(h, "new_message");
  for (int id = 1; id <= 4; ++id) EXPECT_EQ(h.frame(new_message(id)).verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(new_message(1)).verdict, Verdict::deliver);  // evicted by count
  EXPECT_EQ(h.frame(new_message(4)).verdict, Verdict::duplicate);
  h.now += 60001;
  EXPECT_EQ(h.frame(new_message(4)).verdict, Verdict::deliver);  // evicted by age
}

TEST(Manager, ContentHashFallbackForTypesWithoutAKey) {
  FakeHost h(quiet());
  h.opened();
  std::string err;
  ASSERT_GE(h.core.register_type({"presence", {}, "", true}, err), 0) << err;
  h.core.subscribe("presence", err);
  EXPECT_EQ(h.frame(R"({"type":"presence","data":{"u":1}})").verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(R"({"type":"presence","data":{"u":1}})").verdict, Verdict::duplicate);
  EXPECT_EQ(h.frame(R"({"type":"presence","data":{"u":2}})").verdict, Verdict::deliver);
}

TEST(Manager, EveryMalformedClassIsRejectedAndTheCoreKeepsWorking) {
  Config c = quiet();
  c.limits.max_frame_bytes = 1u << 20;
  FakeHost h(c);
  subscribe(h, "new_message");
  h.connect();
  h.open();
  struct Row {
    std::string frame;
    ErrorCode error;
  };
  std::vector<Row> rows = {
      {"{not json", ErrorCode::invalid_json},
      {"[1,2,3]", ErrorCode::not_object},
      {R"({"data":{}})", ErrorCode::missing_type},
      {R"({"type":7})", ErrorCode::type_not_string},
      {R"({"type":"new_message","data":)" + std::string(2u << 20, ' ') + "1}", ErrorCode::frame_too_large},
      {R"({"type":"new_message","data":)" + std::string(100000, '[') + std::string(100000, ']') + "}", ErrorCode::too_deep},
      {R"({"type":"new_message","data":{"id":"x"}})", ErrorCode::invalid_payload},
  };
  int id = 0;
  for (const Row& row : rows) {
    Decision d = h.frame(row.frame);
    EXPECT_EQ(d.verdict, Verdict::rejected);
    EXPECT_EQ(d.error, row.error) << to_string(row.error);
    EXPECT_EQ(h.core.state(), State::open);
    EXPECT_EQ(h.frame(new_message(++id)).verdict, Verdict::deliver) << "after " << to_string(row.error);
  }
  EXPECT_EQ(h.core.stats().rejected, rows.size());
  EXPECT_EQ(h.core.stats().frames_delivered, rows.size());
}

TEST(Manager, SteadyStateIngestAllocatesNothing) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  subscribe(h, "friend_request");
  h.connect();
  h.open();
  std::vector<std::string> frames;
  for (int i = 0; i < 3000; ++i) frames.push_back(new_message(i % 2000));  // duplicates and evictions too
  frames.push_back(R"({"type":"new_post","data":{"id":1,"author":{}}})");
  frames.push_back(R"({"data":{"id":1},"type":"friend_request"})");  // late type: rescan path
  frames.push_back("{broken");
  std::string long_type;  // an escaped type too long for any name is not decoded (nor kept)
  for (int i = 0; i < 5000; ++i) long_type += "\\u0061";
  frames.push_back(R"({"type":")" + long_type + R"(","data":{}})");
  frames.push_back(R"({"type":"new_message","d\u0061ta":{"id":1},"data":{"\u0069d":7,"sender":{},"content":""}})");
  size_t before = g_allocations;
  for (const std::string& f : frames) h.core.handle_frame(h.now, h.socket, f);
  EXPECT_EQ(g_allocations, before);
}

// ---------------------------------------------------------------- resume extension

std::string with_event_id(int id, int event_id) {
  return R"({"type":"new_message","data":{"id":)" + std::to_string(id) +
         R"(,"sender":{"id":2,"username":"a"},"content":"x","created_at":"t"},"event_id":)" + std::to_string(event_id) + "}";
}

TEST(Manager, ResumeAsksForAReplayFromTheLastEventIdAndSkipsResyncWhenTheServerConfirms) {
  Config c = quiet();
  c.resume = true;
  FakeHost h(c);
  subscribe(h, "new_message");
  h.connect();
  EXPECT_EQ(h.last(ActionKind::open_socket).resume_from, 0);
  h.open();
  h.frame(R"({"type":"connection_established","message":"hi","user_id":1,"resume":"none","last_event_id":0})");
  EXPECT_EQ(h.frame(with_event_id(1, 7)).verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(with_event_id(2, 9)).verdict, Verdict::deliver);
  EXPECT_EQ(h.core.last_event_id(), 9);
  h.server_close(1006);
  h.advance(1000);
  EXPECT_EQ(h.last(ActionKind::open_socket).resume_from, 9);
  h.open();
  EXPECT_TRUE(h.of_kind(EventKind::resync).empty()) << "waits for the server's answer";
  Decision d = h.frame(R"({"type":"connection_established","message":"hi","user_id":1,"resume":"ok"})");
  EXPECT_TRUE(d.events);
  EXPECT_TRUE(h.of_kind(EventKind::resync).empty());
  // The replay overlaps what was delivered before the drop: the dedupe window removes it.
  EXPECT_EQ(h.frame(with_event_id(2, 9)).verdict, Verdict::duplicate);
  EXPECT_EQ(h.frame(with_event_id(3, 10)).verdict, Verdict::deliver);
}

TEST(Manager, ResumeAgainstAPlainServerOrAGapStillResyncs) {
  for (const char* established : {R"({"type":"connection_established","message":"hi","user_id":1})",
                                  R"({"type":"connection_established","message":"hi","user_id":1,"resume":"gap"})"}) {
    Config c = quiet();
    c.resume = true;
    FakeHost h(c);
    subscribe(h, "new_message");
    h.connect();
    h.open();
    h.frame(with_event_id(1, 3));
    h.server_close(1006);
    h.advance(1000);
    h.now += 5;
    h.open();
    h.frame(established);
    auto resync = h.of_kind(EventKind::resync);
    ASSERT_EQ(resync.size(), 1u) << established;
    EXPECT_GE(resync[0].downtime_ms, 5);
  }
}

// An id the app kept (before a reload) or another tab delivered: the first connection asks from it,
// and its open is a re-open whose gap is reported unless the server replays it.
TEST(Manager, ResumeFromAKeptIdAsksFromItAndReportsAGapOnTheFirstOpen) {
  for (const char* answer : {"ok", "gap"}) {
    Config c = quiet();
    c.resume = true;
    FakeHost h(c);
    subscribe(h, "new_message");
    h.core.resume_from(41);
    h.core.resume_from(12);  // never moves back
    h.connect();
    EXPECT_EQ(h.last(ActionKind::open_socket).resume_from, 41);
    h.open();
    EXPECT_TRUE(h.of_kind(EventKind::resync).empty()) << "waits for the server's answer";
    h.frame(std::string(R"({"type":"connection_established","message":"hi","user_id":1,"resume":")") + answer + "\"}");
    auto resync = h.of_kind(EventKind::resync);
    if (std::string(answer) == "ok") {
      EXPECT_TRUE(resync.empty());
    } else {
      ASSERT_EQ(resync.size(), 1u);
      EXPECT_EQ(resync[0].downtime_ms, 0) << "no link before: the downtime is not known";
    }
  }
  FakeHost plain(quiet());  // without the resume option there is nothing to ask for
  plain.core.resume_from(41);
  plain.connect();
  EXPECT_EQ(plain.last(ActionKind::open_socket).resume_from, 0);
  plain.open();
  EXPECT_TRUE(plain.of_kind(EventKind::resync).empty());
}

TEST(Manager, WithoutResumeNoEventIdIsTrackedOrSent) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  h.connect();
  h.open();
  h.frame(with_event_id(1, 3));
  EXPECT_EQ(h.core.last_event_id(), 0);
  h.server_close(1006);
  h.advance(1000);
  EXPECT_EQ(h.last(ActionKind::open_socket).resume_from, 0);
}

// ---------------------------------------------------------------- outbox

TEST(Manager, OutboxQueuesWhileDownAndFlushesInOrderOnOpen) {
  FakeHost h(quiet());
  EXPECT_EQ(h.core.send(h.now, "a", false), SendResult::queued);
  h.connect();
  EXPECT_EQ(h.core.send(h.now, "b", false), SendResult::queued);
  EXPECT_EQ(h.core.send(h.now, "typing", true), SendResult::dropped);  // volatile: not queued
  h.open();
  auto sent = h.take_actions(ActionKind::send_frame);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].payload, "a");
  EXPECT_EQ(sent[1].payload, "b");
  EXPECT_EQ(h.core.send(h.now, "c", true), SendResult::sent);
  EXPECT_EQ(h.core.stats().frames_sent, 3u);
}

TEST(Manager, OutboxOverflowIsReportedNotSilent) {
  Config c = quiet();
  c.outbox_capacity = 2;
  FakeHost h(c);
  EXPECT_EQ(h.core.send(h.now, "1", false), SendResult::queued);
  EXPECT_EQ(h.core.send(h.now, "2", false), SendResult::queued);
  EXPECT_EQ(h.core.send(h.now, "3", false), SendResult::dropped);
  h.drain();
  auto errors = h.of_kind(EventKind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].error, ErrorCode::outbox_overflow);
  EXPECT_EQ(h.core.stats().frames_dropped, 1u);
  EXPECT_EQ(h.core.stats().frames_queued, 2u);
}

TEST(Manager, QueuedFramesDroppedByATerminalCloseAreReported) {
  FakeHost h(quiet());
  h.connect();
  h.core.send(h.now, "x", false);
  h.handshake_http(403);
  h.advance_to(h.core.next_deadline());
  h.handshake_http(403);
  auto errors = h.of_kind(EventKind::error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].error, ErrorCode::not_connected);
  EXPECT_EQ(errors[0].count, 1u);
  EXPECT_EQ(errors[0].reason, Reason::auth_failed);
}

TEST(Manager, SendAfterClientCloseIsAnError) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.core.close(h.now, 1000, "");
  EXPECT_EQ(h.core.send(h.now, "x", false), SendResult::dropped);
  h.drain();
  EXPECT_EQ(h.of_kind(EventKind::error).at(0).error, ErrorCode::not_connected);
}

TEST(Manager, ReconnectAfterClientCloseStartsAFreshSessionAndResyncs) {
  FakeHost h(quiet());
  h.connect();
  h.open();
  h.core.close(h.now, 1000, "");
  h.drain();
  h.server_close(1000);
  h.now += 700;
  h.connect();
  EXPECT_EQ(h.last_token_request().token_reason, TokenReason::initial);
  h.open();
  ASSERT_EQ(h.of_kind(EventKind::resync).size(), 1u);
  EXPECT_EQ(h.of_kind(EventKind::resync)[0].downtime_ms, 700);
}

// ---------------------------------------------------------------- de-duplication keys (docs/PROTOCOL.md)

// Unfriend, a new request, accept: the server sends a frame identical to the first acceptance. It is a
// new event, and data.friend.id names the friend, not the event.
TEST(Manager, TheSameFriendAcceptingAgainIsDeliveredAgain) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "friend_accepted");
  const std::string accepted =
      R"({"type": "friend_accepted", "data": {"friend": {"id": 3, "username": "bob", "first_name": "Bob", "last_name": "Brown"}}})";
  EXPECT_EQ(h.frame(accepted).verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(accepted).verdict, Verdict::deliver);
  EXPECT_EQ(h.core.stats().duplicates, 0u);
}

TEST(Manager, ClaimAndFramesCompareIdsInCanonicalForm) {
  FakeHost h(quiet());
  h.opened();
  int32_t route = h.subscribe("new_message");
  EXPECT_EQ(h.frame(new_message(12)).verdict, Verdict::deliver);
  EXPECT_FALSE(h.core.claim(route, ValueKind::string, R"("12")", h.now)) << "a REST id as a string";
  EXPECT_FALSE(h.core.claim(route, ValueKind::number, "12.0", h.now));
  EXPECT_FALSE(h.core.claim(route, ValueKind::number, "1.2e1", h.now));
  EXPECT_TRUE(h.core.claim(route, ValueKind::string, R"("13")", h.now));
  const std::string thirteen = R"({"type":"new_message","data":{"id":13.0,"sender":{"id":2},"content":"x"}})";
  EXPECT_EQ(h.frame(thirteen).verdict, Verdict::duplicate);
  EXPECT_TRUE(h.core.claim(route, ValueKind::number, "0", h.now));
  EXPECT_FALSE(h.core.claim(route, ValueKind::number, "-0", h.now));
}

// ---------------------------------------------------------------- schemas against captured frames

TEST(Manager, EchoOfAnyJsonValueAndACommentReplyWithoutPostIdAreDelivered) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "echo");
  subscribe(h, "comment_reply");
  for (const char* data : {"null", "[1, 2]", "\"text\"", "7", "{\"type\": \"hello\"}"})
    EXPECT_EQ(h.frame(std::string(R"({"type": "echo", "data": )") + data + "}").verdict, Verdict::deliver) << data;
  const std::string reply =
      R"({"type": "comment_reply", "data": {"message": "alice mentioned you in a reply", "replier": {"id": 2, "username": "alice"}, )"
      R"("reply": {"content": "@bob hi", "id": 9}, "post": {"id": null}, "mentioned_username": "bob"}})";
  EXPECT_EQ(h.frame(reply).verdict, Verdict::deliver);
}

// ---------------------------------------------------------------- resync

TEST(Manager, ResyncDowntimeCountsFromTheLastSignOfLife) {
  FakeHost h;  // heartbeat on: a stall is noticed only by the heartbeat
  subscribe(h, "new_message");
  h.opened();
  h.now = 1000;
  h.frame(new_message(1));  // the last sign of life
  h.advance(25000 + 10000);  // ping at 26 s, dead at 36 s
  ASSERT_EQ(h.core.state(), State::backing_off);
  h.advance_to(h.core.next_deadline());
  h.now += 50;
  h.open();
  auto resync = h.of_kind(EventKind::resync);
  ASSERT_EQ(resync.size(), 1u);
  EXPECT_EQ(resync[0].downtime_ms, h.now - 1000);
}

// ---------------------------------------------------------------- abandon (dispose)

TEST(Manager, AbandonEndsTheSessionWithItsLastTransitionFromAnyState) {
  {
    FakeHost h(quiet());
    h.opened();
    h.core.send(h.now, "x", false);
    h.core.abandon(h.now);
    h.drain();
    EXPECT_EQ(h.core.state(), State::closed);
    EXPECT_EQ(h.last_transition().from, State::open);
    EXPECT_EQ(h.last_transition().reason, Reason::disposed);
    Action close = h.last(ActionKind::close_socket);
    EXPECT_EQ(close.close_code, 1000);
    EXPECT_FALSE(close.abort) << "a polite close: the server sees 1000";
    EXPECT_EQ(h.core.next_deadline(), kNever);
  }
  {
    FakeHost h(quiet());
    h.opened();
    h.core.close(h.now, 1000, "bye");
    h.core.abandon(h.now);
    h.drain();
    EXPECT_EQ(h.count(ActionKind::close_socket), 1u) << "the close already under way is not repeated";
    EXPECT_EQ(h.last_transition().from, State::closing);
    EXPECT_EQ(h.last_transition().to, State::closed);
  }
  {
    FakeHost h(quiet());
    h.core.abandon(h.now);
    h.drain();
    EXPECT_EQ(h.last_transition().from, State::idle);
    EXPECT_EQ(h.last_transition().to, State::closed);
    size_t events = h.events.size();
    h.core.abandon(h.now);
    h.drain();
    EXPECT_EQ(h.events.size(), events) << "abandon once closed is a no-op";
  }
}

// ---------------------------------------------------------------- the core's own captures

TEST(Manager, ReDeclaringEchoOrConnectionEstablishedNeverBreaksTheProtocol) {
  Config c;
  c.resume = true;
  FakeHost h(c);
  std::string err;
  ASSERT_GE(h.core.register_type({"echo", {{"data.x", FieldKind::string}}, "", false}, err), 0) << err;
  ASSERT_GE(h.core.register_type({"connection_established", {}, "", false}, err), 0) << err;
  subscribe(h, "new_message");
  subscribe(h, "echo");
  h.opened();
  h.advance(25000);
  EXPECT_EQ(h.frame(R"({"type":"echo","data":{"type":"ping"}})").verdict, Verdict::consumed) << "heartbeat echo";
  h.frame(R"({"type":"new_message","data":{"id":1,"sender":{"id":2},"content":"x"},"event_id":4})");
  h.server_close(1006);
  h.advance_to(h.core.next_deadline());
  EXPECT_EQ(h.last(ActionKind::open_socket).resume_from, 4);
  h.open();
  h.frame(R"({"type":"connection_established","message":"hi","user_id":1,"resume":"ok"})");
  EXPECT_TRUE(h.of_kind(EventKind::resync).empty()) << "the resume verdict is still read";
}

// ---------------------------------------------------------------- one owner per rule

TEST(Manager, FramesTheHostCouldNotReadAreCountedAsRejected) {
  FakeHost h(quiet());
  h.opened();
  EXPECT_EQ(h.core.handle_unread_frame(h.now, h.socket, UnreadReason::binary).error, ErrorCode::binary_frame);
  EXPECT_EQ(h.core.handle_unread_frame(h.now, h.socket, UnreadReason::too_large).error, ErrorCode::frame_too_large);
  EXPECT_EQ(h.core.handle_unread_frame(h.now, h.socket, UnreadReason::no_memory).error, ErrorCode::out_of_memory);
  Stats s = h.core.stats();
  EXPECT_EQ(s.frames_received, 3u);
  EXPECT_EQ(s.rejected, 3u);
  EXPECT_EQ(h.core.state(), State::open);
}

// ---------------------------------------------------------------- rule 9: stale and late inputs

TEST(Manager, NothingIsDeliveredAfterCloseOrFromASocketGivenUpOn) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  h.opened();
  uint32_t first = h.socket;
  h.core.close(h.now, 1000, "");
  h.drain();
  EXPECT_EQ(h.frame(new_message(1)).verdict, Verdict::ignored) << "closing";
  h.connect();  // a new attempt while the old socket is still closing
  h.open();
  EXPECT_EQ(h.core.handle_frame(h.now, first, new_message(2)).verdict, Verdict::ignored);
  h.core.handle_close(h.now, first, {1000}, 0.5);
  h.drain();
  EXPECT_EQ(h.core.state(), State::open) << "the old socket's close is stale";
  EXPECT_EQ(h.frame(new_message(3)).verdict, Verdict::deliver);
  Stats s = h.core.stats();
  EXPECT_EQ(s.ignored, 2u);
  EXPECT_EQ(s.frames_received, s.frames_delivered + s.ignored);
}

// A report about a socket the host was never told to open (the core still waits for its token) is
// not a report about anything: the token, when it comes or times out, still decides (found by the
// state-machine fuzzer: the close left the attempt with no socket and no deadline, stuck connecting).
TEST(Manager, ASocketReportBeforeItsTokenChangesNothing) {
  FakeHost h(quiet());
  h.auto_token = false;
  h.connect();
  h.core.handle_close(h.now, h.socket, {4001}, 0.5);
  h.core.handle_open(h.now, h.socket);
  h.drain();
  EXPECT_EQ(h.core.state(), State::connecting);
  EXPECT_NE(h.core.next_deadline(), kNever);
  h.token(TokenOutcome::ready);
  EXPECT_EQ(h.count(ActionKind::open_socket), 1u);
  h.open();
  EXPECT_EQ(h.core.state(), State::open);
  EXPECT_EQ(h.core.stats().auth_rejections, 0u);
}

TEST(Manager, FramesWhileBackingOffAreIgnored) {
  FakeHost h(quiet());
  subscribe(h, "new_message");
  h.opened();
  h.server_close(1006);
  EXPECT_EQ(h.frame(new_message(1)).verdict, Verdict::ignored);
  h.core.handle_open(h.now, h.socket);
  h.drain();
  EXPECT_EQ(h.core.state(), State::backing_off) << "a report about the dropped socket changes nothing";
}

// Rule 10: the host's event loop was blocked for longer than the heartbeat timeout right after a ping;
// the echo has been waiting in the socket all along. The late timer must not declare the link dead
// before that input is read.
TEST(Manager, ALateHeartbeatWakeUpReadsPendingInputBeforeDeclaringTheLinkDead) {
  FakeHost h;
  h.opened();
  h.advance(25000);  // ping sent at 25 s; the deadline is 35 s
  ASSERT_EQ(h.count(ActionKind::send_frame), 1u);
  h.now = 35500;  // blocked 10.5 s
  h.core.handle_timeout(h.now, 0.5);
  h.drain();
  EXPECT_EQ(h.core.state(), State::open);
  h.frame(R"({"type":"echo","data":{"type":"ping"}})");  // read once the loop runs again
  h.advance(2000);
  EXPECT_EQ(h.core.state(), State::open);
  // A link that really is dead is still caught, on time when the host wakes the core on time:
  // the next ping goes out at 60.5 s and is due at 70.5 s.
  h.advance_to(70499);
  EXPECT_EQ(h.core.state(), State::open);
  h.advance_to(70500);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::heartbeat_timeout);
}

TEST(Manager, EveryReportedTransitionIsAnEdgeOfTheTable) {
  EXPECT_FALSE(Manager::transition_allowed(State::idle, State::open));
  EXPECT_FALSE(Manager::transition_allowed(State::closed, State::closed));
  EXPECT_FALSE(Manager::transition_allowed(State::open, State::connecting));
  FakeHost h(quiet());
  h.opened();
  h.server_close(1006);
  h.core.handle_network(h.now, false);
  h.core.handle_network(h.now, true);
  h.drain();
  h.handshake_http(403);
  h.advance_to(h.core.next_deadline());
  h.open();
  h.core.close(h.now, 1000, "");
  h.connect();
  h.core.abandon(h.now);
  h.drain();
  State at = State::idle;
  for (const Event& e : h.of_kind(EventKind::state_changed)) {
    EXPECT_EQ(e.from, at);
    EXPECT_TRUE(Manager::transition_allowed(e.from, e.to)) << to_string(e.from) << " -> " << to_string(e.to);
    at = e.to;
  }
  EXPECT_EQ(at, State::closed);
}

// ---------------------------------------------------------------- sends the socket cannot take

TEST(Manager, ASendTheSocketCannotTakeGoesBackToTheOutboxInOrderAndEndsTheLink) {
  FakeHost h(quiet());
  h.connect();
  h.core.send(h.now, "a", false);
  h.core.send(h.now, "b", false);
  h.core.send(h.now, "c", false);
  h.core.handle_open(h.now, h.socket);
  Action a;
  ASSERT_TRUE(h.core.poll_action(a));  // the host reaches "a": the socket is already closing
  ASSERT_EQ(a.kind, ActionKind::send_frame);
  EXPECT_EQ(h.core.handle_send_failed(h.now, a.socket, a.payload, a.app_frame, 0.5), SendResult::queued);
  h.drain();
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.count(ActionKind::send_frame), 0u) << "b and c were taken back before the host reached them";
  Stats s = h.core.stats();
  EXPECT_EQ(s.frames_sent, 0u);
  EXPECT_EQ(s.frames_queued, 3u);
  h.advance_to(h.core.next_deadline());
  h.open();
  auto sent = h.take_actions(ActionKind::send_frame);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0].payload, "a");
  EXPECT_EQ(sent[1].payload, "b");
  EXPECT_EQ(sent[2].payload, "c");
}

TEST(Manager, AFailedSendAfterCloseIsAReportedDrop) {
  FakeHost h(quiet());
  h.opened();
  EXPECT_EQ(h.core.send(h.now, "a", false), SendResult::sent);
  h.core.close(h.now, 1000, "");
  Action a;
  while (h.core.poll_action(a) && a.kind != ActionKind::send_frame) {}
  EXPECT_EQ(h.core.handle_send_failed(h.now, a.socket, a.payload, true, 0.5), SendResult::dropped);
  h.drain();
  EXPECT_EQ(h.core.stats().frames_dropped, 1u);
  EXPECT_EQ(h.of_kind(EventKind::error).at(0).error, ErrorCode::not_connected);
}

// ---------------------------------------------------------------- hostile ids and members

// The old key was an unkeyed hash of the id's raw bytes: colliding ids could be prepared offline, and
// the second event was dropped as a duplicate. Two ids built to collide under that construction are
// now two events.
TEST(Manager, IdsPreparedToCollideOfflineAreDistinctEvents) {
  FakeHost h(quiet());
  std::string err;
  int32_t route = h.core.register_type({"evt", {}, "data.id", false}, err);
  ASSERT_GE(route, 0) << err;
  h.subscribe("evt");
  h.opened();
  const uint64_t seed = static_cast<uint64_t>(route) + 1;  // the old per-route seed
  auto old_hash = [&](const std::string& raw) { return detail::hash_bytes(raw, seed); };
  // raw = '"' + 7 chars | 8 chars | 2 chars + '"' (18 bytes): vary the first word, repair with the second.
  const std::string a = "\"aaaaaaabbbbbbbbcc\"";
  const uint64_t n = a.size();
  const uint64_t h0 = detail::mix64(seed + 0x9e3779b97f4a7c15ull) ^ (0x9e3779b97f4a7c15ull * (n + 1));
  uint64_t wa1, wa2;
  std::memcpy(&wa1, a.data(), 8);
  std::memcpy(&wa2, a.data() + 8, 8);
  std::string b;
  for (uint64_t tweak = 0; b.empty() && tweak < 1000000; ++tweak) {
    std::string candidate = a;
    for (int k = 1; k < 8; ++k) candidate[static_cast<size_t>(k)] = static_cast<char>('a' + (tweak >> (3 * (k - 1)) & 7));
    uint64_t wb1;
    std::memcpy(&wb1, candidate.data(), 8);
    if (wb1 == wa1) continue;
    uint64_t wb2 = wa2 ^ detail::mix64(h0 ^ wa1) ^ detail::mix64(h0 ^ wb1);
    std::memcpy(&candidate[8], &wb2, 8);
    bool printable = true;
    for (int k = 8; k < 16; ++k) {
      unsigned char ch = static_cast<unsigned char>(candidate[static_cast<size_t>(k)]);
      printable = printable && ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
    }
    if (printable) b = candidate;
  }
  ASSERT_FALSE(b.empty()) << "no printable collision found";
  ASSERT_EQ(old_hash(a), old_hash(b)) << "the construction collides under the old hash";
  auto frame = [](const std::string& raw_id) { return R"({"type":"evt","data":{"id":)" + raw_id + "}}"; };
  EXPECT_EQ(h.frame(frame(a)).verdict, Verdict::deliver);
  EXPECT_EQ(h.frame(frame(b)).verdict, Verdict::deliver);
}

TEST(Manager, RepeatedOrEscapedMembersAreValidatedAsJsonParseReadsThem) {
  FakeHost h(quiet());
  h.opened();
  subscribe(h, "new_message");
  // JSON.parse keeps the last "data": null, which must not pass for the valid first one.
  Decision d = h.frame(R"({"type":"new_message","data":{"id":1,"sender":{"id":2},"content":"x"},"data":null})");
  EXPECT_EQ(d.error, ErrorCode::invalid_payload);
  // An escaped name is the same member once decoded.
  EXPECT_EQ(h.frame(R"({"type":"new_message","d\u0061ta":{"id":2,"sender":{"id":2},"content":"x"}})").verdict,
            Verdict::deliver);
  EXPECT_EQ(h.frame(R"({"type":"new_message","data":{"\u0069d":2,"sender":{"id":2},"content":"y"}})").verdict,
            Verdict::duplicate) << "the escaped \"id\" is the key";
  // Two types, one escaped: which one routes would be ambiguous.
  EXPECT_EQ(h.frame(R"({"type":"new_message","typ\u0065":"echo","data":{"id":3,"sender":{},"content":"x"}})").error,
            ErrorCode::duplicate_type);
}

// ---------------------------------------------------------------- smaller hostile-server findings

TEST(Manager, RetryAfterIsHonouredWithinTheBackoffCap) {
  Config c = quiet();
  c.reconnect.jitter = 0;
  FakeHost h(c);
  h.connect();
  h.handshake_http(503, 8000);
  EXPECT_EQ(h.last_transition().delay_ms, 8000u);
  h.advance_to(h.core.next_deadline());
  h.handshake_http(429, 3600000);
  EXPECT_EQ(h.last_transition().delay_ms, c.reconnect.max_delay_ms);
}

TEST(Manager, ATypeOnlySubscribedToIsForgottenWithItsLastSubscriber) {
  FakeHost h(quiet());
  std::string err;
  int32_t route = h.core.subscribe("cursor_moved", err);
  ASSERT_GE(route, 0);
  EXPECT_EQ(h.core.subscribe("cursor_moved", err), route);
  EXPECT_TRUE(h.core.unsubscribe(route));
  EXPECT_FALSE(h.core.unsubscribe(route)) << "the last subscriber takes the route with it";
  EXPECT_EQ(h.core.find_route("cursor_moved"), -1);
  int32_t declared = h.core.find_route("new_message");
  h.core.subscribe("new_message", err);
  EXPECT_TRUE(h.core.unsubscribe(declared)) << "a declared type stays";
  EXPECT_EQ(h.core.find_route("new_message"), declared);
}

TEST(Manager, OfflineWhileOpenChecksTheLinkAtOnce) {
  FakeHost h;  // heartbeat on
  h.opened();
  h.advance(1000);
  h.core.handle_network(h.now, false);
  h.drain();
  ASSERT_EQ(h.count(ActionKind::send_frame), 1u) << "a ping at once, not after 25 s";
  h.frame(R"({"type":"echo","data":{"type":"ping"}})");
  h.advance(5000);
  EXPECT_EQ(h.core.state(), State::open) << "the link answered: the offline event was wrong";
  h.core.handle_network(h.now, true);
  h.core.handle_network(h.now, false);
  h.drain();
  h.advance(2000);
  EXPECT_EQ(h.core.state(), State::backing_off);
  EXPECT_EQ(h.last_transition().reason, Reason::offline);
  EXPECT_EQ(h.core.next_deadline(), kNever) << "waits for the network";
  h.core.handle_network(h.now, true);
  h.drain();
  EXPECT_EQ(h.core.state(), State::connecting);
}


// ---------------------------------------------------------------- typing extension

TEST(Manager, TypingSendsNothingToAServerWithoutTheFeature) {
  FakeHost h(quiet());
  h.opened();
  EXPECT_EQ(h.core.typing(h.now, 3, true), SendResult::dropped);
  EXPECT_EQ(h.count(ActionKind::send_frame), 0u);
}

TEST(Manager, OurTypingIsThrottledAndStopsByItself) {
  FakeHost h(quiet());
  h.opened();
  h.core.set_features(static_cast<uint32_t>(Feature::typing));
  for (int i = 0; i < 30; ++i) {  // a keystroke every 100 ms for 3 s
    h.core.typing(h.now, 3, true);
    h.drain();
    h.advance(100);
  }
  auto sent = h.take_actions(ActionKind::send_frame);
  ASSERT_EQ(sent.size(), 2u);  // at 0 and 2 s
  EXPECT_EQ(sent[0].payload, R"({"type":"typing","data":{"to":3,"typing":true}})");
  EXPECT_TRUE(sent[0].app_frame);
  h.advance(5000);  // no keystroke for 5 s
  sent = h.take_actions(ActionKind::send_frame);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].payload, R"({"type":"typing","data":{"to":3,"typing":false}})");
}

TEST(Manager, ThePeersIndicatorClearsByItselfIfTheStopIsLost) {
  FakeHost h(quiet());
  subscribe(h, "typing");
  h.opened();
  EXPECT_EQ(h.frame(R"({"type": "typing", "data": {"user_id": 5, "typing": true}})").verdict, Verdict::deliver);
  h.advance(5999);
  EXPECT_TRUE(h.of_kind(EventKind::typing_cleared).empty());
  h.advance(1);
  auto cleared = h.of_kind(EventKind::typing_cleared);
  ASSERT_EQ(cleared.size(), 1u);
  EXPECT_EQ(cleared[0].peer, 5);
}

}  // namespace
}  // namespace numeneon::realtime
