#include "content_hash.h"

#include <cstring>

namespace databuild {
namespace {

uint64_t load64(const char* p) {
  uint64_t value;
  std::memcpy(&value, p, 8);
  return value;
}

// The 128-bit product of a and b, folded to 64 bits.
uint64_t mix(uint64_t a, uint64_t b) {
  __uint128_t product = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

// One 64-bit lane of the hash; two lanes with different constants make 128 bits.
uint64_t hash_lane(std::string_view bytes, uint64_t seed, uint64_t k1, uint64_t k2) {
  uint64_t state = seed ^ mix(bytes.size() ^ k1, k2);
  size_t i = 0;
  for (; i + 16 <= bytes.size(); i += 16) {
    state = mix(load64(bytes.data() + i) ^ k1, load64(bytes.data() + i + 8) ^ state);
  }
  char tail[16] = {};
  std::memcpy(tail, bytes.data() + i, bytes.size() - i);
  state = mix(load64(tail) ^ k2, load64(tail + 8) ^ state);
  return mix(state ^ k1, k2 ^ bytes.size());
}

}  // namespace

std::string ContentHash::hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(32, '0');
  for (int i = 0; i < 16; ++i) {
    text[15 - i] = kDigits[(high >> (4 * i)) & 0xf];
    text[31 - i] = kDigits[(low >> (4 * i)) & 0xf];
  }
  return text;
}

ContentHash hash_content(std::string_view bytes, uint64_t seed) {
  return {hash_lane(bytes, seed, 0xa0761d6478bd642full, 0xe7037ed1a0b428dbull),
          hash_lane(bytes, seed, 0x8ebc6af09c88c6e3ull, 0x589965cc75374cc3ull)};
}

}  // namespace databuild
