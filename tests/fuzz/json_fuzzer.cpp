// Fuzzes the JSON reader behind options and type specs (parse_json, config_from_json,
// type_spec_from_json) against nlohmann::json as the reference. Invariants:
//  - outside the classes where nlohmann differs on purpose (oracle.hpp) and within the depth limit, both
//    accept or both reject;
//  - when both accept, the trees agree: kinds, decoded strings, member keys in order, and numbers
//    (exactly for integers below 2^53, else within a relative 1e-14);
//  - json_quote of every decoded string parses back to the same string;
//  - config_from_json and type_spec_from_json never crash, and accept only what the reader accepts.
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "numeneon/realtime/config.hpp"
#include "numeneon/realtime/json.hpp"
#include "numeneon/realtime/router.hpp"
#include "oracle.hpp"

namespace nrt = numeneon::realtime;
using nrt_fuzz::check;
using Kind = nrt::JsonValue::Kind;

namespace {

constexpr uint32_t kDepth = 32;

// Bracket nesting outside strings: what the reader's depth limit counts.
size_t max_nesting(std::string_view s) {
  size_t depth = 0, best = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      best = std::max(best, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return best;
}

void same_number(double mine, const nlohmann::json& ref) {
  const double want = ref.get<double>();
  if (ref.is_number_integer() && std::fabs(want) < 9007199254740992.0) {
    check(mine == want, "an integer below 2^53 was not read exactly");
  } else if (std::isinf(want) || std::isinf(mine)) {
    check(std::isinf(mine) == std::isinf(want) || std::fabs(mine) > 1e307 || std::fabs(want) > 1e307,
          "overflow disagrees");
  } else if (want != mine) {
    check(std::fabs(mine - want) <= 1e-14 * std::fabs(want) || std::fabs(want) < 1e-300, "number differs");
  }
}

void same_tree(const nrt::JsonValue& mine, const nlohmann::json& ref) {
  switch (mine.kind) {
    case Kind::null: check(ref.is_null(), "null kind"); break;
    case Kind::boolean: check(ref.is_boolean() && ref.get<bool>() == mine.boolean, "boolean"); break;
    case Kind::number: check(ref.is_number(), "number kind"); same_number(mine.number, ref); break;
    case Kind::string: {
      check(ref.is_string() && ref.get_ref<const std::string&>() == mine.string, "decoded string");
      nrt::JsonValue back;
      check(nrt::parse_json(nrt::json_quote(mine.string), back) && back.string == mine.string, "json_quote round trip");
      break;
    }
    case Kind::array:
      check(ref.is_array() && ref.size() == mine.items.size(), "array size");
      for (size_t i = 0; i < mine.items.size(); ++i) same_tree(mine.items[i], ref[i]);
      break;
    case Kind::object:
      // nlohmann keeps the last of repeated keys, in sorted order; compare through find(), which does too.
      check(ref.is_object(), "object kind");
      for (const nrt::JsonMember& m : mine.members) {
        auto it = ref.find(m.key);
        check(it != ref.end(), "member missing in the reference");
        same_tree(*mine.find(m.key), *it);
      }
      for (auto it = ref.begin(); it != ref.end(); ++it) check(mine.find(it.key()) != nullptr, "member missing");
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  nrt::JsonValue mine;
  const bool ok = nrt::parse_json(text, mine, kDepth);

  if (!nrt_fuzz::reference_differs(text) && max_nesting(text) <= kDepth) {
    nlohmann::json ref = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    check(ok == !ref.is_discarded(), ok ? "accepted what the reference rejects" : "rejected what the reference accepts");
    if (ok) same_tree(mine, ref);
  }

  const nrt::ConfigResult config = nrt::config_from_json(text);
  check(!config.ok() || ok, "options accepted from text the reader rejects");
  nrt::TypeSpec spec;
  if (nrt::type_spec_from_json(text, spec).empty())
    check(ok && mine.find("name") && mine.find("name")->string == spec.name, "type spec accepted without its name");
  return 0;
}
