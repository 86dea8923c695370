#include "numeneon/realtime/typing.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

// Everything that expired by `now`, as the manager drains it.
void expire(Typing& t, int64_t now, std::vector<int64_t>& stop, std::vector<int64_t>& cleared) {
  int64_t peer = 0;
  bool ours = false;
  while (t.next_expired(now, peer, ours)) (ours ? stop : cleared).push_back(peer);
}

TEST(Typing, AKeystrokeBurstSendsAtMostOneFramePerTwoSeconds) {
  Typing t;
  int sent = 0;
  for (int64_t now = 0; now < 6000; now += 100) sent += t.local(now, 7, true) == Typing::Send::start;
  EXPECT_EQ(sent, 3);  // at 0, 2000 and 4000 ms: 60 keystrokes over 6 s
}

TEST(Typing, OursStopsByItselfAfterFiveSecondsWithoutAKeystroke) {
  Typing t;
  t.local(0, 7, true);
  t.local(1000, 7, true);
  EXPECT_EQ(t.deadline(), 6000);
  std::vector<int64_t> stop, cleared;
  expire(t, 5999, stop, cleared);
  EXPECT_TRUE(stop.empty());
  expire(t, 6000, stop, cleared);
  EXPECT_EQ(stop, std::vector<int64_t>{7});
  EXPECT_EQ(t.local(6001, 7, false), Typing::Send::nothing) << "already stopped";
}

TEST(Typing, AnExplicitStopIsSentOnceAndOnlyAfterAStart) {
  Typing t;
  EXPECT_EQ(t.local(0, 7, false), Typing::Send::nothing);
  t.local(0, 7, true);
  EXPECT_EQ(t.local(500, 7, false), Typing::Send::stop);
  EXPECT_EQ(t.local(600, 7, false), Typing::Send::nothing);
  EXPECT_EQ(t.local(700, 7, true), Typing::Send::start) << "typing again after a stop is news";
}

TEST(Typing, TheirIndicatorClearsByItselfWhenTheStopIsLost) {
  Typing t;
  t.remote(0, 3, true);
  t.remote(4000, 3, true);  // renewed
  std::vector<int64_t> stop, cleared;
  expire(t, 9999, stop, cleared);
  EXPECT_TRUE(cleared.empty());
  EXPECT_EQ(t.deadline(), 10000);
  expire(t, 10000, stop, cleared);
  EXPECT_EQ(cleared, std::vector<int64_t>{3});
  EXPECT_EQ(t.deadline(), kNever);
}

TEST(Typing, TheirStopClearsAtOnceAndManyPeersStayBounded) {
  Typing t;
  t.remote(0, 3, true);
  t.remote(10, 3, false);
  EXPECT_EQ(t.deadline(), kNever);
  for (int64_t p = 0; p < 500; ++p) t.remote(p, p, true);
  std::vector<int64_t> stop, cleared;
  expire(t, 1000000, stop, cleared);
  EXPECT_LE(cleared.size(), 64u);
}

}  // namespace
}  // namespace numeneon::realtime
