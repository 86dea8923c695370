// Thin Wasm bindings: a plain C ABI over the Manager, no Emscripten runtime and no JS glue.
//
// Strings from JS arrive in one scratch buffer (nrt_buffer): JS writes UTF-8 there, then calls the
// function with the byte length. Actions, events, names and stats go out through one float64 record
// (codes.hpp: Slot, StatSlot), strings as (pointer, length) into memory the binding owns until the next
// call. Errors cross as values (-1, 0, codes); nothing here throws or aborts on bad input.
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <new>
#include <string>

#include "numeneon/realtime/realtime.hpp"

namespace nrt = numeneon::realtime;

namespace {

// Milliseconds come from JS as doubles (performance.now()).
int64_t ms(double now) { return static_cast<int64_t>(now); }

struct Core {
  Core(nrt::Config config, nrt::KeySecret secret) : manager(std::move(config), secret) {}
  nrt::Manager manager;
  std::string text;  // the last string handed out (payload, route name, path)
};

int g_live_cores = 0;  // for the leak test: every Core must be destroyed by dispose() or the finalizer
unsigned char* g_buffer = nullptr;  // the scratch buffer: JS is single-threaded and copies in just before a call
size_t g_capacity = 0;
double g_record[nrt::kSlots];  // also holds the StatSlot counters
static_assert(nrt::kSlots > static_cast<uint32_t>(nrt::StatSlot::state) && nrt::kSlots >= nrt::kOptions,
              "the record holds the stats and the options too");
std::string g_error;

Core* core(uintptr_t handle) { return reinterpret_cast<Core*>(handle); }
std::string_view scratch(size_t len) { return {reinterpret_cast<const char*>(g_buffer), len}; }
void slot(nrt::Slot s, double v) { g_record[static_cast<size_t>(s)] = v; }
void hand_out(Core* c, std::string text) {
  c->text = std::move(text);
  slot(nrt::Slot::payload_ptr, static_cast<double>(reinterpret_cast<uintptr_t>(c->text.data())));
  slot(nrt::Slot::payload_len, static_cast<double>(c->text.size()));
}
int fail(std::string message) {
  g_error = std::move(message);
  return -1;
}

}  // namespace

