#include "numeneon/realtime/backoff.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

namespace numeneon::realtime {
namespace {

// The seed's schedule: 1 s doubling to 10 s, no jitter.
ReconnectPolicy seed_schedule() {
  ReconnectPolicy p;
  p.initial_delay_ms = 1000;
  p.jitter = 0;
  return p;
}

ReconnectPolicy one_second_full_jitter() {
  ReconnectPolicy p;
  p.initial_delay_ms = 1000;
  return p;
}

TEST(Backoff, WithoutJitterReproducesTheSeedSchedule) {
  ReconnectPolicy p = seed_schedule();
  EXPECT_EQ(backoff_delay_ms(1, p, 0.3), 1000u);
  EXPECT_EQ(backoff_delay_ms(2, p, 0.3), 2000u);
  EXPECT_EQ(backoff_delay_ms(3, p, 0.3), 4000u);
  EXPECT_EQ(backoff_delay_ms(4, p, 0.3), 8000u);
  EXPECT_EQ(backoff_delay_ms(5, p, 0.3), 10000u);
  EXPECT_EQ(backoff_delay_ms(500, p, 0.3), 10000u);
}

TEST(Backoff, FullJitterStaysWithinFloorAndBase) {
  ReconnectPolicy p;  // defaults: 2.5 s, full jitter, floor 100 ms
  for (uint32_t attempt = 1; attempt < 40; ++attempt) {
    double base = std::min(10000.0, 2500.0 * std::pow(2.0, attempt - 1));
    for (double draw : {0.0, 0.001, 0.25, 0.5, 0.75, 0.999999}) {
      uint32_t d = backoff_delay_ms(attempt, p, draw);
      EXPECT_GE(d, p.min_delay_ms) << attempt << " " << draw;
      EXPECT_LE(d, base) << attempt << " " << draw;
    }
  }
}

TEST(Backoff, TheDrawSpreadsTheDelayAcrossTheJitterRange) {
  ReconnectPolicy p = one_second_full_jitter();
  p.jitter = 0.5;
  EXPECT_EQ(backoff_delay_ms(2, p, 0.0), 2000u);
  EXPECT_EQ(backoff_delay_ms(2, p, 0.5), 1500u);
  EXPECT_EQ(backoff_delay_ms(2, p, 1.0), 1000u);
}

TEST(Backoff, TheFloorNarrowsTheRangeInsteadOfPilingDrawsOnIt) {
  ReconnectPolicy p = one_second_full_jitter();
  p.min_delay_ms = 250;
  EXPECT_EQ(backoff_delay_ms(1, p, 1.0), 250u);
  EXPECT_EQ(backoff_delay_ms(1, p, 0.0), 1000u);
  // Evenly spread draws give evenly spread delays over [250, 1000]: none piles up on the floor.
  int at_floor = 0;
  for (int i = 0; i < 1000; ++i) at_floor += backoff_delay_ms(1, p, i / 1000.0) < 260;
  EXPECT_LE(at_floor, 15);
}

TEST(Backoff, ABaseBelowTheFloorIsUsedAsIs) {
  ReconnectPolicy p = one_second_full_jitter();
  p.initial_delay_ms = 50;
  p.min_delay_ms = 100;
  EXPECT_EQ(backoff_delay_ms(1, p, 0.5), 50u);
}

TEST(Backoff, OutOfRangeDrawsAreClampedAndHugeAttemptsDoNotOverflow) {
  ReconnectPolicy p = one_second_full_jitter();
  EXPECT_LE(backoff_delay_ms(1, p, 7.0), 1000u);
  EXPECT_LE(backoff_delay_ms(1, p, -3.0), 1000u);
  EXPECT_LE(backoff_delay_ms(UINT32_MAX, p, 0.0), 10000u);
  EXPECT_EQ(backoff_delay_ms(0, seed_schedule(), 0.0), 1000u);
}

}  // namespace
}  // namespace numeneon::realtime
