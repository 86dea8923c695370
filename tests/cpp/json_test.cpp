#include "numeneon/realtime/json.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

using Kind = JsonValue::Kind;

JsonValue parsed(std::string_view text) {
  JsonValue v;
  EXPECT_TRUE(parse_json(text, v)) << text;
  return v;
}

TEST(Json, ReadsEveryKind) {
  JsonValue v = parsed(R"( {"a": [1, -2.5, true, false, null, "s"], "b": {}, "c": []} )");
  ASSERT_TRUE(v.is_object());
  ASSERT_EQ(v.members.size(), 3u);
  EXPECT_EQ(v.members[0].key, "a");
  const JsonValue& a = *v.find("a");
  ASSERT_EQ(a.kind, Kind::array);
  ASSERT_EQ(a.items.size(), 6u);
  EXPECT_EQ(a.items[0].number, 1.0);
  EXPECT_EQ(a.items[1].number, -2.5);
  EXPECT_EQ(a.items[2].kind, Kind::boolean);
  EXPECT_TRUE(a.items[2].boolean);
  EXPECT_FALSE(a.items[3].boolean);
  EXPECT_EQ(a.items[4].kind, Kind::null);
  EXPECT_EQ(a.items[5].string, "s");
  EXPECT_TRUE(v.find("b")->is_object());
  EXPECT_EQ(v.find("c")->kind, Kind::array);
  EXPECT_EQ(v.find("d"), nullptr);
  EXPECT_STREQ(a.kind_name(), "array");
  EXPECT_STREQ(a.items[5].kind_name(), "string");
}

TEST(Json, RepeatedKeysResolveToTheLastLikeJsonParse) {
  JsonValue v = parsed(R"({"k":1,"k":2})");
  EXPECT_EQ(v.find("k")->number, 2.0);
}

TEST(Json, NumbersAreExactWhereOptionsNeedThem) {
  struct Row {
    const char* text;
    double value;
  };
  const Row rows[] = {{"0", 0},          {"-0", 0},       {"7", 7},          {"2500", 2500},       {"0.5", 0.5},
                      {"0.1", 0.1},      {"0.25", 0.25},  {"1e3", 1000},     {"1.5E-3", 1.5e-3},   {"-12.75", -12.75},
                      {"86400000", 86400000},             {"9007199254740992", 9007199254740992.0},
                      {"0.000001", 1e-6}, {"1e12", 1e12}, {"123456789012345e-5", 1234567890.12345}};
  for (const Row& row : rows) EXPECT_EQ(parsed(row.text).number, row.value) << row.text;
  EXPECT_NEAR(parsed("1.7976931348623157e308").number, 1.7976931348623157e308, 1e294);
}

TEST(Json, DecodesEscapesToUtf8) {
  EXPECT_EQ(parsed(R"("a\"b\\c\/d\b\f\n\r\t")").string, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(parsed(R"("\u00e9\u20AC")").string, "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(parsed(R"("\ud83d\ude00")").string, "\xF0\x9F\x98\x80");
  EXPECT_EQ(parsed("\"caf\xC3\xA9\"").string, "caf\xC3\xA9");
  // A lone surrogate is kept (as JSON.parse keeps it), encoded like any other code point.
  EXPECT_EQ(parsed(R"("\ud800")").string, "\xED\xA0\x80");
  EXPECT_EQ(parsed(R"("\ud800\u0041")").string, "\xED\xA0\x80" "A");
}

TEST(Json, RejectsWhatJsonDoesNotAllow) {
  const char* const bad[] = {
      "",        "   ",        "{",          "}",           "[1,]",          "{\"a\":1,}",   "{a:1}",     "'s'",
      "01",      "1.",         ".5",         "1e",          "+1",            "-",            "tru",       "nul",
      "NaN",     "Infinity",   "[1 2]",      "{\"a\" 1}",   "\"\\x\"",       "\"\\u12\"",    "\"\\u12\"x",
      "\"tab\there\"", "\"\\\"", "{} {}", "1 2", "\"unterminated", "1e400", "-1e400",
  };
  for (const char* text : bad) {
    JsonValue v;
    EXPECT_FALSE(parse_json(text, v)) << text;
  }
}

TEST(Json, DepthIsBounded) {
  std::string ok(32, '['), deep(33, '[');
  ok += std::string(32, ']');
  deep += std::string(33, ']');
  JsonValue v;
  EXPECT_TRUE(parse_json(ok, v));
  EXPECT_FALSE(parse_json(deep, v));
  std::string hostile(100000, '[');
  EXPECT_FALSE(parse_json(hostile, v));
  EXPECT_TRUE(parse_json("[[1]]", v, 2));
  EXPECT_FALSE(parse_json("[[[1]]]", v, 2));
}

TEST(Json, QuoteEscapesAndRoundTrips) {
  EXPECT_EQ(json_quote("ping"), "\"ping\"");
  EXPECT_EQ(json_quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
  EXPECT_EQ(json_quote("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
  const std::string s = std::string("x\x1f\t\"\\/y\0z", 9);
  EXPECT_EQ(parsed(json_quote(s)).string, s);
}

}  // namespace
}  // namespace numeneon::realtime
