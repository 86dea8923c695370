// Thin Wasm bindings: embind for the low-frequency API, two plain exports for the per-frame path.
// Errors cross as values (strings, codes); nothing here throws.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <string>

#include "numeneon/realtime/realtime.hpp"

namespace nrt = numeneon::realtime;

namespace {

// Milliseconds come from JS as doubles (performance.now()).
int64_t ms(double now) { return static_cast<int64_t>(now); }

struct JsAction {
  int kind = -1;  // -1: none left
  int token_reason = 0;
  int attempt = 0;
  int close_code = 0;
  double resume_from = 0;
  std::string payload;
};

struct JsEvent {
  int kind = -1;  // -1: none left
  int from = 0;
  int to = 0;
  int reason = 0;
  int attempt = 0;
  int delay_ms = 0;
  int close_code = 0;
  double downtime_ms = 0;
  int error = 0;
  std::string detail;
};

struct JsStats {
  double frames_received, frames_delivered, duplicates, unsubscribed, rejected, heartbeats, bytes_received,
      frames_sent, bytes_sent, frames_queued, frames_dropped, connects, reconnects, auth_rejections;
  int state;
};

int g_live_cores = 0;  // for the leak test: every Core must be deleted by dispose() or the finalizer

class Core {
 public:
  explicit Core(const nrt::Config& config) : m_(config) { ++g_live_cores; }
  ~Core() { --g_live_cores; }
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  uintptr_t handle() { return reinterpret_cast<uintptr_t>(&m_); }

  void connect(double now) { m_.connect(ms(now)); }
  void close(double now, int code) { m_.close(ms(now), static_cast<uint16_t>(code)); }
  int send(double now, std::string frame, bool is_volatile) {
    return static_cast<int>(m_.send(ms(now), std::move(frame), is_volatile));
  }
  void handleOpen(double now) { m_.handle_open(ms(now)); }
  void handleClose(double now, int code, double draw) { m_.handle_close(ms(now), static_cast<uint16_t>(code), draw); }
  void handleHandshakeFailure(double now, int what, int status, double draw) {
    m_.handle_handshake_failure(ms(now), static_cast<nrt::HandshakeFailure>(what), static_cast<uint16_t>(status), draw);
  }
  void handleAuthEvidence(double now, int evidence, double draw) {
    m_.handle_auth_evidence(ms(now), static_cast<nrt::AuthEvidence>(evidence), draw);
  }
  void handleNetwork(double now, bool online) { m_.handle_network(ms(now), online); }
  void handleWake(double now) { m_.handle_wake(ms(now)); }
  void handleTimeout(double now, double draw) { m_.handle_timeout(ms(now), draw); }
  double nextDeadline() const {
    int64_t d = m_.next_deadline();
    return d == nrt::kNever ? -1.0 : static_cast<double>(d);
  }

  JsAction pollAction() {
    JsAction out;
    nrt::Action a;
    if (!m_.poll_action(a)) return out;
    out.kind = static_cast<int>(a.kind);
    out.token_reason = static_cast<int>(a.token_reason);
    out.attempt = static_cast<int>(a.attempt);
    out.close_code = a.close_code;
    out.resume_from = static_cast<double>(a.resume_from);
    out.payload = std::move(a.payload);
    return out;
  }

  JsEvent pollEvent() {
    JsEvent out;
    nrt::Event e;
    if (!m_.poll_event(e)) return out;
    out.kind = static_cast<int>(e.kind);
    out.from = static_cast<int>(e.from);
    out.to = static_cast<int>(e.to);
    out.reason = static_cast<int>(e.reason);
    out.attempt = static_cast<int>(e.attempt);
    out.delay_ms = static_cast<int>(e.delay_ms);
    out.close_code = e.close_code;
    out.downtime_ms = static_cast<double>(e.downtime_ms);
    out.error = static_cast<int>(e.error);
    out.detail = std::move(e.detail);
    return out;
  }

