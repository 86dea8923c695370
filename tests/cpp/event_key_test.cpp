#include "numeneon/realtime/event_key.hpp"

#include <gtest/gtest.h>

#include <string>

namespace numeneon::realtime {
namespace {

std::string canonical(ValueKind kind, const std::string& raw) {
  char out[kMaxKeyBytes];
  int len = canonical_key(kind, raw, out);
  return len < 0 ? "<invalid>" : std::string(out, static_cast<size_t>(len));
}
std::string number(const std::string& raw) { return canonical(ValueKind::number, raw); }
std::string string(const std::string& raw) { return canonical(ValueKind::string, raw); }

TEST(EventKey, EverySpellingOfANumberHasOneForm) {
  for (const char* twelve : {"12", "12.0", "12.000", "1.2e1", "1.2E+1", "120e-1", "0.12e2"}) EXPECT_EQ(number(twelve), "12") << twelve;
  EXPECT_EQ(number("0"), "0");
  EXPECT_EQ(number("-0"), "0");
  EXPECT_EQ(number("0.0e5"), "0");
  EXPECT_EQ(number("-12"), "-12");
  EXPECT_EQ(number("1.50"), "1.5");
  EXPECT_EQ(number("15e-1"), "1.5");
  EXPECT_EQ(number("0.05"), number("5e-2"));
  EXPECT_EQ(number("1e21"), number("10e20"));
  EXPECT_NE(number("1e21"), number("1e20"));
  EXPECT_EQ(number("12345678901234567890"), "12345678901234567890") << "exact, not rounded to a double";
  EXPECT_NE(number("12345678901234567890"), number("12345678901234567891"));
}

TEST(EventKey, NonNumbersAreRefused) {
  for (const char* bad : {"", "-", "01", "1.", ".5", "1e", "1e+", "abc", "1 ", "NaN", "Infinity", "--1"})
    EXPECT_EQ(number(bad), "<invalid>") << bad;
}

TEST(EventKey, StringsAreTheirDecodedContentAndMatchTheNumberTheySpell) {
  EXPECT_EQ(string(R"("12")"), "12");
  EXPECT_EQ(string(R"("\u0031\u0032")"), "12");
  EXPECT_EQ(string(R"("a\"b")"), "a\"b");
  EXPECT_EQ(string(R"("12.0")"), "12.0") << "a string is taken literally";
  EXPECT_EQ(string("12"), "<invalid>");
  EXPECT_EQ(canonical(ValueKind::object, "{}"), "<invalid>");
}

TEST(EventKey, KeysAreCanonicalPerRouteAndDependOnTheSecret) {
  EventKeys keys({1, 2});
  EXPECT_EQ(keys.of_value(3, ValueKind::number, "12"), keys.of_value(3, ValueKind::string, R"("12")"));
  EXPECT_EQ(keys.of_value(3, ValueKind::number, "12"), keys.of_value(3, ValueKind::number, "1.2e1"));
  EXPECT_NE(keys.of_value(3, ValueKind::number, "12"), keys.of_value(4, ValueKind::number, "12"));
  EXPECT_NE(keys.of_value(3, ValueKind::number, "0"), keys.of_value(3, ValueKind::null, "null"));
  EXPECT_EQ(keys.of_value(3, ValueKind::null, "null"), 0u);
  EventKeys other({1, 3});
  EXPECT_NE(keys.of_value(3, ValueKind::number, "12"), other.of_value(3, ValueKind::number, "12"));
  EXPECT_NE(keys.of_content(3, "frame"), other.of_content(3, "frame"));
  EXPECT_NE(keys.of_content(3, "frame"), keys.of_content(3, "framf"));
}

TEST(EventKey, AStringTooLongToCanonicaliseStillHasAStableKey) {
  EventKeys keys({5, 6});
  std::string big = "\"" + std::string(400, 'x') + "\"";
  EXPECT_NE(keys.of_value(1, ValueKind::string, big), 0u);
  EXPECT_EQ(keys.of_value(1, ValueKind::string, big), keys.of_value(1, ValueKind::string, big));
  EXPECT_NE(keys.of_value(1, ValueKind::string, big), keys.of_value(1, ValueKind::string, "\"" + std::string(401, 'x') + "\""));
}

}  // namespace
}  // namespace numeneon::realtime
