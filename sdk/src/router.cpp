// Route table and the NUMENEON schema.
#include "numeneon/realtime/router.hpp"

#include "hash.hpp"

namespace numeneon::realtime {
namespace {

// Splits "a.b.c" into its components; false if a component is empty or there are too many.
bool split_path(const std::string& path, std::vector<std::string>& out) {
  out.clear();
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > kMaxComponentBytes) return false;
    out.push_back(std::move(part));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out.size() <= kMaxPathDepth;
}

bool field_kind(std::string_view s, FieldKind& out) {
  static const char* const kKinds[] = {"any", "string", "number", "object", "array", "boolean"};
  for (uint8_t k = 0; k < 6; ++k)
    if (s == kKinds[k]) return out = static_cast<FieldKind>(k), true;
  return false;
}

}  // namespace

std::string type_spec_from_fields(std::string_view fields, TypeSpec& out) {
  std::vector<std::string_view> f;
  for (size_t start = 0;;) {
    size_t nul = fields.find('\0', start);
    f.push_back(fields.substr(start, nul == std::string_view::npos ? std::string_view::npos : nul - start));
    if (nul == std::string_view::npos) break;
    start = nul + 1;
  }
  if (f.size() < 3 || f.size() % 2 == 0 || (f[2] != "0" && f[2] != "1")) return "a type spec must be name, key, content flag, then path/kind pairs";
  out = TypeSpec{};
  out.name = std::string(f[0]);
  out.dedupe_key = std::string(f[1]);
  out.dedupe_content = f[2] == "1";
  for (size_t k = 3; k < f.size(); k += 2) {
    if (f[k + 1].size() != 1 || f[k + 1][0] < '0' || f[k + 1][0] > '5') return "a required field's kind must be a FieldKind";
    out.required.push_back({std::string(f[k]), static_cast<FieldKind>(f[k + 1][0] - '0')});
  }
  return "";
}

void Router::set_internal_path(std::string type, std::string path) {
  internal_.emplace_back(std::move(type), std::move(path));
}

int32_t Router::add(TypeSpec spec, std::string& error, bool implicit) {
  if (spec.name.empty() || spec.name.size() > kMaxTypeNameBytes || spec.name == "*") {
    error = "a type name must be 1 to 128 bytes and not '*'";
    return -1;
  }
  int32_t id = find(spec.name);
  if (implicit && id >= 0) return id;  // a subscription never replaces a declaration
  std::vector<const std::string*> internal;
  for (const auto& [type, path] : internal_)
    if (type == spec.name && internal.size() < kInternalPaths) internal.push_back(&path);
  size_t path_count = spec.required.size() + (spec.dedupe_key.empty() ? 0 : 1) + internal.size() +
                      (event_id_path_.empty() ? 0 : 1);
  if (path_count > kMaxPaths) {
    error = "type '" + spec.name + "' declares too many paths (at most 8, with the dedupe key and internal ones)";
    return -1;
  }
  auto route = std::make_unique<Route>();
  route->implicit = implicit;
  std::vector<std::string> parts;
  std::vector<std::string> all_parts;
  std::vector<uint8_t> depths;
  auto add_path = [&](const std::string& path) {
    if (!split_path(path, parts)) {
      error = "type '" + spec.name + "': path '" + path + "' must be 1 to 4 dotted components of 1 to 64 bytes";
      return false;
    }
    depths.push_back(static_cast<uint8_t>(parts.size()));
    for (size_t k = 0; k < kMaxPathDepth; ++k) all_parts.push_back(k < parts.size() ? parts[k] : std::string());
    return true;
  };
  for (const FieldSpec& f : spec.required)
    if (!add_path(f.path)) return -1;
  if (!spec.dedupe_key.empty()) {
    // A key that is also a required field (new_message's data.id) is captured once.
    for (size_t f = 0; f < spec.required.size(); ++f)
      if (spec.required[f].path == spec.dedupe_key) route->dedupe_path = static_cast<uint8_t>(f);
    if (route->dedupe_path == kNoPath) {
      if (!add_path(spec.dedupe_key)) return -1;
      route->dedupe_path = static_cast<uint8_t>(depths.size() - 1);
    }
  }
  for (size_t k = 0; k < internal.size(); ++k) {
    if (!add_path(*internal[k])) return -1;
    route->internal_path[k] = static_cast<uint8_t>(depths.size() - 1);
  }
  if (!event_id_path_.empty()) {
    if (!add_path(event_id_path_)) return -1;
    route->event_id_path = static_cast<uint8_t>(depths.size() - 1);
  }
  route->components = std::move(all_parts);
  route->paths.count = static_cast<uint8_t>(depths.size());
  for (size_t p = 0; p < depths.size(); ++p) {
    route->paths.depth[p] = depths[p];
    for (size_t k = 0; k < kMaxPathDepth; ++k) route->paths.component[p][k] = route->components[p * kMaxPathDepth + k];
  }
  route->spec = std::move(spec);

  if (id >= 0) {
    route->subscribers = routes_[static_cast<size_t>(id)]->subscribers;
    routes_[static_cast<size_t>(id)] = std::move(route);
    return id;
  }
  for (size_t free = 0; free < routes_.size(); ++free) {
    if (routes_[free]) continue;
    routes_[free] = std::move(route);
    rehash();
    return static_cast<int32_t>(free);
  }
  id = static_cast<int32_t>(routes_.size());
  routes_.push_back(std::move(route));
  if (routes_.size() * 2 > slots_.size()) {
    rehash();
  } else {
    size_t mask = slots_.size() - 1;
    size_t slot = detail::hash_bytes(routes_.back()->spec.name) & mask;
    while (slots_[slot] >= 0) slot = (slot + 1) & mask;
    slots_[slot] = id;
  }
  return id;
}

