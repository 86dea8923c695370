#include "numeneon/realtime/heartbeat.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

HeartbeatPolicy policy() {
  HeartbeatPolicy p;
  p.interval_ms = 25000;
  p.timeout_ms = 10000;
  return p;
}

TEST(Heartbeat, PingsAfterSilenceThenDeclaresTheLinkDead) {
  Heartbeat hb(policy());
  EXPECT_EQ(hb.start(0), 25000);
  int64_t next = 0;
  EXPECT_EQ(hb.on_deadline(25000, next), Heartbeat::Due::send_ping);
  EXPECT_EQ(next, 35000);
  EXPECT_FALSE(hb.answered());
  EXPECT_EQ(hb.on_deadline(35000, next), Heartbeat::Due::link_dead);
}

TEST(Heartbeat, AnyFrameAnswersThePingAndPushesTheDeadlineBack) {
  Heartbeat hb(policy());
  hb.start(0);
  EXPECT_EQ(hb.on_receive(20000), 45000);
  int64_t next = 0;
  EXPECT_EQ(hb.on_deadline(45000, next), Heartbeat::Due::send_ping);
  EXPECT_EQ(hb.on_receive(46000), 71000);  // the echo (or anything) arrived
  EXPECT_TRUE(hb.answered());
  EXPECT_TRUE(hb.take_echo());
  EXPECT_FALSE(hb.take_echo());
}

TEST(Heartbeat, DisabledNeverWakesTheHost) {
  HeartbeatPolicy p = policy();
  p.interval_ms = 0;
  Heartbeat off(p);
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(off.start(0), kNever);
}

TEST(Heartbeat, AProbePingsNowWithItsOwnTimeout) {
  Heartbeat hb(policy());
  hb.start(0);
  EXPECT_EQ(hb.probe(3000, 2000), 5000);
  EXPECT_FALSE(hb.answered());
  EXPECT_TRUE(hb.awaiting_echo());
  int64_t next = 0;
  EXPECT_EQ(hb.on_deadline(5000, next), Heartbeat::Due::link_dead);
}

TEST(Heartbeat, OutstandingEchoesAreBoundedWhenTheServerNeverEchoes) {
  Heartbeat hb(policy());
  int64_t t = hb.start(0);
  for (int i = 0; i < 20; ++i) {
    int64_t next = 0;
    ASSERT_EQ(hb.on_deadline(t, next), Heartbeat::Due::send_ping);
    t = hb.on_receive(t + 1);  // other traffic, but no echo
  }
  int taken = 0;
  while (hb.take_echo()) ++taken;
  EXPECT_LE(taken, 4);
}

}  // namespace
}  // namespace numeneon::realtime
