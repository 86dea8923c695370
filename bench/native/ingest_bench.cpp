// Native throughput of ingest + route + dedupe on a realistic mix of NUMENEON frames (issue goal: >= 5 M/s).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "numeneon/realtime/manager.hpp"

namespace nrt = numeneon::realtime;

namespace {

// Deterministic mix, by share: new_message 60%, friend_request 15%, new_post 15%, friend_accepted 5%,
// post_comment 5%. Sizes ~150-1,500 bytes (message and post bodies vary).
std::vector<std::string> make_frames(size_t n, double duplicate_share, double unsubscribed_share) {
  std::vector<std::string> out;
  out.reserve(n);
  uint64_t x = 88172645463325252ull;
  auto rnd = [&] {  // xorshift: the benchmark's own fixed stream, not the core's
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  auto text = [&](size_t len) {
    std::string s;
    while (s.size() < len) s += "lorem ipsum dolor sit amet ";
    s.resize(len);
    return s;
  };
  for (size_t i = 0; i < n; ++i) {
    double u = static_cast<double>(rnd() % 10000) / 10000.0;
    if (i > 0 && u < duplicate_share) {
      out.push_back(out[rnd() % out.size()]);
      continue;
    }
    std::string id = std::to_string(i + 1);
    if (u < duplicate_share + unsubscribed_share) {
      out.push_back(R"({"type":"wall_post","data":{"message":"alice wrote on your wall","post":{"id":)" + id +
                    R"(,"content":")" + text(100 + rnd() % 400) + R"("},"author":{"id":2,"username":"alice"}}})");
      continue;
    }
    uint64_t pick = rnd() % 100;
    if (pick < 60) {
      out.push_back(R"({"type":"new_message","data":{"id":)" + id +
                    R"(,"sender":{"id":2,"username":"alice"},"content":")" + text(20 + rnd() % 400) +
                    R"(","created_at":"2026-11-25T21:22:20.991475+00:00"}})");
    } else if (pick < 75) {
      out.push_back(R"({"type":"friend_request","data":{"request_id":)" + id +
                    R"(,"from_user":{"id":2,"username":"alice","first_name":"Alice","last_name":"Anders"}}})");
    } else if (pick < 90) {
      out.push_back(R"({"type":"new_post","data":{"id":)" + id +
                    R"(,"author":{"id":2,"username":"alice","first_name":"Alice","last_name":"Anders"},"content":")" +
                    text(100 + rnd() % 1200) +
                    R"(","type":"thoughts","created_at":"2026-11-25T21:22:20.991475+00:00","likes_count":0,"comment_count":0}})");
    } else if (pick < 95) {
      out.push_back(R"({"type":"friend_accepted","data":{"friend":{"id":)" + id +
                    R"(,"username":"bob","first_name":"Bob","last_name":"Brown"}}})");
    } else {
      out.push_back(R"({"type":"post_comment","data":{"message":"bob commented","commenter":{"id":3,"username":"bob"},"post":{"id":9},"comment":{"id":)" +
                    id + R"(,"content":")" + text(40 + rnd() % 200) + R"("}}})");
    }
  }
  return out;
}

void run(benchmark::State& state, double duplicate_share, double unsubscribed_share) {
  auto frames = make_frames(4096, duplicate_share, unsubscribed_share);  // ~1.6 MB: a frame just received is in cache
  size_t bytes = 0;
  for (const auto& f : frames) bytes += f.size();
  nrt::Config cfg;
  cfg.heartbeat.interval_ms = 0;
  cfg.dedupe.capacity = 1024;
  nrt::Manager core(cfg, {1, 2});
  std::string error;
  for (const char* t : {"new_message", "friend_request", "new_post", "friend_accepted", "post_comment"})
    core.subscribe(t, error);
  int64_t now = 0;
  uint32_t socket = 0;
  core.connect(now);
  for (nrt::Action a; core.poll_action(a);) {
    if (a.kind == nrt::ActionKind::request_token) core.handle_token(now, a.socket, nrt::TokenOutcome::ready, 0.5);
    socket = a.socket;
  }
  core.handle_open(now, socket);
  size_t i = 0;
  uint64_t delivered = 0;
  for (auto _ : state) {
    nrt::Decision d = core.handle_frame(now, socket, frames[i]);
    delivered += d.verdict == nrt::Verdict::deliver;
    if (++i == frames.size()) {
      i = 0;
      now += 1;
    }
  }
  benchmark::DoNotOptimize(delivered);
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * (bytes / frames.size())));
  state.counters["avg_frame_bytes"] = static_cast<double>(bytes) / static_cast<double>(frames.size());
}

void BM_Ingest_UniqueAllSubscribed(benchmark::State& s) { run(s, 0.0, 0.0); }
void BM_Ingest_30pcDuplicates_30pcUnsubscribed(benchmark::State& s) { run(s, 0.3, 0.3); }
BENCHMARK(BM_Ingest_UniqueAllSubscribed);
BENCHMARK(BM_Ingest_30pcDuplicates_30pcUnsubscribed);

}  // namespace

BENCHMARK_MAIN();
