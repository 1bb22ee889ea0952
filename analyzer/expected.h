// Expected<T>: a value, or the user-facing message saying why there is none.
//
// Partition refs and job-target resolution fail on user input (a mistyped ref,
// a date outside a key's domain), and the caller's job is to show the reason,
// not to recover from it; an exception or an error code would lose the
// message or force every caller to build it. std::expected is C++23; this is
// the small part of it DataBuild needs.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace databuild {

// The failure side of an Expected: a complete sentence naming what was wrong.
struct Failure {
  std::string message;
};

template <typename T>
class Expected {
 public:
  Expected(T value) : value_(std::move(value)) {}  // NOLINT: implicit, like std::expected
  Expected(Failure failure) : error_(std::move(failure.message)) {}  // NOLINT

  explicit operator bool() const { return value_.has_value(); }
  const T& operator*() const& { return *value_; }
  T& operator*() & { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  const T* operator->() const { return &*value_; }
  T* operator->() { return &*value_; }
  // The reason there is no value; empty when there is one.
  const std::string& error() const { return error_; }

 private:
  std::optional<T> value_;
  std::string error_;
};

}  // namespace databuild
