#include "numeneon/realtime/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace numeneon::realtime {
namespace {

ReconnectPolicy no_jitter() {
  ReconnectPolicy p;
  p.jitter = 0;
  return p;
}

TEST(Backoff, TheWindowGrowsWithTheDowntimeNotTheAttemptCount) {
  ReconnectPolicy p = no_jitter();  // 2 s, doubling every 4 minutes of downtime, capped at 10 s
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.3), 2000u);
  EXPECT_EQ(backoff_delay_ms(p, 40000, 0.3), 2333u) << "a 40 s outage: still under 2.5 s";
  EXPECT_EQ(backoff_delay_ms(p, 240000, 0.3), 4000u);
  EXPECT_EQ(backoff_delay_ms(p, 480000, 0.3), 8000u);
  EXPECT_EQ(backoff_delay_ms(p, 720000, 0.3), 10000u);
  EXPECT_EQ(backoff_delay_ms(p, int64_t{1} << 50, 0.3), 10000u) << "no overflow";
  EXPECT_EQ(backoff_delay_ms(p, -5, 0.3), 2000u);
}

TEST(Backoff, ItGrowsMonotonicallyBetweenWholePeriods) {
  ReconnectPolicy p = no_jitter();
  uint32_t last = 0;
  for (int64_t t = 0; t < 400000; t += 997) {
    uint32_t d = backoff_delay_ms(p, t, 0.0);
    ASSERT_GE(d, last) << t;
    last = d;
  }
}

TEST(Backoff, JitterSpreadsTheDelayOverItsShareOfTheWindow) {
  ReconnectPolicy p;  // defaults: half the window randomised
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.0), 2000u);
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.5), 1500u);
  EXPECT_EQ(backoff_delay_ms(p, 0, 1.0), 1000u);
  p.jitter = 1;
  for (double draw : {0.0, 0.001, 0.25, 0.5, 0.75, 0.999999}) {
    uint32_t d = backoff_delay_ms(p, 0, draw);
    EXPECT_GE(d, p.min_delay_ms) << draw;
    EXPECT_LE(d, 2000u) << draw;
  }
}

TEST(Backoff, TheFloorNarrowsTheRangeInsteadOfPilingDrawsOnIt) {
  ReconnectPolicy p;
  p.initial_delay_ms = 1000;
  p.jitter = 1;
  p.min_delay_ms = 250;
  EXPECT_EQ(backoff_delay_ms(p, 0, 1.0), 250u);
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.0), 1000u);
  // Evenly spread draws give evenly spread delays over [250, 1000]: none piles up on the floor.
  int at_floor = 0;
  for (int i = 0; i < 1000; ++i) at_floor += backoff_delay_ms(p, 0, i / 1000.0) < 260;
  EXPECT_LE(at_floor, 15);
}

TEST(Backoff, AWindowBelowTheFloorIsUsedAsIs) {
  ReconnectPolicy p;
  p.initial_delay_ms = 50;
  p.min_delay_ms = 100;
  EXPECT_EQ(backoff_delay_ms(p, 0, 0.5), 50u);
}

TEST(Backoff, OutOfRangeDrawsAreClamped) {
  ReconnectPolicy p;
  EXPECT_LE(backoff_delay_ms(p, 0, 7.0), 2000u);
  EXPECT_LE(backoff_delay_ms(p, 0, -3.0), 2000u);
  EXPECT_LE(rejection_delay_ms(p, 7.0), 250u);
}

TEST(Backoff, TheFreshTokenAttemptAfterARejectionComesQuickly) {
  ReconnectPolicy p;
  for (double draw : {0.0, 0.5, 0.999}) EXPECT_LE(rejection_delay_ms(p, draw), 250u);
  EXPECT_EQ(rejection_delay_ms(p, 0.5), 125u);
}

}  // namespace
}  // namespace numeneon::realtime
