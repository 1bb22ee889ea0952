// A fast 128-bit hash of bytes: the analysis cache's keys and a job's
// definition fingerprint (model.h).
//
// Non-cryptographic: collisions are as unlikely as random 128-bit values
// colliding, and nobody is expected to forge .dbuild files against their own
// cache. Two 64-bit lanes of a multiply-fold mix over 16-byte blocks: it hashes
// a 43 MB workspace in tens of milliseconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace databuild {

struct ContentHash {
  uint64_t high = 0;
  uint64_t low = 0;

  bool operator==(const ContentHash&) const = default;
  std::string hex() const;  // 32 lowercase hex digits
};

ContentHash hash_content(std::string_view bytes, uint64_t seed = 0);

}  // namespace databuild
