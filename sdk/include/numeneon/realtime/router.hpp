// The route table: which frame types exist, what each must contain, how each is de-duplicated,
// and whether anybody listens to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "numeneon/realtime/codes.hpp"
#include "numeneon/realtime/frame_scan.hpp"

namespace numeneon::realtime {

struct FieldSpec {
  std::string path;               // dotted path from the frame root, e.g. "data.request_id"
  FieldKind kind = FieldKind::any;
};

struct TypeSpec {
  std::string name;                // the frame's "type"
  std::vector<FieldSpec> required; // a frame without these is rejected as invalid_payload
  std::string dedupe_key;          // dotted path to a scalar identifying the event; empty = none
  bool dedupe_content = false;     // with no key (or the key absent), de-duplicate on the whole frame
  std::string probe;               // a path captured but not required (echo's data.type for the heartbeat,
                                   // connection_established's resume verdict)
};

constexpr uint8_t kNoPath = 0xFF;

struct Route {
  TypeSpec spec;
  std::vector<std::string> components;  // owns the strings `paths` points into
  PathSet paths;                        // required fields, the dedupe key, the probe, the event id
  uint8_t dedupe_path = kNoPath;
  uint8_t probe_path = kNoPath;
  uint8_t event_id_path = kNoPath;
  uint32_t subscribers = 0;
};

class Router {
 public:
  // Adds a type, or replaces the schema of a known one (keeping its id and subscribers).
  // Returns the route id, or -1 with `error` set to one sentence.
  int32_t add(TypeSpec spec, std::string& error);

  // -1 when the type is not registered. Allocation-free.
  int32_t find(std::string_view name) const;

  const Route& route(int32_t id) const { return *routes_[static_cast<size_t>(id)]; }
  size_t size() const { return routes_.size(); }

  void add_subscriber(int32_t id) { ++routes_[static_cast<size_t>(id)]->subscribers; }
  void remove_subscriber(int32_t id);
  void set_wildcard(bool on) { wildcard_ = on; }
  // A top-level path every type is scanned for (the resume extension's "event_id"); set before add().
  void set_event_id_path(std::string path) { event_id_path_ = std::move(path); }
  bool wildcard() const { return wildcard_; }

 private:
  void rehash();

  std::vector<std::unique_ptr<Route>> routes_;  // stable addresses: PathSet views into each Route
  std::vector<int32_t> slots_;                  // open addressing over names; -1 = empty
  bool wildcard_ = false;
  std::string event_id_path_;
};

// Reads a type spec from the JSON the JS side passes to registerType:
//   {"name": "...", "required": {"data.id": "number", ...}, "dedupeKey": "data.id", "dedupeContent": false}
// `required` kinds: any, string, number, object, array, boolean. Returns "" or one sentence.
std::string type_spec_from_json(std::string_view json, TypeSpec& out);

// The frame types of the NUMENEON protocol (../shared/PROTOCOL.md), with their required fields and
// de-duplication keys.
std::vector<TypeSpec> numeneon_types();

}  // namespace numeneon::realtime
