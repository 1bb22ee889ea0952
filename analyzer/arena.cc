// Arena's one out-of-line piece: finding room for an allocation. A request
// that fits neither the current block's tail nor the spare (the larger tail an
// earlier block was left with) starts a new block. Only one old tail is kept,
// not a free list: model lists are small and a file's model is built once and
// never grows, so one spare already takes most of the small requests that
// would otherwise be lost to tails (3 MB at 100k jobs with blocks of a quarter
// of the source).
#include "arena.h"

namespace databuild {

std::byte* Arena::allocate(size_t bytes, size_t alignment, size_t header) {
  // The first address at or after `p + header` that is aligned.
  auto aligned_after_header = [&](std::byte* p) {
    auto address = reinterpret_cast<uintptr_t>(p) + header;
    return reinterpret_cast<std::byte*>((address + alignment - 1) & ~(alignment - 1));
  };
  // Takes the allocation from `region` if it fits there.
  auto take = [&](Region& region) -> std::byte* {
    if (region.next == nullptr) return nullptr;
    std::byte* start = aligned_after_header(region.next);
    if (start > region.end || static_cast<size_t>(region.end - start) < bytes) return nullptr;
    used_ += start + bytes - region.next;
    region.next = start + bytes;
    return start;
  };
  if (std::byte* start = take(current_)) return start;
  if (std::byte* start = take(spare_)) return start;
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
  // The larger of the two old tails stays in use as the spare.
  if (current_.size() > spare_.size()) spare_ = current_;
  current_ = {start + bytes, block + size};
  return start;
}

}  // namespace databuild
