#include "numeneon/realtime/config.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

TEST(Config, DefaultsAreValidAndDocumented) {
  Config c;
  EXPECT_EQ(validate(c), "");
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

TEST(Config, EmptyAndNullJsonKeepDefaults) {
  EXPECT_TRUE(config_from_json("{}").ok());
  EXPECT_TRUE(config_from_json("null").ok());
}

TEST(Config, JsonOverridesNestedOptions) {
  ConfigResult r = config_from_json(
      R"({"reconnect":{"initialDelayMs":500,"maxAttempts":5,"jitter":0},"heartbeat":{"intervalMs":0},)"
      R"("dedupe":{"capacity":16,"maxAgeMs":1000},"outbox":{"capacity":3},"limits":{"maxDepth":8}})");
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.config.reconnect.initial_delay_ms, 500u);
  EXPECT_EQ(r.config.reconnect.max_attempts, 5u);
  EXPECT_EQ(r.config.reconnect.jitter, 0.0);
  EXPECT_EQ(r.config.heartbeat.interval_ms, 0u);
  EXPECT_EQ(r.config.dedupe.capacity, 16u);
  EXPECT_EQ(r.config.outbox_capacity, 3u);
  EXPECT_EQ(r.config.limits.max_depth, 8u);
}

TEST(Config, EveryBadValueNamesTheFieldAndTheProblem) {
  struct Row {
    const char* json;
    const char* expect;
  };
  const Row rows[] = {
      {R"({"reconnect":{"initialDelayMs":-5}})", "reconnect.initialDelayMs must be between 0 and"},
      {R"({"reconnect":{"initialDelayMs":"1s"}})", "reconnect.initialDelayMs must be a number, got string"},
      {R"({"reconnect":{"initialDelayMs":1.5}})", "reconnect.initialDelayMs must be an integer"},
      {R"({"reconnect":{"initialDelayMs":5000,"maxDelayMs":1000}})", "reconnect.maxDelayMs must be >= reconnect.initialDelayMs"},
      {R"({"reconnect":{"jitter":2}})", "reconnect.jitter must be between 0 and 1"},
      {R"({"reconnect":{"multiplier":0.5}})", "reconnect.multiplier must be between 1 and 100"},
      {R"({"reconnect":{"connectTimeoutMs":0}})", "reconnect.connectTimeoutMs must be between 1 and"},
      {R"({"reconnect":{"tokenTimeoutMs":0}})", "reconnect.tokenTimeoutMs must be between 1 and"},
      {R"({"reconnect":{"authFailureLimit":0}})", "reconnect.authFailureLimit must be between 1 and 1000"},
      {R"({"reconnect":{"initialDelay":5}})", "unknown option reconnect.initialDelay"},
      {R"({"dedupe":{"capacity":0}})", "dedupe.capacity must be between 1 and"},
      {R"({"dedupe":{"maxAgeMs":0}})", "dedupe.maxAgeMs must be between 1 and"},
      {R"({"heartbeat":{"ping":"not json"}})", "heartbeat.ping must be a JSON object with a string \"type\""},
      {R"({"heartbeat":{"ping":7}})", "heartbeat.ping must be a string"},
      {R"({"limits":{"maxDepth":1}})", "limits.maxDepth must be between 2 and 4096"},
      {R"({"limits":{"maxFrameBytes":1e12}})", "limits.maxFrameBytes must be between 64 and"},
      {R"({"outbox":[]})", "outbox must be an object"},
      {R"({"colour":1})", "unknown option options.colour"},
      {R"({"resume":"yes"})", "resume must be a boolean, got string"},
      {R"([1,2])", "options must be an object"},
      {R"({"reconnect":)", "options are not valid JSON"},
  };
  for (const Row& row : rows) {
    ConfigResult r = config_from_json(row.json);
    EXPECT_FALSE(r.ok()) << row.json;
    EXPECT_NE(r.error.find(row.expect), std::string::npos) << row.json << " -> " << r.error;
  }
}

TEST(Config, RangeErrorsPrintTheNumbersReadably) {
  EXPECT_EQ(config_from_json(R"({"reconnect":{"jitter":1.25}})").error, "reconnect.jitter must be between 0 and 1, got 1.25");
  EXPECT_EQ(config_from_json(R"({"reconnect":{"multiplier":0.0000001}})").error,
            "reconnect.multiplier must be between 1 and 100, got 1e-7");
  EXPECT_EQ(config_from_json(R"({"reconnect":{"initialDelayMs":-5}})").error,
            "reconnect.initialDelayMs must be between 0 and 86400000, got -5");
  EXPECT_EQ(config_from_json(R"({"limits":{"maxFrameBytes":1e20}})").error,
            "limits.maxFrameBytes must be between 64 and 67108864, got 1e20");
}

TEST(Config, ValidateCatchesInconsistentStructs) {
  Config c;
  c.reconnect.initial_delay_ms = 20000;
  EXPECT_EQ(validate(c), "reconnect.maxDelayMs must be >= reconnect.initialDelayMs");
  c = Config{};
  c.reconnect.min_delay_ms = 10001;
  EXPECT_EQ(validate(c), "reconnect.minDelayMs must be <= reconnect.maxDelayMs");
  c = Config{};
  c.heartbeat.timeout_ms = 0;
  EXPECT_EQ(validate(c), "heartbeat.timeoutMs must be positive when the heartbeat is on");
}

}  // namespace
}  // namespace numeneon::realtime
