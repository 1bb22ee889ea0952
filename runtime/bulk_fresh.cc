// fresh_in_bulk(): a flat table of the catalog's refs, probed by every
// partition's name on a few threads.
//
// The table is open addressing over version indices (not a std::unordered_map
// of strings: a million nodes and their strings were most of the old planner's
// cache misses), sized to at most half full; the ref bytes stay in the
// BuiltVersions' one buffer.
#include "bulk_fresh.h"

#include <algorithm>
#include <functional>
#include <system_error>
#include <thread>

#include "plan.h"
#include "resolve.h"

namespace databuild {
namespace {

constexpr size_t kMaxVersions = 0xffffffff;

class RefTable {
 public:
  explicit RefTable(const BuiltVersions& built) : built_(built) {
    size_t capacity = 16;
    while (capacity < 2 * built.versions.size()) capacity *= 2;
    slots_.assign(capacity, kEmpty);
    std::vector<size_t> hashes(built.versions.size());
    for (size_t i = 0; i < hashes.size(); ++i) hashes[i] = hash(built.ref(built.versions[i]));
    for (size_t i = 0; i < hashes.size(); ++i) {
      if (i + kAhead < hashes.size()) prefetch(hashes[i + kAhead]);
      uint64_t& slot = slots_[probe(built.ref(built.versions[i]), hashes[i])];
      if (slot == kEmpty) slot = (hashes[i] >> 32 << 32) | i;  // a ref has one current version
    }
  }

  static size_t hash(std::string_view ref) { return std::hash<std::string_view>()(ref); }
  // Starts loading the slot a probe for `hash` begins at: the table is far
  // larger than the caches, and a miss per partition was most of the time.
  void prefetch(size_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }

  const BuiltVersions::Version* find(std::string_view ref, size_t hash) const {
    uint64_t slot = slots_[probe(ref, hash)];
    return slot == kEmpty ? nullptr : &built_.versions[slot & kIndex];
  }

  // How far ahead to prefetch: enough misses in flight to hide their latency.
  static constexpr size_t kAhead = 16;

 private:
  // A slot holds a version's index in its low half and the top half of its
  // ref's hash in the high half: most probes that miss never touch the refs.
  static constexpr uint64_t kEmpty = UINT64_MAX, kIndex = 0xffffffff;

  // The slot holding `ref` (whose hash is `hash`), or the empty one where it would go.
  size_t probe(std::string_view ref, size_t hash) const {
    size_t mask = slots_.size() - 1;
    for (size_t at = hash & mask;; at = (at + 1) & mask) {
      uint64_t slot = slots_[at];
      if (slot == kEmpty) return at;
      if ((slot >> 32) == (hash >> 32) && built_.ref(built_.versions[slot & kIndex]) == ref)
        return at;
    }
  }

  const BuiltVersions& built_;
  std::vector<uint64_t> slots_;
};

// The directory a path is in, opened for relative lookups and kept while
// consecutive paths share it (a dataset's links share one; a plan's versions,
// `.versions`).
class DirectoryCache {
 public:
  explicit DirectoryCache(const DiskInterface& disk) : disk_(disk) {}

  // The directory `path` is in; `name` is set to its last component.
  const DirectoryHandle& of(std::string_view path, std::string& name) {
    size_t slash = path.rfind('/');
    std::string_view directory = slash == std::string_view::npos ? std::string_view(".")
                                 : slash == 0                    ? std::string_view("/")
                                                                 : path.substr(0, slash);
    name.assign(slash == std::string_view::npos ? path : path.substr(slash + 1));
    if (!handle_ || directory != directory_) {
      directory_.assign(directory);
      handle_ = disk_.open_directory(directory_);
    }
    return *handle_;
  }

 private:
  const DiskInterface& disk_;
  std::string directory_;
  std::unique_ptr<DirectoryHandle> handle_;
};

}  // namespace

std::vector<char> fresh_in_bulk(const DiskInterface& disk, const std::string& data_root,
                                const BuiltVersions& built, const std::vector<int64_t>& fresh_runs,
                                const std::vector<const PartitionRef*>& partitions,
                                unsigned threads) {
  std::vector<char> fresh(partitions.size(), 0);
  // A slot keeps 32 bits of version index; no dataset comes near.
  if (partitions.empty() || fresh_runs.empty() || built.versions.size() >= kMaxVersions)
    return fresh;
  RefTable table(built);
  auto settle = [&](size_t begin, size_t end) {
    // Names and hashes kAhead partitions ahead, their slots prefetched; the
    // buffers are reused, so naming a partition allocates nothing.
    constexpr size_t kRing = 2 * RefTable::kAhead;
    std::vector<std::string> names(kRing);
    std::vector<size_t> hashes(kRing);
    auto look_ahead = [&](size_t i) {
      if (i >= end) return;
      names[i % kRing].clear();
      partitions[i]->append_canonical(names[i % kRing]);
      hashes[i % kRing] = RefTable::hash(names[i % kRing]);
      table.prefetch(hashes[i % kRing]);
    };
    for (size_t i = begin; i < std::min(end, begin + RefTable::kAhead); ++i) look_ahead(i);
    std::string location, link_name, version_name;
    DirectoryCache links(disk), versions(disk);
    for (size_t i = begin; i < end; ++i) {
      look_ahead(i + RefTable::kAhead);
      const std::string& name = names[i % kRing];
      const BuiltVersions::Version* version = table.find(name, hashes[i % kRing]);
      if (!version || !std::binary_search(fresh_runs.begin(), fresh_runs.end(), version->run_id))
        continue;
      const PartitionRef& partition = *partitions[i];
      location.assign(data_root).append("/");
      if (!partition.dataset->location_template) {
        location += name;
      } else if (Expected<std::string> templated = partition_location(partition)) {
        location += *templated;
      } else {
        continue;  // the walk reports it
      }
      fresh[i] =
          link_names_version([&] { return links.of(location, link_name).read_symlink(link_name); },
                             [&](const std::string& target) {
                               return versions.of(target, version_name).is_directory(version_name);
                             },
                             built.path(*version));
    }
  };
  // Below a few thousand partitions a thread costs more than it saves.
  constexpr size_t kPerThread = 4096;
  size_t count = std::clamp<size_t>(partitions.size() / kPerThread, 1, std::max(threads, 1u));
  std::vector<std::thread> workers;
  size_t chunk = (partitions.size() + count - 1) / count;
  for (size_t t = 1; t < count; ++t) {
    size_t begin = t * chunk, end = std::min(partitions.size(), (t + 1) * chunk);
    try {
      workers.emplace_back(settle, begin, end);
    } catch (const std::system_error&) {  // no thread to be had: this one does it
      settle(begin, end);
    }
  }
  settle(0, std::min(partitions.size(), chunk));
  for (std::thread& worker : workers) worker.join();
  return fresh;
}

}  // namespace databuild
