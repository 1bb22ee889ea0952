// Hash tables keyed by identity: by Symbol (the workspace's symbol tables) or
// by a pointer into the model (a dataset's producers, readers and labels).
//
// Linking looks up every pattern's dataset, every type and policy name, and
// the language server links the whole workspace again after each edit. With
// std::unordered_map each lookup divided by a prime and chased a node pointer,
// and each entry was its own heap block: a tenth of an edit's time. Here the
// entries sit in one vector in insertion order (so iteration is deterministic
// and cheap) and an open-addressing table of 32-bit indices finds them. Both
// kinds of key are identities (a Symbol is its text's number, a pointer its
// address), so the hash mixes that integer and equality is identity; neither
// reads the text or the object.
//
// A SymbolMap also finds a plain string, through its interned Symbol
// (Symbol::find_interned): a text never interned names nothing in any map.
// Entries are never erased, which keeps the probing simple; clear() empties
// the whole map. The API is the subset of std::unordered_map's the analyzer
// uses, so iterators are entry pointers and `it->second` reads a value.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "symbol.h"

namespace databuild {

template <typename Key, typename Value>
class IdentityMap {
  static_assert(std::is_pointer_v<Key> || std::is_same_v<Key, Symbol>,
                "keys are compared by identity: a Symbol or a pointer");

 public:
  using key_type = Key;
  using mapped_type = Value;
  using Entry = std::pair<Key, Value>;
  using iterator = Entry*;
  using const_iterator = const Entry*;

  IdentityMap() = default;
  IdentityMap(std::initializer_list<Entry> entries) {
    for (const Entry& entry : entries) emplace(entry.first, entry.second);
  }

  iterator begin() { return entries_.data(); }
  iterator end() { return entries_.data() + entries_.size(); }
  const_iterator begin() const { return entries_.data(); }
  const_iterator end() const { return entries_.data() + entries_.size(); }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  void reserve(size_t count) {
    entries_.reserve(count);
    if (slots_for(count) > slots_.size()) rehash(slots_for(count));
  }
  void clear() {
    entries_.clear();
    std::fill(slots_.begin(), slots_.end(), kEmpty);
  }

  // Inserts (key, value) unless `key` is present; returns the entry for `key`
  // and whether it was inserted, as std::unordered_map does.
  std::pair<iterator, bool> emplace(Key key, Value value) {
    if (slots_for(entries_.size() + 1) > slots_.size()) rehash(slots_for(entries_.size() + 1));
    uint32_t* slot = probe(key);
    if (*slot != kEmpty) return {&entries_[*slot], false};
    *slot = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back(key, std::move(value));
    return {&entries_.back(), true};
  }
  Value& operator[](Key key) { return emplace(key, Value{}).first->second; }

  iterator find(Key key) { return const_cast<iterator>(std::as_const(*this).find(key)); }
  const_iterator find(Key key) const {
    if (slots_.empty()) return end();
    uint32_t index = *const_cast<IdentityMap*>(this)->probe(key);
    return index == kEmpty ? end() : &entries_[index];
  }
  size_t count(Key key) const { return find(key) != end(); }
  const Value& at(Key key) const {
    const_iterator it = find(key);
    if (it == end()) throw std::out_of_range("IdentityMap::at: absent key");
    return it->second;
  }

  // A SymbolMap's lookups by plain text.
  iterator find(std::string_view text) requires std::is_same_v<Key, Symbol> {
    return const_cast<iterator>(std::as_const(*this).find(text));
  }
  const_iterator find(std::string_view text) const requires std::is_same_v<Key, Symbol> {
    std::optional<Symbol> key = Symbol::find_interned(text);
    return key ? find(*key) : end();
  }
  size_t count(std::string_view text) const requires std::is_same_v<Key, Symbol> {
    return find(text) != end();
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  static uintptr_t identity(Key key) {
    if constexpr (std::is_same_v<Key, Symbol>) {
      return key.id();
    } else {
      return reinterpret_cast<uintptr_t>(key);
    }
  }
  // At most half the slots are used: probes stay short.
  static size_t slots_for(size_t count) {
    size_t slots = 16;
    while (slots < count * 2) slots *= 2;
    return slots;
  }
  size_t home(Key key) const {
    // Fibonacci hashing: an address's low bits are alignment and its high
    // bits vary little, and Symbol numbers are consecutive; the
    // multiplication spreads the bits that vary.
    return static_cast<size_t>((identity(key) * 0x9E3779B97F4A7C15ull) >> 32) & (slots_.size() - 1);
  }
  // The slot holding `key`, or the empty slot where it would go.
  uint32_t* probe(Key key) {
    size_t mask = slots_.size() - 1;
    for (size_t i = home(key);; i = (i + 1) & mask) {
      uint32_t& slot = slots_[i];
      if (slot == kEmpty || entries_[slot].first == key) return &slot;
    }
  }
  void rehash(size_t count) {
    slots_.assign(count, kEmpty);
    for (size_t index = 0; index < entries_.size(); ++index)
      *probe(entries_[index].first) = static_cast<uint32_t>(index);
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> slots_;
};

template <typename Value>
using SymbolMap = IdentityMap<Symbol, Value>;

// A set of Symbols, in insertion order.
class SymbolSet {
 public:
  // Whether `symbol` was new.
  bool insert(Symbol symbol) { return map_.emplace(symbol, {}).second; }
  size_t count(Symbol symbol) const { return map_.count(symbol); }
  size_t size() const { return map_.size(); }
  // Adds every symbol of `other`.
  void merge(const SymbolSet& other) {
    for (const auto& [symbol, unused] : other.map_) insert(symbol);
  }

 private:
  struct Nothing {};
  SymbolMap<Nothing> map_;
};

}  // namespace databuild
