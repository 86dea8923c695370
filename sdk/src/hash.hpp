// Internal hashes: a fast unkeyed one for the route table's names, and SipHash-1-3 (keyed with the
// host's random secret) for event keys, so nobody who lacks the secret can build colliding ids.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace numeneon::realtime::detail {

inline uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// Not collision-resistant against an adversary: only for names the app registered.
inline uint64_t hash_bytes(std::string_view bytes, uint64_t seed = 0) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ull) ^ (0x9e3779b97f4a7c15ull * (n + 1));
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix64(h ^ w);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, p, n);
  return mix64(h ^ tail ^ (uint64_t{n} << 56));
}

// SipHash-1-3 (one compression round, three finalisation rounds), incremental: feed bytes, then finish.
class SipHash {
 public:
  SipHash(uint64_t k0, uint64_t k1)
      : v0_(k0 ^ 0x736f6d6570736575ull), v1_(k1 ^ 0x646f72616e646f6dull), v2_(k0 ^ 0x6c7967656e657261ull),
        v3_(k1 ^ 0x7465646279746573ull) {}

  void update(std::string_view bytes) {
    while ((length_ & 7) == 0 && bytes.size() >= 8) {  // whole words while aligned
      uint64_t w;
      std::memcpy(&w, bytes.data(), 8);
      compress(w);
      length_ += 8;
      bytes.remove_prefix(8);
    }
    for (char c : bytes) {
      tail_ |= uint64_t{static_cast<unsigned char>(c)} << (8 * (length_ & 7));
      if ((++length_ & 7) == 0) {
        compress(tail_);
        tail_ = 0;
      }
    }
  }

  uint64_t finish() {
    compress(tail_ | (uint64_t{length_ & 0xff} << 56));
    v2_ ^= 0xff;
    round();
    round();
    round();
    return v0_ ^ v1_ ^ v2_ ^ v3_;
  }

 private:
  static uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
  void round() {
    v0_ += v1_; v1_ = rotl(v1_, 13); v1_ ^= v0_; v0_ = rotl(v0_, 32);
    v2_ += v3_; v3_ = rotl(v3_, 16); v3_ ^= v2_;
    v0_ += v3_; v3_ = rotl(v3_, 21); v3_ ^= v0_;
    v2_ += v1_; v1_ = rotl(v1_, 17); v1_ ^= v2_; v2_ = rotl(v2_, 32);
  }
  void compress(uint64_t m) {
    v3_ ^= m;
    round();
    v0_ ^= m;
  }

  uint64_t v0_, v1_, v2_, v3_;
  uint64_t tail_ = 0;
  uint64_t length_ = 0;
};

}  // namespace numeneon::realtime::detail