extern "C" {

// The codes and record layout this module was built with (the hash of codes.hpp and this file,
// computed by CMake). The JS driver refuses a module with another number, so a stale .wasm next to
// newer JS fails loudly instead of mis-routing frames.
EMSCRIPTEN_KEEPALIVE uint32_t nrt_abi() { return NRT_ABI; }

// A scratch buffer of at least `size` bytes (grown on demand, never shrunk), or 0 if memory ran out.
EMSCRIPTEN_KEEPALIVE unsigned char* nrt_buffer(size_t size) {
  if (size > g_capacity) {
    std::free(g_buffer);
    g_capacity = size < 4096 ? 4096 : size;
    g_buffer = static_cast<unsigned char*>(std::malloc(g_capacity));
    if (!g_buffer) g_capacity = 0;
  }
  return g_buffer;
}

EMSCRIPTEN_KEEPALIVE double* nrt_record() { return g_record; }
EMSCRIPTEN_KEEPALIVE const char* nrt_error() { return g_error.c_str(); }
EMSCRIPTEN_KEEPALIVE int nrt_live_cores() { return g_live_cores; }

// The options as numbers in the record (Option slots, NaN = the default), the heartbeat ping (or
// nothing) in the scratch buffer; the secret is four random 32-bit draws. 0 when the options are
// unusable (the record's OptionErrorSlot slots say why) or memory ran out (nrt_error() says so).
EMSCRIPTEN_KEEPALIVE uintptr_t nrt_create(size_t ping_len, uint32_t s0, uint32_t s1, uint32_t s2, uint32_t s3) {
  double options[nrt::kOptions];
  for (uint32_t k = 0; k < nrt::kOptions; ++k) options[k] = g_record[k];
  nrt::Config config;
  nrt::ConfigError e = nrt::config_from_options(options, scratch(ping_len), config);
  if (!e.ok()) {
    using S = nrt::OptionErrorSlot;
    g_record[static_cast<size_t>(S::code)] = static_cast<double>(e.code);
    g_record[static_cast<size_t>(S::option)] = static_cast<double>(e.option);
    g_record[static_cast<size_t>(S::low)] = e.low;
    g_record[static_cast<size_t>(S::high)] = e.high;
    g_record[static_cast<size_t>(S::value)] = e.value;
    return 0;
  }
  g_record[static_cast<size_t>(nrt::OptionErrorSlot::code)] = 0;
  nrt::KeySecret secret{(uint64_t{s0} << 32) | s1, (uint64_t{s2} << 32) | s3};
  Core* c = new (std::nothrow) Core(std::move(config), secret);
  if (!c) return fail("out of memory"), 0;
  ++g_live_cores;
  return reinterpret_cast<uintptr_t>(c);
}

EMSCRIPTEN_KEEPALIVE void nrt_destroy(uintptr_t h) {
  delete core(h);
  --g_live_cores;
}

EMSCRIPTEN_KEEPALIVE void nrt_connect(uintptr_t h, double now) { core(h)->manager.connect(ms(now)); }
EMSCRIPTEN_KEEPALIVE void nrt_close(uintptr_t h, double now, int code, size_t len) {
  core(h)->manager.close(ms(now), static_cast<uint16_t>(code), scratch(len));
}
EMSCRIPTEN_KEEPALIVE void nrt_abandon(uintptr_t h, double now) { core(h)->manager.abandon(ms(now)); }
EMSCRIPTEN_KEEPALIVE int nrt_send(uintptr_t h, double now, size_t len, int is_volatile) {
  return static_cast<int>(core(h)->manager.send(ms(now), std::string(scratch(len)), is_volatile));
}

EMSCRIPTEN_KEEPALIVE int nrt_typing(uintptr_t h, double now, double peer, int is_typing) {
  return static_cast<int>(core(h)->manager.typing(ms(now), static_cast<int64_t>(peer), is_typing));
}
EMSCRIPTEN_KEEPALIVE void nrt_set_features(uintptr_t h, uint32_t features) { core(h)->manager.set_features(features); }

EMSCRIPTEN_KEEPALIVE void nrt_handle_token(uintptr_t h, double now, uint32_t socket, int outcome, double draw) {
  core(h)->manager.handle_token(ms(now), socket, static_cast<nrt::TokenOutcome>(outcome), draw);
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_open(uintptr_t h, double now, uint32_t socket) {
  core(h)->manager.handle_open(ms(now), socket);
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_close(uintptr_t h, double now, uint32_t socket, int code, int error, int status,
                                           double retry_after_ms, double draw) {
  nrt::SocketClose close{static_cast<uint16_t>(code), static_cast<nrt::SocketError>(error), static_cast<uint16_t>(status),
                         static_cast<uint32_t>(retry_after_ms)};
  core(h)->manager.handle_close(ms(now), socket, close, draw);
}
EMSCRIPTEN_KEEPALIVE int nrt_handle_send_failed(uintptr_t h, double now, uint32_t socket, size_t len, int app_frame,
                                                double draw) {
  return static_cast<int>(core(h)->manager.handle_send_failed(ms(now), socket, std::string(scratch(len)), app_frame, draw));
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_auth_evidence(uintptr_t h, double now, int evidence, double draw) {
  core(h)->manager.handle_auth_evidence(ms(now), static_cast<nrt::AuthEvidence>(evidence), draw);
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_network(uintptr_t h, double now, int online) {
  core(h)->manager.handle_network(ms(now), online);
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_wake(uintptr_t h, double now) { core(h)->manager.handle_wake(ms(now)); }
EMSCRIPTEN_KEEPALIVE void nrt_resume_from(uintptr_t h, double event_id) {
  core(h)->manager.resume_from(static_cast<int64_t>(event_id));
}
EMSCRIPTEN_KEEPALIVE void nrt_handle_timeout(uintptr_t h, double now, double draw) {
  core(h)->manager.handle_timeout(ms(now), draw);
}
EMSCRIPTEN_KEEPALIVE double nrt_next_deadline(uintptr_t h) {
  int64_t d = core(h)->manager.next_deadline();
  return d == nrt::kNever ? -1.0 : static_cast<double>(d);
}

namespace {
uint32_t pack(const nrt::Decision& d) {
  namespace p = nrt::packed;
  uint32_t field = d.field == nrt::kNoPath ? p::kNoField : d.field;
  return static_cast<uint32_t>(d.verdict) | (static_cast<uint32_t>(d.error) << p::kErrorShift) |
         (field << p::kFieldShift) | (d.events ? p::kEventsBit : 0u) | (static_cast<uint32_t>(d.route + 1) << p::kRouteShift);
}
}  // namespace

// The frame is the first `len` bytes of the scratch buffer. Returns the packed decision (codes.hpp).
EMSCRIPTEN_KEEPALIVE uint32_t nrt_ingest(uintptr_t h, double now, uint32_t socket, size_t len) {
  return pack(core(h)->manager.handle_frame(ms(now), socket, scratch(len)));
}
EMSCRIPTEN_KEEPALIVE uint32_t nrt_ingest_unread(uintptr_t h, double now, uint32_t socket, int reason) {
  return pack(core(h)->manager.handle_unread_frame(ms(now), socket, static_cast<nrt::UnreadReason>(reason)));
}

// Fill the record; return the kind, or -1 when there is nothing to poll.
EMSCRIPTEN_KEEPALIVE int nrt_poll_action(uintptr_t h) {
  Core* c = core(h);
  nrt::Action a;
  if (!c->manager.poll_action(a)) return -1;
  using S = nrt::Slot;
  slot(S::kind, static_cast<double>(a.kind));
  slot(S::socket, a.socket);
  slot(S::token_reason, static_cast<double>(a.token_reason));
  slot(S::attempt, a.attempt);
  slot(S::resume_from, static_cast<double>(a.resume_from));
  slot(S::close_code, a.close_code);
  slot(S::abort, a.abort);
  slot(S::app_frame, a.app_frame);
  hand_out(c, std::move(a.payload));
  return static_cast<int>(a.kind);
}

EMSCRIPTEN_KEEPALIVE int nrt_poll_event(uintptr_t h) {
  nrt::Event e;
  if (!core(h)->manager.poll_event(e)) return -1;
  using S = nrt::Slot;
  slot(S::kind, static_cast<double>(e.kind));
  slot(S::from, static_cast<double>(e.from));
  slot(S::to, static_cast<double>(e.to));
  slot(S::reason, static_cast<double>(e.reason));
  slot(S::attempt, e.attempt);
  slot(S::delay_ms, e.delay_ms);
  slot(S::close_code, e.close_code);
  slot(S::downtime_ms, static_cast<double>(e.downtime_ms));
  slot(S::error, static_cast<double>(e.error));
  slot(S::count, e.count);
  slot(S::peer, static_cast<double>(e.peer));
  return static_cast<int>(e.kind);
}

// A type spec's fields (type_spec_from_fields) in the scratch buffer. The route id, or -1 (nrt_error()
// says why).
EMSCRIPTEN_KEEPALIVE int nrt_register_type(uintptr_t h, size_t len) {
  nrt::TypeSpec spec;
  std::string error = nrt::type_spec_from_fields(scratch(len), spec);
  if (!error.empty()) return fail(std::move(error));
  int route = core(h)->manager.register_type(std::move(spec), error);
  return route < 0 ? fail(std::move(error)) : route;
}
// A type name in the scratch buffer.
EMSCRIPTEN_KEEPALIVE int nrt_subscribe(uintptr_t h, size_t len) {
  std::string error;
  int route = core(h)->manager.subscribe(scratch(len), error);
  return route < 0 ? fail(std::move(error)) : route;
}
// 1 while the route exists, 0 once it went with its last subscriber.
EMSCRIPTEN_KEEPALIVE int nrt_unsubscribe(uintptr_t h, int route) { return core(h)->manager.unsubscribe(route); }
EMSCRIPTEN_KEEPALIVE int nrt_find_route(uintptr_t h, size_t len) { return core(h)->manager.find_route(scratch(len)); }
EMSCRIPTEN_KEEPALIVE void nrt_set_wildcard(uintptr_t h, int on) { core(h)->manager.set_wildcard(on); }

// The id's JSON text (a string or a number, `is_string` says which) in the scratch buffer.
// 1 = newly claimed, 0 = already seen, -1 = the type has no de-duplication key.
EMSCRIPTEN_KEEPALIVE int nrt_claim(uintptr_t h, int route, int is_string, size_t len, double now) {
  nrt::Manager& m = core(h)->manager;
  if (!m.router().valid(route) || m.router().route(route).dedupe_path == nrt::kNoPath) return -1;
  nrt::ValueKind kind = is_string ? nrt::ValueKind::string : nrt::ValueKind::number;
  return m.claim(route, kind, scratch(len), ms(now));
}

// Names for error messages, handed out through the record's payload slots.
EMSCRIPTEN_KEEPALIVE void nrt_route_name(uintptr_t h, int route) {
  const nrt::Router& r = core(h)->manager.router();
  hand_out(core(h), r.valid(route) ? r.route(route).spec.name : "");
}
EMSCRIPTEN_KEEPALIVE void nrt_required_path(uintptr_t h, int route, int field) {
  const nrt::Router& r = core(h)->manager.router();
  std::string path;
  if (r.valid(route) && field >= 0 && static_cast<size_t>(field) < r.route(route).spec.required.size())
    path = r.route(route).spec.required[static_cast<size_t>(field)].path;
  hand_out(core(h), std::move(path));
}

// The last frame's de-duplication key: its offset and length in that frame (still in the scratch
// buffer) in the payload slots; length 0 when it had none.
EMSCRIPTEN_KEEPALIVE void nrt_last_key(uintptr_t h) {
  nrt::Capture c = core(h)->manager.last_key();
  bool scalar = c.kind == nrt::ValueKind::string || c.kind == nrt::ValueKind::number;
  slot(nrt::Slot::payload_ptr, scalar ? c.offset : 0);
  slot(nrt::Slot::payload_len, scalar ? c.length : 0);
}

EMSCRIPTEN_KEEPALIVE uint32_t nrt_max_frame_bytes(uintptr_t h) { return core(h)->manager.config().limits.max_frame_bytes; }

EMSCRIPTEN_KEEPALIVE void nrt_stats(uintptr_t h) {
  nrt::Stats s = core(h)->manager.stats();
  auto put = [](nrt::StatSlot k, uint64_t v) { g_record[static_cast<size_t>(k)] = static_cast<double>(v); };
  using K = nrt::StatSlot;
  put(K::frames_received, s.frames_received);
  put(K::frames_delivered, s.frames_delivered);
  put(K::duplicates, s.duplicates);
  put(K::unsubscribed, s.unsubscribed);
  put(K::rejected, s.rejected);
  put(K::heartbeats, s.heartbeats);
  put(K::ignored, s.ignored);
  put(K::bytes_received, s.bytes_received);
  put(K::frames_sent, s.frames_sent);
  put(K::bytes_sent, s.bytes_sent);
  put(K::frames_queued, s.frames_queued);
  put(K::frames_dropped, s.frames_dropped);
  put(K::connects, s.connects);
  put(K::reconnects, s.reconnects);
  put(K::auth_rejections, s.auth_rejections);
  put(K::state, static_cast<uint64_t>(s.state));
}

}  // extern "C"
