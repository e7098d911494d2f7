#pragma once

#include <exception>
#include <string>
#include <string_view>
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

  /// Value `index` of `output`. Throws std::out_of_range when the item emitted fewer values.
  template <class T>
  const T& get(std::string_view output, std::size_t index = 0) const {
    return at(output, index).template get<T>();
  }
  template <class T>
  T take(std::string_view output, std::size_t index = 0) {
    return const_cast<Value&>(at(output, index)).template take<T>();
  }

 private:
  const Value& at(std::string_view output, std::size_t index) const;

  ItemInfo item_;
  Outputs outputs_;
  std::exception_ptr error_;
};

}  // namespace cellflow
