// Value: a type-erased, shareable holder for one payload. Fan-out shares the box (no deep copy);
// take() moves the payload out when the box is not shared, so move-only types (unique_ptr) work.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

namespace cellflow {

/// Readable C++ name of a type_info ("int", "std::string", "cv::Mat").
std::string type_name(const std::type_info& type);

template <class T>
const std::string& type_name() {
  static const std::string name = type_name(typeid(T));
  return name;
}

class Value {
 public:
  Value() = default;
  /// Wraps any value (copied or moved in). Implicit, like std::any, but move-only types work.
  template <class T, class D = std::decay_t<T>, class = std::enable_if_t<!std::is_same_v<D, Value>>>
  Value(T&& value)  // NOLINT(google-explicit-constructor)
      : box_(std::make_shared<D>(std::forward<T>(value))), type_(&typeid(D)) {}

  bool has_value() const noexcept { return box_ != nullptr; }
  /// typeid of the held payload; typeid(void) when empty.
  const std::type_info& type() const noexcept { return type_ ? *type_ : typeid(void); }
  template <class T>
  bool holds() const noexcept {
    return type_ && *type_ == typeid(T);
  }

  /// The payload. Throws std::logic_error naming both types on mismatch.
  template <class T>
  const T& get() const {
    check(typeid(T));
    return *static_cast<const T*>(box_.get());
  }

  /// Moves the payload out if this Value is its only owner, otherwise copies it. A shared
  /// move-only payload cannot be taken: throws std::logic_error.
  template <class T>
  T take() {
    check(typeid(T));
    T* payload = static_cast<T*>(box_.get());
    if (box_.use_count() == 1) {
      T out = std::move(*payload);
      box_.reset();
      type_ = nullptr;
      return out;
    }
    if constexpr (std::is_copy_constructible_v<T>) {
      return *payload;
    } else {
      throw_shared_move_only();
    }
  }

  /// Address of the payload, for identity checks (zero-copy tests).
  const void* address() const noexcept { return box_.get(); }

 private:
  void check(const std::type_info& wanted) const;
  [[noreturn]] void throw_shared_move_only() const;

  std::shared_ptr<void> box_;
  const std::type_info* type_ = nullptr;
};

}  // namespace cellflow
