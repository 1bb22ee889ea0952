// Where one file's semantic model keeps its lists and optional parts.
//
// A lowered file is thousands of small lists (a pattern's bindings, an
// expression's operands, a template's parts) and optional parts (a key's
// `since`, a dataset's `wait`). As std::vectors and std::optionals each list
// was its own heap block (16 bytes of malloc overhead plus growth slack) and
// every absent optional Expr still took its full size inline: at 100k jobs the
// model took 11x its source text. Here they are carved from the file's Arena,
// a few blocks of a few KiB each, and freed all at once with the model.
//
// Ownership: an Arena owns its blocks; List and Ref point into them and own
// nothing. A FileModel owns its Arena through an ArenaHandle (a unique_ptr),
// so moving the model moves no element and every pointer into it stays valid.
// The arena never runs destructors: whatever it holds must be trivially
// destructible, which allocation checks at compile time.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace databuild {

template <class T>
class List;
template <class T>
class Ref;

class Arena {
 public:
  // `block_size`: the size of each block; larger requests get a block of their own.
  explicit Arena(size_t block_size = 4096) : block_size_(block_size) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // A list of copies of `items` (empty lists allocate nothing).
  template <class T>
  List<T> copy(std::span<const T> items);
  template <class T>
  List<T> copy(const std::vector<T>& items) {
    return copy(std::span<const T>(items));
  }
  // A list of `size` value-initialized elements, to be filled in place.
  template <class T>
  List<T> make_list(size_t size);
  // One element, for an optional part that is present.
  template <class T>
  Ref<T> make(T value);

  // Bytes taken from the system, and bytes handed out (with alignment
  // padding) of them, for memory statistics.
  size_t reserved_bytes() const { return reserved_; }
  size_t used_bytes() const { return used_; }

 private:
  // `header` bytes followed by `bytes` aligned to `alignment`; returns the
  // aligned part (the header, if any, is just before it).
  std::byte* allocate(size_t bytes, size_t alignment, size_t header = 0);
  // Room for `size` T with the list's length in front of them.
  template <class T>
  T* allocate_list(size_t size);

  size_t block_size_;
  std::vector<std::unique_ptr<std::byte[]>> blocks_;
  // Free space: [next, end).
  struct Region {
    std::byte* next = nullptr;
    std::byte* end = nullptr;
    size_t size() const { return static_cast<size_t>(end - next); }
  };
  Region current_;  // the newest block's
  Region spare_;    // the larger tail an earlier block was left with
  size_t reserved_ = 0;
  size_t used_ = 0;
};

// A fixed-size list of T in an Arena: std::vector's read interface without
// ownership, in the size of a pointer: the length is stored in the arena
// just before the elements (where the elements' alignment mostly leaves a gap
// anyway), so an empty list, which most of the model's lists are, is a null
// pointer and nothing else. Elements are mutable through a non-const List
// (link() fills the model's linked fields in place). Compares element by
// element, as std::vector does.
template <class T>
class List {
 public:
  using value_type = T;
  using iterator = T*;
  using const_iterator = const T*;

  List() = default;

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const {
    if (!data_) return 0;
    uint32_t size;
    std::memcpy(&size, reinterpret_cast<const std::byte*>(data_) - sizeof size, sizeof size);
    return size;
  }
  bool empty() const { return data_ == nullptr; }
  T* begin() { return data_; }
  T* end() { return data_ + size(); }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size(); }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  // Bounds-checked, as std::vector::at.
  T& at(size_t i) { return i < size() ? data_[i] : throw std::out_of_range("List::at"); }
  const T& at(size_t i) const {
    return i < size() ? data_[i] : throw std::out_of_range("List::at");
  }
  T& front() { return data_[0]; }
  const T& front() const { return data_[0]; }
  T& back() { return data_[size() - 1]; }
  const T& back() const { return data_[size() - 1]; }
  operator std::span<const T>() const { return {data_, size()}; }

  bool operator==(const List& other) const {
    return std::equal(begin(), end(), other.begin(), other.end());
  }

 private:
  friend class Arena;
  // `data` is null or follows its length, as Arena::allocate_list leaves it.
  explicit List(T* data) : data_(data) {}

  T* data_ = nullptr;
};

// An optional part of the model that lives in an Arena: std::optional's read
// interface in the size of a pointer, whatever the size of T. Compares by
// value, as std::optional does.
template <class T>
class Ref {
 public:
  Ref() = default;
  explicit Ref(T* value) : value_(value) {}

  bool has_value() const { return value_ != nullptr; }
  explicit operator bool() const { return value_ != nullptr; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return value_; }
  const T* operator->() const { return value_; }
  // The value, or nullptr when absent.
  const T* get() const { return value_; }
  T value_or(T absent) const { return value_ ? *value_ : absent; }

  bool operator==(const Ref& other) const {
    if (!value_ || !other.value_) return value_ == other.value_;
    return *value_ == *other.value_;
  }

 private:
  T* value_ = nullptr;
};

// Owns the Arena of a value type (FileModel) whose equality is its contents':
// two handles always compare equal, since where the parts live is not part of
// the value. Created on first use, so a default-constructed model allocates
// nothing.
class ArenaHandle {
 public:
  Arena& get(size_t block_size = 4096) {
    if (!arena_) arena_ = std::make_unique<Arena>(block_size);
    return *arena_;
  }
  size_t reserved_bytes() const { return arena_ ? arena_->reserved_bytes() : 0; }
  size_t used_bytes() const { return arena_ ? arena_->used_bytes() : 0; }
  bool operator==(const ArenaHandle&) const { return true; }

 private:
  std::unique_ptr<Arena> arena_;
};

template <class T>
T* Arena::allocate_list(size_t size) {
  static_assert(std::is_trivially_destructible_v<T>, "the arena runs no destructors");
  if (size > UINT32_MAX) throw std::length_error("List: more than 2^32 - 1 elements");
  uint32_t length = static_cast<uint32_t>(size);
  std::byte* data = allocate(sizeof(T) * size, alignof(T), sizeof length);
  std::memcpy(data - sizeof length, &length, sizeof length);
  return reinterpret_cast<T*>(data);
}

template <class T>
List<T> Arena::copy(std::span<const T> items) {
  if (items.empty()) return {};
  T* data = allocate_list<T>(items.size());
  std::uninitialized_copy(items.begin(), items.end(), data);
  return List<T>(data);
}

template <class T>
List<T> Arena::make_list(size_t size) {
  if (size == 0) return {};
  T* data = allocate_list<T>(size);
  std::uninitialized_value_construct_n(data, size);
  return List<T>(data);
}

template <class T>
Ref<T> Arena::make(T value) {
  static_assert(std::is_trivially_destructible_v<T>, "the arena runs no destructors");
  return Ref<T>(new (allocate(sizeof(T), alignof(T))) T(std::move(value)));
}

}  // namespace databuild
