#include "numeneon/realtime/outbox.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

TEST(Outbox, KeepsOrderAndRefusesWhenFull) {
  Outbox box(2);
  EXPECT_TRUE(box.push("a"));
  EXPECT_TRUE(box.push("b"));
  EXPECT_FALSE(box.push("c"));
  std::string out;
  ASSERT_TRUE(box.pop(out));
  EXPECT_EQ(out, "a");
  ASSERT_TRUE(box.pop(out));
  EXPECT_EQ(out, "b");
  EXPECT_FALSE(box.pop(out));
}

TEST(Outbox, ZeroCapacityQueuesNothing) {
  Outbox box(0);
  EXPECT_FALSE(box.push("a"));
  EXPECT_EQ(box.size(), 0u);
}

}  // namespace
}  // namespace numeneon::realtime
