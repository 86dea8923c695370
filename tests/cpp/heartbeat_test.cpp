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
  hb.start(0);
  EXPECT_EQ(hb.deadline(), 25000);
  EXPECT_EQ(hb.on_timer(24999), Heartbeat::Due::nothing);
  EXPECT_EQ(hb.on_timer(25000), Heartbeat::Due::send_ping);
  EXPECT_EQ(hb.deadline(), 35000);
  EXPECT_EQ(hb.on_timer(34999), Heartbeat::Due::nothing);
  EXPECT_EQ(hb.on_timer(35000), Heartbeat::Due::link_dead);
}

TEST(Heartbeat, AnyFrameKeepsTheLinkAliveAndPushesTheDeadlineBack) {
  Heartbeat hb(policy());
  hb.start(0);
  hb.on_receive(20000);
  EXPECT_EQ(hb.on_timer(25000), Heartbeat::Due::nothing);  // early wake-up: no-op
  EXPECT_EQ(hb.deadline(), 45000);
  EXPECT_EQ(hb.on_timer(45000), Heartbeat::Due::send_ping);
  hb.on_receive(46000);  // the echo (or anything) arrived
  EXPECT_EQ(hb.deadline(), 71000);
  EXPECT_TRUE(hb.take_echo());
  EXPECT_FALSE(hb.take_echo());
}

TEST(Heartbeat, DisabledOrStoppedNeverWakesTheHost) {
  HeartbeatPolicy p = policy();
  p.interval_ms = 0;
  Heartbeat off(p);
  off.start(0);
  EXPECT_EQ(off.deadline(), kNever);
  Heartbeat hb(policy());
  hb.start(0);
  hb.stop();
  EXPECT_EQ(hb.deadline(), kNever);
  EXPECT_EQ(hb.on_timer(1000000), Heartbeat::Due::nothing);
}

TEST(Heartbeat, OutstandingPingsAreBoundedWhenTheServerNeverEchoes) {
  Heartbeat hb(policy());
  hb.start(0);
  int64_t t = 0;
  for (int i = 0; i < 20; ++i) {
    t = hb.deadline();
    ASSERT_EQ(hb.on_timer(t), Heartbeat::Due::send_ping);
    hb.on_receive(t + 1);  // other traffic, but no echo
  }
  int taken = 0;
  while (hb.take_echo()) ++taken;
  EXPECT_LE(taken, 4);
}

}  // namespace
}  // namespace numeneon::realtime
