#pragma once

#include <exception>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "cellflow/item.hpp"
#include "cellflow/value.hpp"

namespace cellflow {

/// The completion of one item: for each exposed output, the 0..N values it emitted (in order),
/// or the item's error.
class Result {
 public:
  using Outputs = std::vector<std::pair<std::string, std::vector<Value>>>;

  Result() = default;
  Result(ItemInfo item, Outputs outputs, std::exception_ptr error = nullptr)
      : item_(item), outputs_(std::move(outputs)), error_(std::move(error)) {}

  const ItemInfo& item() const noexcept { return item_; }
  bool ok() const noexcept { return error_ == nullptr; }
  /// A CellFailure naming the cell, or nullptr.
  std::exception_ptr error() const noexcept { return error_; }
  const Outputs& outputs() const noexcept { return outputs_; }

  /// All values of an exposed output. Throws std::out_of_range for an unknown name.
  const std::vector<Value>& values(std::string_view output) const;
  std::vector<Value>& values(std::string_view output);

  /// Value `index` of `output` as a T. A number converts to any arithmetic T it fits in and is
  /// returned by value: get<int> of an int64_t 5 or of a JSON number 5 is 5, get<double> of 2 is
  /// 2.0 (bool only from a bool); any other T is returned by reference. Throws std::out_of_range
  /// for an unknown output or an index past the values the item emitted, and cellflow::Error
  /// naming the output, the type it holds and T when the value is not a T (or does not fit):
  ///   output 'y' holds std::string, not int
  template <class T>
  decltype(auto) get(std::string_view output, std::size_t index = 0) const {
    const Value& value = at(output, index);
    if constexpr (std::is_arithmetic_v<T>) {
      if (value.holds<T>()) return T(value.get<T>());
      T converted{};
      convert(output, index, value, typeid(T), &converted);
      return converted;
    } else {
      if (!value.holds<T>()) mismatch(output, index, value, typeid(T));
      return value.template get<T>();
    }
  }
  /// As get(), but moves the payload out (see Value::take).
  template <class T>
  T take(std::string_view output, std::size_t index = 0) {
    if constexpr (std::is_arithmetic_v<T>) {
      return get<T>(output, index);
    } else {
      Value& value = const_cast<Value&>(at(output, index));
      if (!value.holds<T>()) mismatch(output, index, value, typeid(T));
      return value.template take<T>();
    }
  }

 private:
  const Value& at(std::string_view output, std::size_t index) const;
  // Writes the number `value` holds into `out`, a `wanted`; throws Error when it does not fit.
  static void convert(std::string_view output, std::size_t index, const Value& value,
                      const std::type_info& wanted, void* out);
  [[noreturn]] static void mismatch(std::string_view output, std::size_t index, const Value& value,
                                    const std::type_info& wanted);

  ItemInfo item_;
  Outputs outputs_;
  std::exception_ptr error_;
};

}  // namespace cellflow
