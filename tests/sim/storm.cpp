// Reconnect storm: 1,000 clients, each driven by its own core on one virtual clock, through a server
// restart. All links drop at t = 0; the server refuses connections until it is back at t = 5 s.
// Connect attempts are counted per 100 ms for the seed's lockstep schedule (jitter 0) and for the
// defaults (full jitter), and the defaults must keep the peak bucket under 3x the mean over the first
// 10 s (exit status 1 otherwise). Random draws come from a seeded PRNG: every run is the same.
//
//   nrt_storm [--svg FILE] [--clients N] [--down-ms MS] [--seed S]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "numeneon/realtime/manager.hpp"

namespace nrt = numeneon::realtime;

namespace {

constexpr int64_t kBucketMs = 100;
constexpr int64_t kHorizonMs = 30000;    // histogram span
constexpr int64_t kCheckMs = 10000;      // the peak/mean criterion covers the first 10 s
constexpr int64_t kRefuseAfterMs = 1;    // a refused connect fails about this fast on loopback
constexpr int64_t kHandshakeMs = 5;      // a successful handshake once the server is back
constexpr double kMaxPeakOverMean = 3.0;

struct Options {
  int clients = 1000;
  int64_t down_ms = 5000;
  uint64_t seed = 42;
  std::string svg;
};

struct Histogram {
  std::string name;
  std::string policy;
  std::vector<int> buckets = std::vector<int>(kHorizonMs / kBucketMs, 0);
  int64_t all_open_at = -1;  // when the last client was open again

  int peak(int64_t until_ms) const {
    return *std::max_element(buckets.begin(), buckets.begin() + until_ms / kBucketMs);
  }
  double mean(int64_t until_ms) const {
    int64_t n = until_ms / kBucketMs;
    int64_t sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += buckets[static_cast<size_t>(i)];
    return static_cast<double>(sum) / static_cast<double>(n);
  }
  int total(int64_t until_ms) const {
    int sum = 0;
    for (int64_t i = 0; i < until_ms / kBucketMs; ++i) sum += buckets[static_cast<size_t>(i)];
    return sum;
  }
  double ratio(int64_t until_ms) const { return peak(until_ms) / mean(until_ms); }
};

std::string describe(const nrt::ReconnectPolicy& p) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "initial %u ms, cap %u ms, x%.1f, jitter %.2f, floor %u ms", p.initial_delay_ms,
                p.max_delay_ms, p.multiplier, p.jitter, p.min_delay_ms);
  return buf;
}

// One client: its core, and the socket outcome the simulated server has scheduled for it.
struct Client {
  std::unique_ptr<nrt::Manager> core;
  uint32_t socket = 0;
  int64_t outcome_at = nrt::kNever;  // when the pending handshake resolves
  bool will_open = false;
};

