#include "numeneon/realtime/dedupe.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

TEST(Dedupe, SecondSightingIsADuplicate) {
  DedupeWindow w(8, 1000);
  EXPECT_TRUE(w.insert(42, 0));
  EXPECT_FALSE(w.insert(42, 1));
  EXPECT_TRUE(w.insert(43, 1));
  EXPECT_EQ(w.size(), 2u);
}

TEST(Dedupe, KeyZeroIsAnOrdinaryKey) {
  DedupeWindow w(4, 1000);
  EXPECT_TRUE(w.insert(0, 0));
  EXPECT_FALSE(w.insert(0, 0));
}

TEST(Dedupe, EvictsTheOldestWhenFull) {
  DedupeWindow w(3, 1000000);
  for (uint64_t k = 1; k <= 3; ++k) EXPECT_TRUE(w.insert(k, 0));
  EXPECT_TRUE(w.insert(4, 0));  // pushes 1 out
  EXPECT_EQ(w.size(), 3u);
  EXPECT_TRUE(w.insert(1, 0));   // forgotten, so new again (and pushes 2 out)
  EXPECT_FALSE(w.insert(3, 0));  // still remembered
  EXPECT_FALSE(w.insert(4, 0));
}

TEST(Dedupe, ForgetsKeysOlderThanMaxAge) {
  DedupeWindow w(100, 1000);
  EXPECT_TRUE(w.insert(7, 0));
  EXPECT_FALSE(w.insert(7, 1000));  // exactly max age: still inside
  EXPECT_TRUE(w.contains(7, 1000));
  EXPECT_FALSE(w.contains(7, 1001));
  EXPECT_TRUE(w.insert(7, 1001));
  EXPECT_EQ(w.size(), 1u);
}

TEST(Dedupe, MemoryStaysBoundedUnderHeavyTrafficAndLookupsStayCorrect) {
  DedupeWindow w(1024, 600000);
  for (uint64_t k = 0; k < 200000; ++k) {
    uint64_t key = k * 0x9e3779b97f4a7c15ull;  // spread like real hashes, with collisions in the low bits
    ASSERT_TRUE(w.insert(key, static_cast<int64_t>(k)));
    ASSERT_LE(w.size(), 1024u);
    if (k >= 1023) {
      ASSERT_FALSE(w.insert((k - 1023) * 0x9e3779b97f4a7c15ull, static_cast<int64_t>(k)));
    }
  }
}

TEST(Dedupe, ClusteredKeysSurviveBackwardShiftDeletion) {
  // Keys sharing low bits land in one probe run; evicting from its middle must not hide the rest.
  DedupeWindow w(4, 1000000);
  const uint64_t base = 1ull << 40;
  for (uint64_t k = 1; k <= 4; ++k) ASSERT_TRUE(w.insert(base * k, 0));
  ASSERT_TRUE(w.insert(base * 5, 0));  // evicts base*1
  for (uint64_t k = 2; k <= 5; ++k) EXPECT_TRUE(w.contains(base * k, 0)) << k;
  EXPECT_FALSE(w.contains(base * 1, 0));
}

}  // namespace
}  // namespace numeneon::realtime
