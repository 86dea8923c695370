// Reconnect storms and recovery speed on a virtual clock, every client driven by its own SDK core.
//
// Scenarios (each a server outage: every link drops at t = 0; the server refuses connections until it
// is back at t = down; a refused connect fails in 1 ms, a handshake takes 5 ms):
//   restart   1,000 clients, down 5 s: attempts per 100 ms; peak/mean over the first 10 s < 3
//             (the seed's lockstep schedule beside ours, drawn by --svg);
//   storm     500 clients, down 3 s: p50 / p90 / all back after the return (<= 3 s p90, <= 5 s all),
//             peak per 100 ms over the active span <= 3x its mean, refused attempts per client <= 2;
//   single    one client, down 3-40 s, 301 seeded runs each: median time back after the return <= 1 s.
// Exit status 1 when a goal is missed. Random draws come from a seeded PRNG: every run is the same.
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

  int peak(int64_t until_ms, int64_t from_ms = 0) const {
    return *std::max_element(buckets.begin() + from_ms / kBucketMs, buckets.begin() + until_ms / kBucketMs);
  }
  double mean(int64_t until_ms, int64_t from_ms = 0) const {
    return static_cast<double>(total(until_ms, from_ms)) / static_cast<double>((until_ms - from_ms) / kBucketMs);
  }
  int total(int64_t until_ms, int64_t from_ms = 0) const {
    int sum = 0;
    for (int64_t i = from_ms / kBucketMs; i < until_ms / kBucketMs; ++i) sum += buckets[static_cast<size_t>(i)];
    return sum;
  }
  double ratio(int64_t until_ms, int64_t from_ms = 0) const { return peak(until_ms, from_ms) / mean(until_ms, from_ms); }
};

std::string describe(const nrt::ReconnectPolicy& p) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "window %u ms x%.1f per %u s down, cap %u ms, jitter %.2f", p.initial_delay_ms,
                p.multiplier, p.growth_period_ms / 1000, p.max_delay_ms, p.jitter);
  return buf;
}

// One client: its core, and the socket outcome the simulated server has scheduled for it.
struct Client {
  std::unique_ptr<nrt::Manager> core;
  uint32_t socket = 0;
  int64_t outcome_at = nrt::kNever;  // when the pending handshake resolves
  bool will_open = false;
  int refused = 0;
  int64_t first_attempt = -1;
  int64_t open_at = -1;
};

struct Run {
  Histogram h;
  std::vector<Client> clients;
  int64_t first_attempt = -1;  // the first attempt of any client after the drop
};

Run simulate(const std::string& name, const nrt::ReconnectPolicy& policy, int clients, int64_t down_ms, uint64_t seed,
             int64_t horizon_ms = kHorizonMs) {
  nrt::Config config;
  config.reconnect = policy;
  config.heartbeat.interval_ms = 0;  // liveness is not what this measures
  if (!nrt::validate(config).ok()) {
    std::fprintf(stderr, "%s: invalid policy (option %d)\n", name.c_str(), static_cast<int>(nrt::validate(config).option));
    std::exit(2);
  }
  Run run{Histogram{name, describe(policy)}, std::vector<Client>(static_cast<size_t>(clients))};
  Histogram& h = run.h;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  auto draw = [&] { return uniform(rng); };

  nrt::Action action;
  nrt::Event event;
  // Drains a core: a token is at hand at once; every open_socket is a connect attempt the server answers later.
  auto drain = [&](Client& c, int64_t now) {
    while (c.core->poll_action(action)) {
      if (action.kind == nrt::ActionKind::request_token) c.core->handle_token(now, action.socket, nrt::TokenOutcome::ready, 0);
      if (action.kind != nrt::ActionKind::open_socket) continue;
      c.socket = action.socket;
      if (now >= 0) {
        if (now < kHorizonMs) ++h.buckets[static_cast<size_t>(now / kBucketMs)];
        if (c.first_attempt < 0) c.first_attempt = now;
        if (run.first_attempt < 0 || now < run.first_attempt) run.first_attempt = now;
      }
      c.will_open = now >= down_ms;
      c.outcome_at = now + (c.will_open ? kHandshakeMs : kRefuseAfterMs);
    }
    while (c.core->poll_event(event)) {}
  };

  // Before the outage every client has been open long enough to count as stable.
  const int64_t before = -60000;
  for (Client& c : run.clients) {
    c.core = std::make_unique<nrt::Manager>(config, nrt::KeySecret{rng(), rng()});
    c.core->connect(before);
    drain(c, before);
    c.core->handle_open(before, c.socket);
    c.core->handle_timeout(before + policy.stable_after_ms, draw());
    c.outcome_at = nrt::kNever;
    drain(c, before);
  }
  // t = 0: the server process dies; every socket closes with 1006.
  for (Client& c : run.clients) {
    c.core->handle_close(0, c.socket, {1006}, draw());
    drain(c, 0);
  }
  // The virtual clock advances 1 ms at a time; each client is woken at its own deadline, as the JS
  // driver's single timer would.
  int open = 0;
  for (int64_t now = 1; now < horizon_ms && open < clients; ++now) {
    open = 0;
    for (Client& c : run.clients) {
      if (c.outcome_at <= now) {
        c.outcome_at = nrt::kNever;
        if (c.will_open) {
          c.core->handle_open(now, c.socket);
          c.open_at = now;
        } else {
          ++c.refused;
          c.core->handle_close(now, c.socket, {1006, nrt::SocketError::refused}, draw());
        }
        drain(c, now);
      }
      if (c.core->next_deadline() <= now) {
        c.core->handle_timeout(now, draw());
        drain(c, now);
      }
      open += c.core->state() == nrt::State::open;
    }
    if (open == clients) h.all_open_at = now;
  }
  return run;
}

