// The intern table behind Symbol. Sharded by hash so that the threads lowering
// files in parallel rarely wait for each other; each shard is an
// open-addressing table of text pointers (16 bytes a slot with the hash, no
// node per entry) over an arena of 64 KiB blocks that is never freed, which is
// what lets a Symbol be a bare pointer.
#include "symbol.h"

#include <array>
#include <memory>
#include <mutex>
#include <vector>

namespace databuild {
namespace {

constexpr size_t kShards = 64;
constexpr size_t kBlockSize = 64 * 1024;

class Shard {
 public:
  const char* intern(std::string_view text, uint64_t hash) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Up to three quarters full: a probe compares the stored hashes before any
    // text, so longer runs cost little, and at 100k jobs the slots are half
    // the table's memory.
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    Slot& slot = probe(text, hash);
    if (slot.text == nullptr) {
      slot = {hash, store(text, hash)};
      ++count_;
    }
    return slot.text;
  }

  // The stored text equal to `text`, or nullptr.
  const char* find(std::string_view text, uint64_t hash) {
    std::lock_guard<std::mutex> lock(mutex_);
    return slots_.empty() ? nullptr : probe(text, hash).text;
  }

  SymbolTableStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {count_, slots_.size() * sizeof(Slot) + blocks_.size() * kBlockSize + large_bytes_};
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    const char* text = nullptr;
  };

  // The slot holding `text`, or the empty slot where it would go.
  Slot& probe(std::string_view text, uint64_t hash) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.text == nullptr ||
          (slot.hash == hash &&
           std::string_view(slot.text, Symbol::stored_length(slot.text)) == text))
        return slot;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.text == nullptr) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].text != nullptr) i = (i + 1) & mask;
      slots_[i] = slot;
    }
  }

  // Copies `text` as [uint64 hash][uint32 length][bytes][NUL] and returns the
  // bytes.
  const char* store(std::string_view text, uint64_t hash) {
    constexpr size_t kHeader = sizeof(uint64_t) + sizeof(uint32_t);
    size_t needed = kHeader + text.size() + 1;
    char* entry;
    if (needed > kBlockSize / 4) {
      large_.push_back(std::make_unique<char[]>(needed));
      large_bytes_ += needed;
      entry = large_.back().get();
    } else {
      if (blocks_.empty() || used_ + needed > kBlockSize) {
        blocks_.push_back(std::make_unique<char[]>(kBlockSize));
        used_ = 0;
      }
      entry = blocks_.back().get() + used_;
      used_ += (needed + 7) & ~size_t{7};  // headers stay 8-byte aligned
    }
    auto length = static_cast<uint32_t>(text.size());
    std::memcpy(entry, &hash, sizeof hash);
    std::memcpy(entry + sizeof hash, &length, sizeof length);
    if (!text.empty())
      std::memcpy(entry + kHeader, text.data(), text.size());  // data() may be null
    entry[kHeader + text.size()] = '\0';
    return entry + kHeader;
  }

  std::mutex mutex_;
  std::vector<Slot> slots_;
  size_t count_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t large_bytes_ = 0;
};

// Never destroyed: Symbols in static objects may be read during exit.
std::array<Shard, kShards>& shards() {
  static auto* table = new std::array<Shard, kShards>();
  return *table;
}

Shard& shard_of(uint64_t hash) { return shards()[(hash >> 58) % kShards]; }

// A file repeats a few names many times (its keys, parameters, the datasets
// it reads), so each thread remembers the texts it interned last, one per
// hash bucket: a hit takes no lock and touches no shared cache line. Interned
// texts are never freed, so a remembered pointer stays valid.
const char* intern(std::string_view text) {
  constexpr size_t kRecent = 1024;
  thread_local std::array<const char*, kRecent> recent{};
  uint64_t hash = Symbol::hash_text(text);
  const char*& remembered = recent[hash % kRecent];
  if (remembered && Symbol::stored_hash(remembered) == hash &&
      std::string_view(remembered, Symbol::stored_length(remembered)) == text)
    return remembered;
  remembered = shard_of(hash).intern(text, hash);
  return remembered;
}

}  // namespace

Symbol::Symbol() {
  static const char* const empty = intern({});
  text_ = empty;
}

Symbol::Symbol(std::string_view text) : text_(intern(text)) {}

std::optional<Symbol> Symbol::find_interned(std::string_view text) {
  uint64_t hash = hash_text(text);
  const char* stored = shard_of(hash).find(text, hash);
  if (!stored) return std::nullopt;
  return Symbol(stored, Interned{});
}

SymbolTableStats symbol_table_stats() {
  SymbolTableStats total;
  for (Shard& shard : shards()) {
    SymbolTableStats stats = shard.stats();
    total.symbols += stats.symbols;
    total.bytes += stats.bytes;
  }
  return total;
}

}  // namespace databuild
