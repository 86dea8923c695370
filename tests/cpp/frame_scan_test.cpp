#include "numeneon/realtime/frame_scan.hpp"

#include <gtest/gtest.h>

#include <string>

namespace numeneon::realtime {
namespace {

// Captures data.id (number) and data.sender (object) for every type, unless told to stop.
struct Resolver : TypeResolver {
  Resolver() {
    paths.count = 3;
    paths.depth[0] = 2;
    paths.component[0][0] = "data";
    paths.component[0][1] = "id";
    paths.depth[1] = 2;
    paths.component[1][0] = "data";
    paths.component[1][1] = "sender";
    paths.depth[2] = 3;
    paths.component[2][0] = "data";
    paths.component[2][1] = "sender";
    paths.component[2][2] = "username";
  }
  Resolution resolve(std::string_view type) override {
    seen = std::string(type);
    ++calls;
    return {stop, &paths, 7};
  }
  PathSet paths;
  bool stop = false;
  std::string seen;
  int calls = 0;
};

ScanResult scan(const std::string& frame, Resolver& r, uint32_t depth = 64) {
  static FrameScanner scanner;  // outlives the result: an escaped type points into its buffer
  ScanResult out;
  scanner.scan(frame, depth, r, out);
  return out;
}

std::string text(const std::string& frame, const Capture& c) { return frame.substr(c.offset, c.length); }

TEST(FrameScan, FindsTypeAndCapturesPaths) {
  Resolver r;
  std::string f = R"({"type":"new_message","data":{"id":17,"sender":{"id":2,"username":"alice"},"content":"x"}})";
  ScanResult s = scan(f, r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(s.type, "new_message");
  EXPECT_EQ(r.seen, "new_message");
  EXPECT_TRUE(s.captures_complete);
  EXPECT_EQ(s.captures[0].kind, ValueKind::number);
  EXPECT_EQ(text(f, s.captures[0]), "17");
  EXPECT_EQ(s.captures[1].kind, ValueKind::object);
  EXPECT_EQ(s.captures[2].kind, ValueKind::string);
  EXPECT_EQ(text(f, s.captures[2]), "\"alice\"");
}

TEST(FrameScan, StopsReadingOnceTheResolverSaysTheTypeIsNotWanted) {
  Resolver r;
  r.stop = true;
  // The tail is garbage: it is never read.
  std::string f = R"({"type":"new_post","data":{"id":1 !!! not json)";
  ScanResult s = scan(f, r);
  EXPECT_EQ(s.error, ErrorCode::none);
  EXPECT_TRUE(s.stopped);
  EXPECT_EQ(s.type, "new_post");
}

TEST(FrameScan, TypeAfterOtherMembersAsksForARescanWithKnownPaths) {
  Resolver r;
  std::string f = R"({"data":{"id":5,"sender":{"username":"bob"}},"type":"new_message"})";
  FrameScanner scanner;
  ScanResult first;
  scanner.scan(f, 64, r, first);
  ASSERT_EQ(first.error, ErrorCode::none);
  EXPECT_FALSE(first.captures_complete);
  ScanResult second;
  scanner.scan(f, 64, r, second, &r.paths);
  EXPECT_EQ(r.calls, 1);  // the rescan does not ask the resolver again
  EXPECT_EQ(text(f, second.captures[0]), "5");
  EXPECT_EQ(text(f, second.captures[2]), "\"bob\"");
}

TEST(FrameScan, DoesNotCaptureInsideArraysOrAtTheWrongDepth) {
  Resolver r;
  std::string f = R"({"type":"t","list":[{"data":{"id":1}}],"x":{"data":{"id":2}},"data":{"other":{"id":3}}})";
  ScanResult s = scan(f, r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(s.captures[0].kind, ValueKind::missing);
}

TEST(FrameScan, DecodesAnEscapedType) {
  Resolver r;
  ScanResult s = scan(R"({"type":"new\u005fmessage","data":{}})", r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(s.type, "new_message");
  EXPECT_EQ(s.route, 7) << "the resolver's route is passed through";
}

TEST(FrameScan, AnEscapedTypeLongerThanAnyNameIsNotDecodedAndMatchesNothing) {
  Resolver r;
  std::string name;
  for (int i = 0; i < 200; ++i) name += "\\u0061";
  ScanResult s = scan(R"({"type":")" + name + R"(","data":{}})", r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(r.seen, "");
}

// JSON.parse decodes member names and keeps the last of repeated ones: the captures must describe the
// same object a handler will receive.
TEST(FrameScan, MembersAreReadAsJsonParseReadsThem) {
  Resolver r;
  std::string escaped = R"({"type":"t","d\u0061ta":{"\u0069d":5}})";
  ScanResult s = scan(escaped, r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(text(escaped, s.captures[0]), "5");

  std::string repeated = R"({"type":"t","data":{"id":1,"sender":{"username":"a"}},"data":null})";
  s = scan(repeated, r);
  ASSERT_EQ(s.error, ErrorCode::none);
  EXPECT_EQ(s.captures[0].kind, ValueKind::missing);
  EXPECT_EQ(s.captures[1].kind, ValueKind::missing);
  EXPECT_EQ(s.captures[2].kind, ValueKind::missing);

  std::string inner = R"({"type":"t","data":{"id":1,"id":"2","sender":{"username":"a"},"sender":{}}})";
  s = scan(inner, r);
  EXPECT_EQ(text(inner, s.captures[0]), "\"2\"");
  EXPECT_EQ(s.captures[1].kind, ValueKind::object);
  EXPECT_EQ(s.captures[2].kind, ValueKind::missing) << "the later sender has no username";
}

TEST(FrameScan, AcceptsEveryJsonValueKind) {
  Resolver r;
  std::string f =
      " {\"type\" : \"t\" , \"a\":[1,-2.5e+3,0,true,false,null,\"s\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\",[],{}],"
      "\"data\":{\"id\":-0.5E-2,\"sender\":null}} \n";
  ScanResult s = scan(f, r);
  ASSERT_EQ(s.error, ErrorCode::none) << to_string(s.error);
  EXPECT_EQ(text(f, s.captures[0]), "-0.5E-2");
  EXPECT_EQ(s.captures[1].kind, ValueKind::null);
}

struct BadRow {
  const char* name;
  std::string frame;
  ErrorCode expect;
};

TEST(FrameScan, EveryMalformedInputClassGetsItsError) {
  const BadRow rows[] = {
      {"empty", "", ErrorCode::invalid_json},
      {"whitespace", "  \n", ErrorCode::invalid_json},
      {"garbage", "hello", ErrorCode::invalid_json},
      {"array", R"([{"type":"x"}])", ErrorCode::not_object},
      {"string", R"("type")", ErrorCode::not_object},
      {"number", "42", ErrorCode::not_object},
      {"null", "null", ErrorCode::not_object},
      {"no type", R"({"data":{}})", ErrorCode::missing_type},
      {"nested type only", R"({"data":{"type":"x"}})", ErrorCode::missing_type},
      {"numeric type", R"({"type":5})", ErrorCode::type_not_string},
      {"null type", R"({"type":null})", ErrorCode::type_not_string},
      {"object type", R"({"type":{"a":1}})", ErrorCode::type_not_string},
      {"two types", R"({"type":"a","type":"b"})", ErrorCode::duplicate_type},
      {"two types, one escaped", R"({"type":"a","typ\u0065":"b"})", ErrorCode::duplicate_type},
      {"truncated", R"({"type":"a","data":{"id":1)", ErrorCode::invalid_json},
      {"trailing comma", R"({"type":"a",})", ErrorCode::invalid_json},
      {"trailing array comma", R"({"type":"a","x":[1,]})", ErrorCode::invalid_json},
      {"trailing garbage", R"({"type":"a"} x)", ErrorCode::invalid_json},
      {"two roots", R"({"type":"a"}{"type":"b"})", ErrorCode::invalid_json},
      {"single quotes", R"({'type':'a'})", ErrorCode::invalid_json},
      {"bad escape", R"({"type":"a\q"})", ErrorCode::invalid_json},
      {"short unicode escape", R"({"type":"a\u12"})", ErrorCode::invalid_json},
      {"raw control char", std::string("{\"type\":\"a\nb\"}"), ErrorCode::invalid_json},
      {"leading zero", R"({"type":"a","n":012})", ErrorCode::invalid_json},
      {"bare minus", R"({"type":"a","n":-})", ErrorCode::invalid_json},
      {"dot without digits", R"({"type":"a","n":1.})", ErrorCode::invalid_json},
      {"bad exponent", R"({"type":"a","n":1e})", ErrorCode::invalid_json},
      {"bad literal", R"({"type":"a","n":tru})", ErrorCode::invalid_json},
      {"mismatched brackets", R"({"type":"a","n":[1}})", ErrorCode::invalid_json},
      {"missing colon", R"({"type" "a"})", ErrorCode::invalid_json},
      {"unquoted key", R"({type:"a"})", ErrorCode::invalid_json},
      {"nul byte", std::string("{\"type\":\"a\"}\0", 13), ErrorCode::invalid_json},
  };
  for (const BadRow& row : rows) {
    Resolver r;
    EXPECT_EQ(scan(row.frame, r).error, row.expect) << row.name;
  }
}

TEST(FrameScan, HundredThousandDeepNestingIsRejectedWithoutRecursion) {
  Resolver r;
  std::string deep = R"({"type":"t","data":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(scan(deep, r).error, ErrorCode::too_deep);
  std::string objects = R"({"type":"t","data":)";
  for (int i = 0; i < 100000; ++i) objects += R"({"a":)";
  EXPECT_EQ(scan(objects, r).error, ErrorCode::too_deep);
}

TEST(FrameScan, DepthLimitIsExact) {
  Resolver r;
  // Root object is depth 1; "a":[[...]] adds one level per bracket.
  std::string at_limit = R"({"type":"t","a":)" + std::string(7, '[') + std::string(7, ']') + "}";
  EXPECT_EQ(scan(at_limit, r, 8).error, ErrorCode::none);
  std::string over = R"({"type":"t","a":)" + std::string(8, '[') + std::string(8, ']') + "}";
  EXPECT_EQ(scan(over, r, 8).error, ErrorCode::too_deep);
}

TEST(FrameScan, UnescapeHandlesSurrogatePairsAndRejectsBadEscapes) {
  std::string out;
  ASSERT_TRUE(unescape_json_string(R"(a\u00e9\ud83d\ude00\n)", out));
  EXPECT_EQ(out, "a\xc3\xa9\xf0\x9f\x98\x80\n");
  EXPECT_FALSE(unescape_json_string(R"(\x)", out));
  EXPECT_FALSE(unescape_json_string(R"(\u12)", out));
  EXPECT_FALSE(unescape_json_string("\\", out));
}

}  // namespace
}  // namespace numeneon::realtime
