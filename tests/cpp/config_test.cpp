#include "numeneon/realtime/config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace numeneon::realtime {
namespace {

TEST(Config, DefaultsAreValidAndDocumented) {
  Config c;
  EXPECT_TRUE(validate(c).ok());
  EXPECT_EQ(c.reconnect.initial_delay_ms, 2000u);
  EXPECT_EQ(c.reconnect.growth_period_ms, 240000u);
  EXPECT_EQ(c.reconnect.jitter, 0.5);
  EXPECT_EQ(c.reconnect.rejection_delay_ms, 250u);
  EXPECT_EQ(c.reconnect.max_delay_ms, 10000u);
  EXPECT_EQ(c.reconnect.max_attempts, 0u);
  EXPECT_EQ(c.reconnect.stable_after_ms, 5000u);
  EXPECT_EQ(c.reconnect.connect_timeout_ms, 10000u);
  EXPECT_EQ(c.reconnect.auth_failure_limit, 2u);
  EXPECT_EQ(c.heartbeat.interval_ms, 25000u);
  EXPECT_EQ(c.heartbeat.timeout_ms, 10000u);
  EXPECT_EQ(c.dedupe.capacity, 1024u);
  EXPECT_EQ(c.dedupe.max_age_ms, 600000u);
  EXPECT_EQ(c.outbox_capacity, 100u);
  EXPECT_EQ(c.limits.max_frame_bytes, 1u << 20);
}

std::vector<double> none() { return std::vector<double>(kOptions, std::nan("")); }

TEST(Config, NoOptionsKeepsTheDefaults) {
  Config c;
  c.reconnect.initial_delay_ms = 7;
  EXPECT_TRUE(config_from_options(none().data(), "", c).ok());
  EXPECT_EQ(c.reconnect.initial_delay_ms, 2000u);
  EXPECT_EQ(c.heartbeat.ping, R"({"type":"ping"})");
}

TEST(Config, EachOptionSetsItsField) {
  std::vector<double> o = none();
  o[static_cast<size_t>(Option::reconnect_initial_delay_ms)] = 500;
  o[static_cast<size_t>(Option::reconnect_max_attempts)] = 5;
  o[static_cast<size_t>(Option::reconnect_jitter)] = 0;
  o[static_cast<size_t>(Option::heartbeat_interval_ms)] = 0;
  o[static_cast<size_t>(Option::dedupe_capacity)] = 16;
  o[static_cast<size_t>(Option::outbox_capacity)] = 3;
  o[static_cast<size_t>(Option::limits_max_depth)] = 8;
  o[static_cast<size_t>(Option::resume)] = 1;
  Config c;
  ASSERT_TRUE(config_from_options(o.data(), R"({"type":"hb"})", c).ok());
  EXPECT_EQ(c.reconnect.initial_delay_ms, 500u);
  EXPECT_EQ(c.reconnect.max_attempts, 5u);
  EXPECT_EQ(c.reconnect.jitter, 0.0);
  EXPECT_EQ(c.heartbeat.interval_ms, 0u);
  EXPECT_EQ(c.dedupe.capacity, 16u);
  EXPECT_EQ(c.outbox_capacity, 3u);
  EXPECT_EQ(c.limits.max_depth, 8u);
  EXPECT_TRUE(c.resume);
  EXPECT_EQ(c.heartbeat.ping, R"({"type":"hb"})");
}

TEST(Config, EveryBadValueNamesTheOptionItsBoundsAndTheValue) {
  struct Row {
    Option option;
    double value;
    OptionError code;
    double low, high;
  };
  const Row rows[] = {
      {Option::reconnect_initial_delay_ms, -5, OptionError::out_of_range, 0, 86400000},
      {Option::reconnect_initial_delay_ms, 1.5, OptionError::not_integer, 0, 86400000},
      {Option::reconnect_jitter, 2, OptionError::out_of_range, 0, 1},
      {Option::reconnect_multiplier, 0.5, OptionError::out_of_range, 1, 100},
      {Option::reconnect_connect_timeout_ms, 0, OptionError::out_of_range, 1, 86400000},
      {Option::reconnect_token_timeout_ms, 0, OptionError::out_of_range, 1, 86400000},
      {Option::reconnect_auth_failure_limit, 0, OptionError::out_of_range, 1, 1000},
      {Option::dedupe_capacity, 0, OptionError::out_of_range, 1, 1 << 20},
      {Option::limits_max_depth, 1, OptionError::out_of_range, 2, 4096},
      {Option::limits_max_frame_bytes, 1e12, OptionError::out_of_range, 64, 64 << 20},
      {Option::resume, 2, OptionError::out_of_range, 0, 1},
  };
  for (const Row& row : rows) {
    std::vector<double> o = none();
    o[static_cast<size_t>(row.option)] = row.value;
    Config c;
    ConfigError e = config_from_options(o.data(), "", c);
    EXPECT_EQ(e.code, row.code) << static_cast<int>(row.option);
    EXPECT_EQ(e.option, row.option);
    EXPECT_EQ(e.low, row.low);
    EXPECT_EQ(e.high, row.high);
    EXPECT_EQ(e.value, row.value);
  }
}

TEST(Config, CrossChecksAndThePing) {
  Config c;
  c.reconnect.initial_delay_ms = 20000;
  EXPECT_EQ(validate(c).code, OptionError::below_initial);
  c = Config{};
  c.reconnect.min_delay_ms = 10001;
  EXPECT_EQ(validate(c).code, OptionError::above_max);
  for (const char* ping : {"not json", R"({"kind":"ping"})", R"({"type":7})", "[1]"}) {
    std::vector<double> o = none();
    EXPECT_EQ(config_from_options(o.data(), ping, c).code, OptionError::not_a_frame) << ping;
  }
  c = Config{};
  c.heartbeat.interval_ms = 0;
  c.heartbeat.ping = "not json";
  EXPECT_TRUE(validate(c).ok()) << "no heartbeat, no ping to check";
}

}  // namespace
}  // namespace numeneon::realtime