Histogram simulate(const std::string& name, const nrt::ReconnectPolicy& policy, const Options& opt) {
  nrt::Config config;
  config.reconnect = policy;
  config.heartbeat.interval_ms = 0;  // liveness is not what this measures
  if (std::string problem = nrt::validate(config); !problem.empty()) {
    std::fprintf(stderr, "%s: invalid policy: %s\n", name.c_str(), problem.c_str());
    std::exit(2);
  }
  Histogram h{name, describe(policy)};
  std::mt19937_64 rng(opt.seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto draw = [&] { return uniform(rng); };
  const int64_t server_up_at = opt.down_ms;

  std::vector<Client> clients(static_cast<size_t>(opt.clients));
  nrt::Action action;
  nrt::Event event;
  // Drains a core: a token is at hand at once; every open_socket is a connect attempt the server answers later.
  auto drain = [&](Client& c, int64_t now) {
    while (c.core->poll_action(action)) {
      if (action.kind == nrt::ActionKind::request_token) c.core->handle_token(now, action.socket, nrt::TokenOutcome::ready, 0);
      if (action.kind != nrt::ActionKind::open_socket) continue;
      c.socket = action.socket;
      if (now >= 0 && now < kHorizonMs) ++h.buckets[static_cast<size_t>(now / kBucketMs)];
      c.will_open = now >= server_up_at;
      c.outcome_at = now + (c.will_open ? kHandshakeMs : kRefuseAfterMs);
    }
    while (c.core->poll_event(event)) {}
  };

  // Before the restart every client has been open long enough to count as stable.
  const int64_t before = -60000;
  for (Client& c : clients) {
    c.core = std::make_unique<nrt::Manager>(config, nrt::KeySecret{rng(), rng()});
    c.core->connect(before);
    drain(c, before);
    c.core->handle_open(before, c.socket);
    c.core->handle_timeout(before + policy.stable_after_ms, draw());
    c.outcome_at = nrt::kNever;
    drain(c, before);
  }
  // t = 0: the server process dies; every socket closes with 1006.
  for (Client& c : clients) {
    c.core->handle_close(0, c.socket, {1006}, draw());
    drain(c, 0);
  }
  // The virtual clock advances 1 ms at a time; each client is woken at its own deadline, as the JS
  // driver's single timer would.
  int open = 0;
  for (int64_t now = 1; now < kHorizonMs && open < opt.clients; ++now) {
    open = 0;
    for (Client& c : clients) {
      if (c.outcome_at <= now) {
        c.outcome_at = nrt::kNever;
        if (c.will_open) c.core->handle_open(now, c.socket);
        else c.core->handle_close(now, c.socket, {1006, nrt::SocketError::refused}, draw());
        drain(c, now);
      }
      if (c.core->next_deadline() <= now) {
        c.core->handle_timeout(now, draw());
        drain(c, now);
      }
      open += c.core->state() == nrt::State::open;
    }
    if (open == opt.clients) h.all_open_at = now;
  }
  return h;
}

void print(const Histogram& h) {
  std::printf("\n%s (%s)\n", h.name.c_str(), h.policy.c_str());
  std::printf("  attempts per 100 ms, one row per second:\n");
  for (int64_t s = 0; s < kHorizonMs / 1000; ++s) {
    std::printf("  %2llds |", static_cast<long long>(s));
    for (int64_t b = 0; b < 10; ++b) std::printf("%5d", h.buckets[static_cast<size_t>(s * 10 + b)]);
    std::printf("\n");
  }
  std::printf("  first 10 s: %d attempts, peak %d, mean %.1f, peak/mean %.2f\n", h.total(kCheckMs), h.peak(kCheckMs),
              h.mean(kCheckMs), h.ratio(kCheckMs));
  std::printf("  first 30 s: %d attempts, peak %d, mean %.1f, peak/mean %.2f\n", h.total(kHorizonMs),
              h.peak(kHorizonMs), h.mean(kHorizonMs), h.ratio(kHorizonMs));
  if (h.all_open_at >= 0) std::printf("  all clients open again at %.1f s\n", h.all_open_at / 1000.0);
  else std::printf("  not all clients open again within %lld s\n", static_cast<long long>(kHorizonMs / 1000));
}

// Two bar charts, one over the other, each with its own scale, the mean and the 3x-mean line.
void write_svg(const std::string& path, const std::vector<Histogram>& hs, const Options& opt) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::perror(path.c_str());
    std::exit(2);
  }
  const int width = 960, panel = 230, top = 64, left = 56, right = 24, gap = 56;
  const int plot_w = width - left - right;
  const int height = top + static_cast<int>(hs.size()) * (panel + gap) + 8;
  const size_t n = static_cast<size_t>(kHorizonMs / kBucketMs);
  const double bar_w = static_cast<double>(plot_w) / static_cast<double>(n);
  std::fprintf(f,
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "font-family=\"system-ui, sans-serif\" font-size=\"12\">\n",
               width, height, width, height);
  std::fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
  std::fprintf(f,
               "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Reconnect storm: %d clients, server down "
               "0&#8211;%.0f s, connect attempts per 100 ms</text>\n",
               left, opt.clients, opt.down_ms / 1000.0);
  std::fprintf(f,
               "<text x=\"%d\" y=\"44\" fill=\"#555\">Simulated on a virtual clock with the SDK core (tests/sim/storm.cpp, "
               "seed %llu). Dashed: mean over the first 10 s; dotted: 3&#215; that mean.</text>\n",
               left, static_cast<unsigned long long>(opt.seed));
  const char* colors[] = {"#c0392b", "#2471a3", "#1e8449", "#7d3c98"};
  for (size_t k = 0; k < hs.size(); ++k) {
    const Histogram& h = hs[k];
    const int y0 = top + static_cast<int>(k) * (panel + gap) + 24;  // top of the plot area
    const int base = y0 + panel - 24;
    const int plot_h = panel - 24;
    const double mean = h.mean(kCheckMs);
    const double ymax = std::max<double>(h.peak(kHorizonMs), 3.0 * mean) * 1.08;
    auto y_of = [&](double v) { return base - v / ymax * plot_h; };
    std::fprintf(f, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\" fill=\"%s\">%s</text>\n", left, y0 - 8,
                 colors[k % 4], h.name.c_str());
    std::fprintf(f,
                 "<text x=\"%d\" y=\"%d\" fill=\"#333\" text-anchor=\"end\">%s &#8212; first 10 s: peak %d, mean %.1f, "
                 "peak/mean %.2f</text>\n",
                 width - right, y0 - 8, h.policy.c_str(), h.peak(kCheckMs), mean, h.ratio(kCheckMs));
    std::fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f4f6f7\"/>\n", left, y0,
                 bar_w * (static_cast<double>(opt.down_ms) / kBucketMs), plot_h);
    std::fprintf(f, "<text x=\"%d\" y=\"%d\" fill=\"#888\">server down</text>\n", left + 4, y0 + 14);
    for (size_t i = 0; i < n; ++i) {
      if (!h.buckets[i]) continue;
      const double y = y_of(h.buckets[i]);
      std::fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>\n",
                   left + bar_w * static_cast<double>(i), y, std::max(bar_w - 0.6, 0.8), base - y, colors[k % 4]);
    }
    std::fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-dasharray=\"6 4\"/>\n",
                 left, y_of(mean), left + bar_w * (kCheckMs / kBucketMs), y_of(mean));
    std::fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\" stroke-dasharray=\"2 3\"/>\n",
                 left, y_of(3 * mean), left + bar_w * (kCheckMs / kBucketMs), y_of(3 * mean));
    std::fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, base, width - right, base);
    std::fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", left, y0, left, base);
    for (int t = 0; t <= kHorizonMs / 1000; t += 5) {
      const double x = left + bar_w * (t * 1000.0 / kBucketMs);
      std::fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">%d s</text>\n", x, base + 16, t);
    }
    for (int i = 0; i <= 4; ++i) {
      const double v = ymax / 1.08 * i / 4.0;
      std::fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#333\">%.0f</text>\n", left - 6,
                   y_of(v) + 4, v);
    }
  }
  std::fprintf(f, "</svg>\n");
  std::fclose(f);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", argv[i]);
        std::exit(2);
      }
      return argv[++i];
    };
    if (!std::strcmp(argv[i], "--svg")) o.svg = value();
    else if (!std::strcmp(argv[i], "--clients")) o.clients = std::atoi(value());
    else if (!std::strcmp(argv[i], "--down-ms")) o.down_ms = std::atoll(value());
    else if (!std::strcmp(argv[i], "--seed")) o.seed = std::strtoull(value(), nullptr, 10);
    else {
      std::fprintf(stderr, "usage: nrt_storm [--svg FILE] [--clients N] [--down-ms MS] [--seed S]\n");
      std::exit(2);
    }
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = parse(argc, argv);
  nrt::ReconnectPolicy seed_policy;  // the seed: 1 s doubling to 10 s, in lockstep
  seed_policy.initial_delay_ms = 1000;
  seed_policy.jitter = 0.0;
  const nrt::ReconnectPolicy ours;  // the defaults of config.hpp

  std::vector<Histogram> hs;
  hs.push_back(simulate("seed schedule (no jitter)", seed_policy, opt));
  hs.push_back(simulate("ours (defaults)", ours, opt));
  std::printf("reconnect storm: %d clients, all drop at t=0, server refuses connections until t=%.1f s\n", opt.clients,
              opt.down_ms / 1000.0);
  for (const Histogram& h : hs) print(h);
  if (!opt.svg.empty()) {
    write_svg(opt.svg, hs, opt);
    std::printf("\nwrote %s\n", opt.svg.c_str());
  }

  // Not asserted: what a parameter change would do, to choose one without touching sdk/ blindly.
  struct Candidate {
    const char* change;
    nrt::ReconnectPolicy policy;
  };
  std::vector<Candidate> candidates;
  auto add = [&](const char* change, auto edit) {
    nrt::ReconnectPolicy p;
    edit(p);
    candidates.push_back({change, p});
  };
  add("defaults", [](nrt::ReconnectPolicy&) {});
  add("initialDelayMs 1000 (the seed's start)", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 1000; });
  add("initialDelayMs 1000, jitter 0.5", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 1000, p.jitter = 0.5; });
  add("initialDelayMs 2000", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 2000; });
  add("initialDelayMs 3000", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 3000; });
  add("minDelayMs 0", [](nrt::ReconnectPolicy& p) { p.min_delay_ms = 0; });
  std::printf("\nother policies (not asserted), first 10 s:\n  %-36s %6s %6s %7s %10s %12s\n", "change from defaults",
              "peak", "mean", "ratio", "attempts", "all open at");
  for (const Candidate& c : candidates) {
    Histogram h = simulate(c.change, c.policy, opt);
    std::printf("  %-36s %6d %6.1f %7.2f %10d %10.1f s\n", c.change, h.peak(kCheckMs), h.mean(kCheckMs),
                h.ratio(kCheckMs), h.total(kHorizonMs), h.all_open_at / 1000.0);
  }

  const Histogram& o = hs[1];
  const bool ok = o.ratio(kCheckMs) < kMaxPeakOverMean;
  std::printf("\n%s: defaults' peak/mean over the first 10 s is %.2f (limit %.1f)\n", ok ? "PASS" : "FAIL",
              o.ratio(kCheckMs), kMaxPeakOverMean);
  return ok ? 0 : 1;
}