// The seed's own loop (the hand-written context the SDK replaces): retries 1, 2, 4, 8, 16 s after each
// failure, in lockstep, and gives up after five.
Histogram simulate_seed(int clients, int64_t down_ms) {
  Histogram h{"seed schedule (lockstep)", "1, 2, 4, 8, 16 s, then gives up"};
  int64_t t = 0;
  for (int64_t delay = 1000; delay <= 16000; delay *= 2) {
    t += delay;
    if (t < kHorizonMs) h.buckets[static_cast<size_t>(t / kBucketMs)] += clients;
    if (t >= down_ms) {
      h.all_open_at = t + kHandshakeMs;
      break;
    }
  }
  return h;
}

double percentile(std::vector<int64_t> v, double p) {
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))]);
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
  const nrt::ReconnectPolicy ours;  // the defaults of config.hpp
  bool ok = true;
  auto goal = [&](bool met, const char* what, double value, double limit) {
    std::printf("  %s: %s = %.2f (goal %.2f)\n", met ? "met" : "MISSED", what, value, limit);
    ok = ok && met;
  };

  // --- restart: the seed's lockstep beside ours
  std::vector<Histogram> hs;
  hs.push_back(simulate_seed(opt.clients, opt.down_ms));
  hs.push_back(simulate("ours (defaults)", ours, opt.clients, opt.down_ms, opt.seed).h);
  std::printf("restart: %d clients, all drop at t=0, server refuses connections until t=%.1f s\n", opt.clients,
              opt.down_ms / 1000.0);
  for (const Histogram& h : hs) print(h);
  if (!opt.svg.empty()) {
    write_svg(opt.svg, hs, opt);
    std::printf("\nwrote %s\n", opt.svg.c_str());
  }
  goal(hs[1].ratio(kCheckMs) <= kMaxPeakOverMean, "restart: peak/mean of attempts over the first 10 s", hs[1].ratio(kCheckMs),
       kMaxPeakOverMean);

  // --- storm: 500 clients, down 3 s
  {
    const int n = 500;
    const int64_t down = 3000;
    Run r = simulate("storm", ours, n, down, opt.seed + 1);
    std::vector<int64_t> back;
    double refused = 0;
    int64_t last_open = 0;
    for (const Client& c : r.clients) {
      back.push_back(c.open_at < 0 ? kHorizonMs : c.open_at - down);
      refused += c.refused;
      last_open = std::max(last_open, c.open_at);
    }
    const int64_t from = r.first_attempt / kBucketMs * kBucketMs;
    const int64_t until = (last_open / kBucketMs + 1) * kBucketMs;
    std::printf("\nstorm: %d clients, down %.1f s (%s)\n", n, down / 1000.0, describe(ours).c_str());
    std::printf("  back after the return: p50 %.2f s, p90 %.2f s, all %.2f s; active span %.1f-%.1f s\n",
                percentile(back, 0.5) / 1000, percentile(back, 0.9) / 1000, percentile(back, 1.0) / 1000, from / 1000.0,
                until / 1000.0);
    std::printf("  attempts per 100 ms over the span: peak %d, mean %.1f\n", r.h.peak(until, from), r.h.mean(until, from));
    goal(percentile(back, 0.9) <= 3000, "storm: p90 back, ms", percentile(back, 0.9), 3000);
    goal(percentile(back, 1.0) <= 5000, "storm: all back, ms", percentile(back, 1.0), 5000);
    goal(r.h.ratio(until, from) <= 3.0, "storm: peak/mean per 100 ms over the active span", r.h.ratio(until, from), 3.0);
    goal(refused / n <= 2.0, "storm: refused attempts per client", refused / n, 2.0);
  }

  // --- single: one client, outages of 3 to 40 s
  std::printf("\nsingle client, 301 runs per outage:\n");
  for (int64_t down : {3000, 5000, 10000, 20000, 40000}) {
    std::vector<int64_t> back;
    for (uint64_t run = 0; run < 301; ++run) {
      Run r = simulate("single", ours, 1, down, opt.seed * 1000 + run, down + 60000);
      back.push_back(r.clients[0].open_at - down);
    }
    char what[80];
    std::snprintf(what, sizeof what, "down %2lld s: median back after the return, ms", static_cast<long long>(down / 1000));
    goal(percentile(back, 0.5) <= 1000, what, percentile(back, 0.5), 1000);
    std::printf("      (p90 %.0f ms, worst %.0f ms)\n", percentile(back, 0.9), percentile(back, 1.0));
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
  add("window 1500 ms", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 1500; });
  add("window 2500 ms", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 2500; });
  add("full jitter", [](nrt::ReconnectPolicy& p) { p.jitter = 1; });
  add("growth per 60 s", [](nrt::ReconnectPolicy& p) { p.growth_period_ms = 60000; });
  add("growth per 120 s", [](nrt::ReconnectPolicy& p) { p.growth_period_ms = 120000; });
  add("per-attempt doubling (the old 2.5 s)", [](nrt::ReconnectPolicy& p) { p.initial_delay_ms = 2500, p.jitter = 1, p.growth_period_ms = 1; });
  std::printf("\nother policies (not asserted):\n  %-38s %8s %8s %8s %8s %10s %8s\n", "change from defaults", "p90 s",
              "all s", "ratio", "refused", "restart", "40 s");
  for (const Candidate& c : candidates) {
    Run r = simulate(c.change, c.policy, 500, 3000, opt.seed + 1);
    std::vector<int64_t> back;
    double refused = 0;
    int64_t last = 0;
    for (const Client& cl : r.clients) back.push_back(cl.open_at - 3000), refused += cl.refused, last = std::max(last, cl.open_at);
    const int64_t from = r.first_attempt / kBucketMs * kBucketMs, until = (last / kBucketMs + 1) * kBucketMs;
    Histogram restart = simulate(c.change, c.policy, opt.clients, opt.down_ms, opt.seed).h;
    std::vector<int64_t> single;
    for (uint64_t run = 0; run < 101; ++run) single.push_back(simulate("single", c.policy, 1, 40000, run, 100000).clients[0].open_at - 40000);
    std::printf("  %-38s %8.2f %8.2f %8.2f %8.2f %10.2f %8.2f\n", c.change, percentile(back, 0.9) / 1000,
                percentile(back, 1.0) / 1000, r.h.ratio(until, from), refused / 500, restart.ratio(kCheckMs),
                percentile(single, 0.5) / 1000);
  }
  std::printf("  (p90/all/ratio/refused: storm of 500 down 3 s; restart: peak/mean of 1,000 down 5 s; 40 s: median back, one client)\n");

  std::printf("\n%s\n", ok ? "PASS: every goal met" : "FAIL: a goal was missed");
  return ok ? 0 : 1;
}