void Router::remove(int32_t id) {
  if (!valid(id)) return;
  routes_[static_cast<size_t>(id)].reset();
  rehash();
}

int32_t Router::find(std::string_view name) const {
  if (slots_.empty()) return -1;
  size_t mask = slots_.size() - 1;
  for (size_t slot = detail::hash_bytes(name) & mask;; slot = (slot + 1) & mask) {
    int32_t id = slots_[slot];
    if (id < 0) return -1;
    if (routes_[static_cast<size_t>(id)]->spec.name == name) return id;
  }
}

uint32_t Router::remove_subscriber(int32_t id) {
  Route& r = *routes_[static_cast<size_t>(id)];
  if (r.subscribers) --r.subscribers;
  return r.subscribers;
}

void Router::rehash() {
  size_t size = 16;
  while (size < routes_.size() * 4) size *= 2;
  slots_.assign(size, -1);
  for (size_t id = 0; id < routes_.size(); ++id) {
    if (!routes_[id]) continue;
    size_t slot = detail::hash_bytes(routes_[id]->spec.name) & (size - 1);
    while (slots_[slot] >= 0) slot = (slot + 1) & (size - 1);
    slots_[slot] = static_cast<int32_t>(id);
  }
}

std::vector<TypeSpec> numeneon_types() {
  // Keys follow the rule in router.hpp: each names the event (a request, a message, a post, a comment).
  // friend_accepted has none (data.friend.id is the friend, who may accept again), nor do echo and error;
  // echo's data is whatever the client sent, null included. One table, read in a loop: spelled out as
  // TypeSpec initialisers it cost a few kilobytes of Wasm.
  struct BuiltIn {
    const char* name;
    const char* required;  // "path:kind path:kind ..."
    const char* key;
  };
  static const BuiltIn kBuiltIns[] = {
      {"connection_established", "user_id:any", ""},
      {"friend_request", "data.request_id:number data.from_user:object", "data.request_id"},
      {"friend_accepted", "data.friend:object", ""},
      {"new_message", "data.id:number data.sender:object data.content:string", "data.id"},
      {"new_post", "data.id:number data.author:object", "data.id"},
      {"wall_post", "data.post:object data.author:object", "data.post.id"},
      {"post_comment", "data.comment:object data.post:object data.commenter:object", "data.comment.id"},
      {"comment_reply", "data.reply:object data.post:object", "data.reply.id"},
      {"echo", "", ""},
      {"error", "message:string", ""},
      // The reference backend's extensions (features in connection_established): state and volatile
      // signals, so no keys; message_read's (reader, up_to) only moves forward and repeats are harmless.
      {"presence", "data.user_id:number data.online:boolean", ""},
      {"presence_snapshot", "data.users:array", ""},
      {"typing", "data.user_id:number data.typing:boolean", ""},
      {"message_read", "data.reader_id:number data.up_to:number", ""},
  };
  std::vector<TypeSpec> out;
  for (const BuiltIn& b : kBuiltIns) {
    TypeSpec spec;
    spec.name = b.name;
    spec.dedupe_key = b.key;
    std::string_view rest = b.required;
    while (!rest.empty()) {
      size_t space = rest.find(' ');
      std::string_view field = rest.substr(0, space);
      size_t colon = field.find(':');
      FieldKind kind = FieldKind::any;
      field_kind(field.substr(colon + 1), kind);
      spec.required.push_back({std::string(field.substr(0, colon)), kind});
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace numeneon::realtime
