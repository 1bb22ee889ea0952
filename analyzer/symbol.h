// Interned strings: the names, literals and doc comments of the model.
//
// A workspace repeats its names many times (a dataset is declared once and
// named in every pattern that reads it), and a 100k-job workspace has millions
// of them. As `std::string`s they cost 32 bytes each plus a heap block when
// longer than 15 bytes, and every name lookup in linking hashed and compared
// characters. A Symbol is a 32-bit number: equal texts are interned once, so a
// Symbol copies for free, compares as an integer, hashes with a hash computed
// once when interned, and, at half a pointer's size, lets a Name (a Symbol
// and a Location) take 16 bytes instead of 24. SymbolMap
// (identity_map.h) looks names up by any string without interning it.
//
// The table is process-wide and append-only: interned text is never freed, so
// a Symbol stays valid however the model that holds it is copied, cached or
// destroyed, and the threads that lower files in parallel share it through
// sharded locks. What it keeps is bounded by the distinct strings a process
// ever sees: a workspace's own names, plus, in the language server, the
// distinct spellings typed while editing.
#pragma once

#include <atomic>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace databuild {

// The table from a Symbol's number to its text: pages of text pointers,
// allocated as numbers are handed out and never freed. Page 0 exists from
// the start, its slot 0 the empty string, so a default Symbol needs no
// interning and is valid even in static initialisation.
namespace symbol_pages {
inline constexpr unsigned kPageBits = 12;
inline constexpr uint32_t kPageSize = 1u << kPageBits;
inline constexpr size_t kPages = size_t{1} << 16;  // 2^28 distinct texts
extern std::atomic<const char**> pages[kPages];

// The text numbered `number`: NUL-terminated, valid for the life of the process.
inline const char* text(uint32_t number) {
  return pages[number >> kPageBits].load(std::memory_order_acquire)[number & (kPageSize - 1)];
}
}  // namespace symbol_pages

class Symbol {
 public:
  // The empty string.
  Symbol() = default;
  // Interns `text`; thread-safe.
  explicit Symbol(std::string_view text);
  // The Symbol of `text` if it was ever interned, without interning it: a
  // lookup by a user's text must not grow the table.
  static std::optional<Symbol> find_interned(std::string_view text);

  std::string_view view() const {
    const char* text = data();
    return {text, stored_length(text)};
  }
  operator std::string_view() const { return view(); }
  std::string str() const { return std::string(view()); }
  // NUL-terminated, and valid for the life of the process.
  const char* data() const { return symbol_pages::text(id_); }
  size_t size() const { return stored_length(data()); }
  bool empty() const { return id_ == 0; }
  // The text's number, dense from 0 (the empty string) in interning order:
  // what SymbolMap hashes.
  uint32_t id() const { return id_; }

  // Equal texts are one entry, so identity is equality.
  friend bool operator==(Symbol a, Symbol b) { return a.id_ == b.id_; }
  friend bool operator==(Symbol a, std::string_view b) { return a.view() == b; }
  friend bool operator==(Symbol a, const char* b) { return a.view() == b; }
  friend bool operator==(Symbol a, const std::string& b) { return a.view() == b; }
  // Alphabetical, so sorted output does not depend on interning order.
  friend std::strong_ordering operator<=>(Symbol a, Symbol b) { return a.view() <=> b.view(); }
  friend std::strong_ordering operator<=>(Symbol a, std::string_view b) { return a.view() <=> b; }

  friend std::string operator+(const std::string& a, Symbol b) { return a + std::string(b.view()); }
  friend std::string operator+(Symbol a, const std::string& b) { return std::string(a.view()) + b; }
  friend std::string operator+(const char* a, Symbol b) { return a + std::string(b.view()); }
  friend std::string operator+(Symbol a, const char* b) { return std::string(a.view()) + b; }
  friend std::string& operator+=(std::string& a, Symbol b) { return a.append(b.view()); }
  friend std::ostream& operator<<(std::ostream& out, Symbol symbol) { return out << symbol.view(); }

  // Interned text is stored as [uint64 hash][uint32 length][text][NUL].
  static size_t stored_length(const char* text) {
    uint32_t size;
    std::memcpy(&size, text - sizeof size, sizeof size);
    return size;
  }
  static uint64_t stored_hash(const char* text) {
    uint64_t hash;
    std::memcpy(&hash, text - sizeof(uint32_t) - sizeof hash, sizeof hash);
    return hash;
  }
  // The hash a Symbol of `text` has. Read 8 bytes at a time: a byte-at-a-time
  // hash (FNV-1a) was most of the cost of interning the names lowering finds.
  // The last step mixes every byte into both the high bits (which pick the
  // intern table's shard) and the low bits (which pick the slot). The empty
  // text hashes to 0.
  static uint64_t hash_text(std::string_view text) {
    constexpr uint64_t kOdd = 0x9e3779b97f4a7c15ull;  // 2^64 / golden ratio
    const char* bytes = text.data();
    size_t size = text.size();
    uint64_t hash = size * kOdd;
    for (; size >= 8; bytes += 8, size -= 8) {
      uint64_t word;
      std::memcpy(&word, bytes, sizeof word);
      hash = (hash ^ word) * kOdd;
      hash ^= hash >> 32;
    }
    if (size > 0) {
      uint64_t tail = 0;
      for (size_t i = 0; i < size; ++i)
        tail |= uint64_t{static_cast<unsigned char>(bytes[i])} << (8 * i);
      hash = (hash ^ tail) * kOdd;
    }
    // MurmurHash3's finalizer.
    hash ^= hash >> 33;
    hash *= 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53ull;
    hash ^= hash >> 33;
    return hash;
  }
  uint64_t hash() const { return stored_hash(data()); }

 private:
  explicit Symbol(uint32_t id) : id_(id) {}

  uint32_t id_ = 0;
};

// How many distinct strings are interned and the bytes they take, table
// included: `databuild-parse-only --phases` prints them.
struct SymbolTableStats {
  size_t symbols = 0;
  size_t bytes = 0;
};
SymbolTableStats symbol_table_stats();

}  // namespace databuild

template <>
struct std::hash<databuild::Symbol> {
  size_t operator()(databuild::Symbol symbol) const { return symbol.hash(); }
};
