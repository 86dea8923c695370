// Internal: a fast 64-bit hash for short keys and whole frames (not cryptographic).
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

inline uint64_t hash_bytes(std::string_view bytes, uint64_t seed = 0) {
  const char* p = bytes.data();
  size_t n = bytes.size();
  // The seed is mixed on its own first: XOR-ing a raw seed into the data lets (seed, bytes) pairs cancel
  // out, e.g. ("7", route 1) and ("1", route 3) hashed alike before this.
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

}  // namespace numeneon::realtime::detail