  // spec: the JSON of nrt::type_spec_from_json. Returns the route id, or -1 (then lastError() says why).
  int registerType(const std::string& spec_json) {
    nrt::TypeSpec spec;
    error_ = nrt::type_spec_from_json(spec_json, spec);
    return error_.empty() ? m_.register_type(std::move(spec), error_) : -1;
  }
  std::string lastError() const { return error_; }
  int findRoute(const std::string& type) const { return m_.find_route(type); }
  std::string routeName(int route) const { return valid(route) ? m_.router().route(route).spec.name : ""; }
  std::string requiredPath(int route, int field) const {
    if (!valid(route)) return "";
    const auto& req = m_.router().route(route).spec.required;
    return field >= 0 && static_cast<size_t>(field) < req.size() ? req[static_cast<size_t>(field)].path : "";
  }
  void addSubscriber(int route) {
    if (valid(route)) m_.add_subscriber(route);
  }
  void removeSubscriber(int route) {
    if (valid(route)) m_.remove_subscriber(route);
  }
  void setWildcard(bool on) { m_.set_wildcard(on); }
  bool claim(int route, const std::string& key_json, double now) { return valid(route) && m_.claim(route, key_json, ms(now)); }
  int state() const { return static_cast<int>(m_.state()); }
  int maxFrameBytes() const { return static_cast<int>(m_.config().limits.max_frame_bytes); }

  JsStats stats() const {
    nrt::Stats s = m_.stats();
    auto d = [](uint64_t v) { return static_cast<double>(v); };
    return {d(s.frames_received), d(s.frames_delivered), d(s.duplicates),  d(s.unsubscribed), d(s.rejected),
            d(s.heartbeats),      d(s.bytes_received),   d(s.frames_sent), d(s.bytes_sent),   d(s.frames_queued),
            d(s.frames_dropped),  d(s.connects),         d(s.reconnects),  d(s.auth_rejections), static_cast<int>(s.state)};
  }

 private:
  bool valid(int route) const { return route >= 0 && static_cast<size_t>(route) < m_.router().size(); }
  nrt::Manager m_;
  std::string error_;
};

// Empty string when the options are usable, else the reason (JS turns it into a TypeError).
std::string validateOptions(const std::string& options_json) { return nrt::config_from_json(options_json).error; }

Core* createCore(const std::string& options_json) {
  nrt::ConfigResult r = nrt::config_from_json(options_json);
  return r.ok() ? new Core(r.config) : nullptr;
}

// One ingest buffer per module instance: JS is single-threaded and copies each frame in just before ingest.
unsigned char* g_buffer = nullptr;
size_t g_capacity = 0;

}  // namespace

extern "C" {

// The layout of nrt_ingest's packed verdict and of the embind API. The JS driver refuses a module with
// another number, so a stale .wasm next to newer JS fails loudly instead of mis-routing frames.
EMSCRIPTEN_KEEPALIVE int nrt_abi() { return 2; }

// Returns a buffer of at least `size` bytes for the next frame (grown on demand, never shrunk).
EMSCRIPTEN_KEEPALIVE unsigned char* nrt_buffer(size_t size) {
  if (size > g_capacity) {
    std::free(g_buffer);
    g_capacity = size < 4096 ? 4096 : size;
    g_buffer = static_cast<unsigned char*>(std::malloc(g_capacity));
    if (!g_buffer) g_capacity = 0;
  }
  return g_buffer;
}

// Ingests the `len` bytes at the start of the buffer for the core at `handle`. The decision is packed:
//   bits 0-2 verdict | bits 3-7 error code | bits 8-11 failing field | bit 12 events queued | bits 13-31 route + 1.
EMSCRIPTEN_KEEPALIVE int32_t nrt_ingest(uintptr_t handle, double now, size_t len) {
  auto* m = reinterpret_cast<nrt::Manager*>(handle);
  nrt::Decision d = m->handle_frame(ms(now), std::string_view(reinterpret_cast<const char*>(g_buffer), len));
  uint32_t field = d.field == nrt::kNoPath ? 15u : d.field;
  return static_cast<int32_t>(static_cast<uint32_t>(d.verdict) | (static_cast<uint32_t>(d.error) << 3) |
                              (field << 8) | (static_cast<uint32_t>(d.events) << 12) |
                              (static_cast<uint32_t>(d.route + 1) << 13));
}

}  // extern "C"

