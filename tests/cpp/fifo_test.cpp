#include "numeneon/realtime/fifo.hpp"

#include <gtest/gtest.h>

#include <string>

namespace numeneon::realtime {
namespace {

TEST(Fifo, FirstInFirstOutAndReusedOnceDrained) {
  Fifo<std::string> q;
  q.push("a");
  q.push("b");
  std::string out;
  ASSERT_TRUE(q.pop(out));
  EXPECT_EQ(out, "a");
  q.push("c");
  EXPECT_EQ(q.size(), 2u);
  ASSERT_TRUE(q.pop(out));
  EXPECT_EQ(out, "b");
  ASSERT_TRUE(q.pop(out));
  EXPECT_EQ(out, "c");
  EXPECT_FALSE(q.pop(out));
  EXPECT_TRUE(q.empty());
}

TEST(Fifo, PushFrontKeepsTheirOrderAheadOfTheRest) {
  Fifo<int> q;
  q.push(1);
  q.push(2);
  int out = 0;
  q.pop(out);
  q.push_front({7, 8});
  std::vector<int> seen;
  while (q.pop(out)) seen.push_back(out);
  EXPECT_EQ(seen, (std::vector<int>{7, 8, 2}));
}

TEST(Fifo, ExtractRemovesWhatItTakesAndKeepsTheOrderOfTheRest) {
  Fifo<int> q;
  for (int i = 0; i < 6; ++i) q.push(i);
  int out = 0;
  q.pop(out);  // 0
  std::vector<int> taken;
  q.extract([&](int v) {
    if (v % 2) taken.push_back(v);
    return v % 2 == 1;
  });
  EXPECT_EQ(taken, (std::vector<int>{1, 3, 5}));
  std::vector<int> seen;
  while (q.pop(out)) seen.push_back(out);
  EXPECT_EQ(seen, (std::vector<int>{2, 4}));
}

}  // namespace
}  // namespace numeneon::realtime
