// Arena's one out-of-line piece: finding room for an allocation. A request
// that does not fit the current block's tail starts a new block; the tail is
// left unused rather than searched later, since model lists are small and a
// file's model is built once and never grows.
#include "arena.h"

namespace databuild {

std::byte* Arena::allocate(size_t bytes, size_t alignment, size_t header) {
  // The first address at or after `p + header` that is aligned.
  auto aligned_after_header = [&](std::byte* p) {
    auto address = reinterpret_cast<uintptr_t>(p) + header;
    return reinterpret_cast<std::byte*>((address + alignment - 1) & ~(alignment - 1));
  };
  if (next_ != nullptr) {
    std::byte* start = aligned_after_header(next_);
    if (start <= end_ && static_cast<size_t>(end_ - start) >= bytes) {
      used_ += start + bytes - next_;
      next_ = start + bytes;
      return start;
    }
  }
  // operator new[] aligns to __STDCPP_DEFAULT_NEW_ALIGNMENT__, enough for
  // every model struct.
  size_t needed = (header + alignment - 1) / alignment * alignment + bytes;
  size_t size = std::max(needed, block_size_);
  blocks_.push_back(std::make_unique_for_overwrite<std::byte[]>(size));
  reserved_ += size;
  used_ += needed;
  std::byte* block = blocks_.back().get();
  std::byte* start = aligned_after_header(block);
  if (needed >= block_size_) {
    // A block of its own: keep filling the current block afterwards.
    return start;
  }
  next_ = start + bytes;
  end_ = block + size;
  return start;
}

}  // namespace databuild
