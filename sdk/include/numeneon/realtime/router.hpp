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

// What the app (or the built-in NUMENEON schema) declares about a type.
//
// The de-duplication key must identify the *event*, not a subject of it: a message id, a request id, a
// comment id. `friend_accepted`'s data.friend.id names a person, who can accept again after an
// unfriend and a new request, so it has no key. Where no field identifies the event, leave the key
// empty: the frame is then never dropped as a duplicate.
struct TypeSpec {
  std::string name;                // the frame's "type"
  std::vector<FieldSpec> required; // a frame without these is rejected as invalid_payload
  std::string dedupe_key;          // dotted path to a scalar identifying the event; empty = none
  bool dedupe_content = false;     // with no key (or the key absent), de-duplicate on the whole frame
};

constexpr uint8_t kNoPath = 0xFF;
constexpr size_t kInternalPaths = 2;  // paths the manager captures for itself, per route

struct Route {
  TypeSpec spec;
  bool implicit = false;                // registered by a subscription, with no schema: dropped with it
  std::vector<std::string> components;  // owns the strings `paths` points into
  PathSet paths;                        // required fields, the dedupe key, internal paths, the event id
  uint8_t dedupe_path = kNoPath;
  uint8_t internal_path[kInternalPaths] = {kNoPath, kNoPath};
  uint8_t event_id_path = kNoPath;
  uint32_t subscribers = 0;
};

class Router {
 public:
  // Adds a type, or replaces the declaration of a known one (keeping its id, subscribers and internal
  // paths). Returns the route id, or -1 with `error` set to one sentence.
  int32_t add(TypeSpec spec, std::string& error, bool implicit = false);
  // Forgets a type (its id may be reused).
  void remove(int32_t id);

  // -1 when the type is not registered. Allocation-free.
  int32_t find(std::string_view name) const;

  bool valid(int32_t id) const { return id >= 0 && static_cast<size_t>(id) < routes_.size() && routes_[static_cast<size_t>(id)]; }
  const Route& route(int32_t id) const { return *routes_[static_cast<size_t>(id)]; }
  size_t size() const { return routes_.size(); }

  void add_subscriber(int32_t id) { ++routes_[static_cast<size_t>(id)]->subscribers; }
  // Returns the subscribers left.
  uint32_t remove_subscriber(int32_t id);
  void set_wildcard(bool on) { wildcard_ = on; }
  bool wildcard() const { return wildcard_; }

  // Set before add(): paths the owner captures for itself (up to kInternalPaths per type). They survive
  // an app re-declaring the type, so an app's schema can never break the protocol the owner speaks
  // through it.
  void set_internal_path(std::string type, std::string path);
  // A top-level path every type is scanned for (the resume extension's "event_id"); set before add().
  void set_event_id_path(std::string path) { event_id_path_ = std::move(path); }

 private:
  void rehash();

  std::vector<std::unique_ptr<Route>> routes_;  // stable addresses: PathSet views into each Route; null = free
  std::vector<int32_t> slots_;                  // open addressing over names; -1 = empty
  std::vector<std::pair<std::string, std::string>> internal_;  // type → internal path
  bool wildcard_ = false;
  std::string event_id_path_;
};

// Reads a type spec as the host passes it: NUL-separated fields
//   name, dedupe key ("" = none), dedupe_content ("1" / "0"), then a path and a FieldKind digit per
//   required field.
// The host checks the shape of its own object; the rules on names and paths are Router::add's.
// Returns "" or one sentence.
std::string type_spec_from_fields(std::string_view fields, TypeSpec& out);

// The frame types of the NUMENEON protocol (docs/PROTOCOL.md), with their required fields and
// de-duplication keys.
std::vector<TypeSpec> numeneon_types();

}  // namespace numeneon::realtime
