// Value: a type-erased, shareable holder for one payload. Fan-out shares the box (no deep copy);
// take() moves the payload out when the box is not shared, so move-only types (unique_ptr) work.
// Small trivially copyable payloads (int, double, a handful of bytes) are held inline instead of
// in a box: copying them is cheaper than allocating and sharing one.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
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
  /// A string literal (any char pointer) is held as the std::string it points to, never as the
  /// pointer: `p.submit({{"text", "hi"}})` feeds an Input<std::string>.
  template <class T, class D = std::decay_t<T>, class = std::enable_if_t<!std::is_same_v<D, Value>>>
  Value(T&& value)  // NOLINT(google-explicit-constructor)
      : type_(&typeid(Held<D>)) {
    if constexpr (kHeldInline<Held<D>>)
      ::new (static_cast<void*>(inline_)) D(std::forward<T>(value));
    else
      box_ = std::make_shared<Held<D>>(std::forward<T>(value));
  }

  bool has_value() const noexcept { return type_ != nullptr; }
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
    return *static_cast<const T*>(payload());
  }

  /// Moves the payload out if this Value is its only owner, otherwise copies it. A shared
  /// move-only payload cannot be taken: throws std::logic_error.
  template <class T>
  T take() {
    check(typeid(T));
    if constexpr (kHeldInline<T>) {
      type_ = nullptr;
      return *static_cast<const T*>(payload());
    } else {
      return take_boxed<T>();
    }
  }

  /// Address of the payload, for identity checks (zero-copy tests).
  const void* address() const noexcept { return payload(); }

 private:
  // Inline storage: trivially copyable, so the implicit copy of the bytes is a copy of the value.
  static constexpr std::size_t kInlineSize = 16;
  template <class D>
  using Held = std::conditional_t<std::is_same_v<D, const char*> || std::is_same_v<D, char*>,
                                  std::string, D>;
  template <class D>
  static constexpr bool kHeldInline = std::is_trivially_copyable_v<D> && sizeof(D) <= kInlineSize &&
                                      alignof(D) <= alignof(std::max_align_t);

  const void* payload() const noexcept {
    return box_ ? box_.get() : static_cast<const void*>(inline_);
  }

  template <class T>
  T take_boxed() {
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

  void check(const std::type_info& wanted) const;
  [[noreturn]] void throw_shared_move_only() const;

  std::shared_ptr<void> box_;
  const std::type_info* type_ = nullptr;
  alignas(std::max_align_t) unsigned char inline_[kInlineSize] = {};
};

}  // namespace cellflow
