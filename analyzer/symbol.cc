// The intern table behind Symbol. Sharded by hash so that the threads lowering
// files in parallel rarely wait for each other; each shard is an
// open-addressing table of Symbol numbers (8 bytes a slot with the low half
// of the hash, no node per entry) over an arena of 64 KiB blocks that is
// never freed, so the page table (symbol.h) can hand out a text pointer for a
// number without a lock.
#include "symbol.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

namespace databuild {
namespace symbol_pages {
namespace {

// The empty string's entry, laid out as Shard::store lays out every text.
struct EmptyEntry {
  uint64_t hash;
  uint32_t length;
  char text[4];
};
constexpr EmptyEntry kEmpty{0, 0, {}};  // Symbol::hash_text("") is 0
static_assert(offsetof(EmptyEntry, text) == sizeof(uint64_t) + sizeof(uint32_t));

const char* first_page[kPageSize] = {kEmpty.text};
std::atomic<uint32_t> next_number{1};
std::mutex page_mutex;

}  // namespace

std::atomic<const char**> pages[kPages] = {first_page};

// Numbers `text` (interned, with its header in front) and records it.
uint32_t number(const char* text) {
  uint32_t id = next_number.fetch_add(1, std::memory_order_relaxed);
  size_t index = id >> kPageBits;
  if (index >= kPages) {
    std::fputs("databuild: more than 2^28 distinct names; cannot go on\n", stderr);
    std::abort();
  }
  const char** page = pages[index].load(std::memory_order_acquire);
  if (!page) {
    std::lock_guard<std::mutex> lock(page_mutex);
    page = pages[index].load(std::memory_order_relaxed);
    if (!page) {
      page = new const char*[kPageSize]();
      pages[index].store(page, std::memory_order_release);
    }
  }
  page[id & (kPageSize - 1)] = text;
  return id;
}

size_t page_bytes() {
  std::lock_guard<std::mutex> lock(page_mutex);
  size_t bytes = 0;
  for (const auto& page : pages) bytes += page.load() ? kPageSize * sizeof(const char*) : 0;
  return bytes;
}

}  // namespace symbol_pages

namespace {

constexpr size_t kShards = 64;
constexpr size_t kBlockSize = 64 * 1024;
// 0 numbers the empty string, which no shard stores: it marks an empty slot.
constexpr uint32_t kNone = 0;

std::string_view text_of(uint32_t id) {
  const char* text = symbol_pages::text(id);
  return {text, Symbol::stored_length(text)};
}

class Shard {
 public:
  uint32_t intern(std::string_view text, uint64_t hash) {
    std::lock_guard<std::mutex> lock(mutex_);
    // Up to three quarters full: a probe compares the stored hashes before any
    // text, so longer runs cost little.
    if ((count_ + 1) * 4 > slots_.size() * 3) grow();
    Slot& slot = probe(text, hash);
    if (slot.id == kNone) {
      slot = {static_cast<uint32_t>(hash), symbol_pages::number(store(text, hash))};
      ++count_;
    }
    return slot.id;
  }

  // The number of the text equal to `text`, or kNone.
  uint32_t find(std::string_view text, uint64_t hash) {
    std::lock_guard<std::mutex> lock(mutex_);
    return slots_.empty() ? kNone : probe(text, hash).id;
  }

  SymbolTableStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    return {count_, slots_.size() * sizeof(Slot) + blocks_.size() * kBlockSize + large_bytes_};
  }

 private:
  struct Slot {
    uint32_t hash = 0;  // the low half: a shard never has 2^32 slots
    uint32_t id = kNone;
  };

  // The slot holding `text`, or the empty slot where it would go.
  Slot& probe(std::string_view text, uint64_t hash) {
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kNone ||
          (slot.hash == static_cast<uint32_t>(hash) && text_of(slot.id) == text))
        return slot;
    }
  }

  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
    size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.id == kNone) continue;
      size_t i = slot.hash & mask;
      while (slots_[i].id != kNone) i = (i + 1) & mask;
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

// An entry of intern()'s per-thread memory of recent texts.
struct Remembered {
  static constexpr size_t kInline = 19;  // fills the entry to 32 bytes
  uint64_t hash = 0;
  uint32_t id = kNone;
  uint8_t length = 0;  // of `text`, when it is the whole of it
  char text[kInline];

  bool holds(std::string_view wanted, uint64_t wanted_hash) const {
    if (id == kNone || hash != wanted_hash) return false;
    if (wanted.size() > kInline) return text_of(id) == wanted;
    return length == wanted.size() && std::memcmp(text, wanted.data(), wanted.size()) == 0;
  }
};
static_assert(sizeof(Remembered) == 32);

// A file repeats a few names many times (its keys, parameters, the datasets
// it reads), so each thread remembers the texts it interned last, one per
// hash bucket, with their whole hash and, when short (most names are), a copy
// of the text: a hit then takes no lock and reads nothing shared. Reading the
// interned text to compare it missed the cache at 100k jobs; a longer text is
// still compared there. Interned texts are never freed, so a remembered number
// stays valid.
uint32_t intern(std::string_view text) {
  if (text.empty()) return kNone;
  constexpr size_t kRecent = 1024;
  thread_local std::array<Remembered, kRecent> recent{};
  uint64_t hash = Symbol::hash_text(text);
  Remembered& remembered = recent[hash % kRecent];
  if (remembered.holds(text, hash)) return remembered.id;
  remembered.hash = hash;
  remembered.id = shard_of(hash).intern(text, hash);
  if (text.size() <= Remembered::kInline) {
    remembered.length = static_cast<uint8_t>(text.size());
    std::memcpy(remembered.text, text.data(), text.size());
  }
  return remembered.id;
}

}  // namespace

Symbol::Symbol(std::string_view text) : id_(intern(text)) {}

std::optional<Symbol> Symbol::find_interned(std::string_view text) {
  if (text.empty()) return Symbol();
  uint64_t hash = hash_text(text);
  uint32_t id = shard_of(hash).find(text, hash);
  if (id == kNone) return std::nullopt;
  return Symbol(id);
}

SymbolTableStats symbol_table_stats() {
  SymbolTableStats total;
  for (Shard& shard : shards()) {
    SymbolTableStats stats = shard.stats();
    total.symbols += stats.symbols;
    total.bytes += stats.bytes;
  }
  total.bytes += symbol_pages::page_bytes();
  return total;
}

}  // namespace databuild