EMSCRIPTEN_BINDINGS(numeneon_realtime) {
  using namespace emscripten;
  value_object<JsAction>("Action")
      .field("kind", &JsAction::kind)
      .field("tokenReason", &JsAction::token_reason)
      .field("attempt", &JsAction::attempt)
      .field("closeCode", &JsAction::close_code)
      .field("resumeFrom", &JsAction::resume_from)
      .field("payload", &JsAction::payload);
  value_object<JsEvent>("Event")
      .field("kind", &JsEvent::kind)
      .field("from", &JsEvent::from)
      .field("to", &JsEvent::to)
      .field("reason", &JsEvent::reason)
      .field("attempt", &JsEvent::attempt)
      .field("delayMs", &JsEvent::delay_ms)
      .field("closeCode", &JsEvent::close_code)
      .field("downtimeMs", &JsEvent::downtime_ms)
      .field("error", &JsEvent::error)
      .field("detail", &JsEvent::detail);
  value_object<JsStats>("Stats")
      .field("framesReceived", &JsStats::frames_received)
      .field("framesDelivered", &JsStats::frames_delivered)
      .field("duplicates", &JsStats::duplicates)
      .field("unsubscribed", &JsStats::unsubscribed)
      .field("rejected", &JsStats::rejected)
      .field("heartbeats", &JsStats::heartbeats)
      .field("bytesReceived", &JsStats::bytes_received)
      .field("framesSent", &JsStats::frames_sent)
      .field("bytesSent", &JsStats::bytes_sent)
      .field("framesQueued", &JsStats::frames_queued)
      .field("framesDropped", &JsStats::frames_dropped)
      .field("connects", &JsStats::connects)
      .field("reconnects", &JsStats::reconnects)
      .field("authRejections", &JsStats::auth_rejections)
      .field("state", &JsStats::state);
  class_<Core>("Core")
      .function("handle", &Core::handle)
      .function("connect", &Core::connect)
      .function("close", &Core::close)
      .function("send", &Core::send)
      .function("handleOpen", &Core::handleOpen)
      .function("handleClose", &Core::handleClose)
      .function("handleHandshakeFailure", &Core::handleHandshakeFailure)
      .function("handleAuthEvidence", &Core::handleAuthEvidence)
      .function("handleNetwork", &Core::handleNetwork)
      .function("handleWake", &Core::handleWake)
      .function("handleTimeout", &Core::handleTimeout)
      .function("nextDeadline", &Core::nextDeadline)
      .function("pollAction", &Core::pollAction)
      .function("pollEvent", &Core::pollEvent)
      .function("registerType", &Core::registerType)
      .function("lastError", &Core::lastError)
      .function("findRoute", &Core::findRoute)
      .function("routeName", &Core::routeName)
      .function("requiredPath", &Core::requiredPath)
      .function("addSubscriber", &Core::addSubscriber)
      .function("removeSubscriber", &Core::removeSubscriber)
      .function("setWildcard", &Core::setWildcard)
      .function("claim", &Core::claim)
      .function("state", &Core::state)
      .function("maxFrameBytes", &Core::maxFrameBytes)
      .function("stats", &Core::stats);
  function("validateOptions", &validateOptions);
  function("liveCores", +[] { return g_live_cores; });
  function("createCore", &createCore, allow_raw_pointers());
}
