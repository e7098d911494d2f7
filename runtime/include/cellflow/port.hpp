// Typed ports. Declare them as members of a cell; the member name is the port name:
//   cellflow::Input<cv::Mat>  in{*this, "in"};
//   cellflow::Output<cv::Mat> out{*this, "out"};
// connect(Output<T>&, Input<T>&) only compiles when both T agree.
//
// A gathering input sees all the values an item carries at once: the cell's process() runs once
// per item (not once per value), and ctx.take_all(in) returns them, in emission order, as a
// std::vector<T> (empty when upstream emitted nothing for that item):
//   cellflow::Input<Word> words{*this, "words", cellflow::kGather};
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include "cellflow/value.hpp"

namespace cellflow {

class Cell;

enum class PortKind { kInput, kOutput };

/// Tag for a gathering input (see above).
struct Gather {};
inline constexpr Gather kGather{};

class PortBase {
 public:
  PortBase(const PortBase&) = delete;
  PortBase& operator=(const PortBase&) = delete;
  virtual ~PortBase() = default;

  const std::string& name() const noexcept { return name_; }
  Cell& owner() const noexcept { return *owner_; }
  PortKind kind() const noexcept { return kind_; }
  const std::type_info& type() const noexcept { return *type_; }
  /// Position among the owner's ports of the same kind, in declaration order.
  std::size_t index() const noexcept { return index_; }
  /// A gathering input: process() runs once per item and sees all of the item's values.
  bool gathers() const noexcept { return gathers_; }
  /// "path/to/cell.port", for messages.
  std::string path() const;
  /// A new port of the same type and kind on `owner` (used to expose inner ports).
  virtual std::unique_ptr<PortBase> make_like(Cell& owner, std::string name) const = 0;
  /// A new port of the same type and of kind `kind` on `owner` (a skip connection's output,
  /// from an input).
  virtual std::unique_ptr<PortBase> make_like(Cell& owner, std::string name,
                                              PortKind kind) const = 0;
  /// `json` as a value of this port's type (a feedback connection's start value in a config).
  /// Throws std::invalid_argument when the type has no from_json or `json` does not convert.
  virtual Value value_from_json(const nlohmann::json& json) const = 0;

 protected:
  PortBase(Cell& owner, std::string name, PortKind kind, const std::type_info& type,
           bool gathers = false);

 private:
  friend class Cell;
  Cell* owner_;
  std::string name_;
  PortKind kind_;
  const std::type_info* type_;
  std::size_t index_ = 0;
  bool gathers_ = false;
};

namespace detail {
template <class T>
Value value_from_json(const nlohmann::json& json) {
  if constexpr (requires(const nlohmann::json& j) { j.get<T>(); }) {
    try {
      return Value(json.get<T>());
    } catch (const nlohmann::json::exception& e) {
      throw std::invalid_argument(json.dump() + " is not a " + type_name<T>() + ": " + e.what());
    }
  } else {
    throw std::invalid_argument(type_name<T>() + " has no from_json: " + json.dump() +
                                " cannot be read as one");
  }
}
}  // namespace detail

template <class T>
class Output;

template <class T>
class Input final : public PortBase {
 public:
  using value_type = T;
  Input(Cell& owner, std::string name)
      : PortBase(owner, std::move(name), PortKind::kInput, typeid(T)) {}
  Input(Cell& owner, std::string name, Gather)
      : PortBase(owner, std::move(name), PortKind::kInput, typeid(T), true) {}
  std::unique_ptr<PortBase> make_like(Cell& owner, std::string name) const override {
    if (gathers()) return std::make_unique<Input<T>>(owner, std::move(name), kGather);
    return std::make_unique<Input<T>>(owner, std::move(name));
  }
  std::unique_ptr<PortBase> make_like(Cell& owner, std::string name, PortKind kind) const override {
    if (kind == PortKind::kInput) return make_like(owner, std::move(name));
    return std::make_unique<Output<T>>(owner, std::move(name));
  }
  Value value_from_json(const nlohmann::json& json) const override {
    return detail::value_from_json<T>(json);
  }
};

template <class T>
class Output final : public PortBase {
 public:
  using value_type = T;
  Output(Cell& owner, std::string name)
      : PortBase(owner, std::move(name), PortKind::kOutput, typeid(T)) {}
  std::unique_ptr<PortBase> make_like(Cell& owner, std::string name) const override {
    return std::make_unique<Output<T>>(owner, std::move(name));
  }
  std::unique_ptr<PortBase> make_like(Cell& owner, std::string name, PortKind kind) const override {
    if (kind == PortKind::kOutput) return make_like(owner, std::move(name));
    return std::make_unique<Input<T>>(owner, std::move(name));
  }
  Value value_from_json(const nlohmann::json& json) const override {
    return detail::value_from_json<T>(json);
  }
};

}  // namespace cellflow
