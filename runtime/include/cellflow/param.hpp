// Typed parameters, declared once as members next to the ports:
//   cellflow::Param<int> sleep_ms{*this, "sleep_ms", 0, "milliseconds to wait per item"};
// Cell::configure(json) assigns them; a wrong JSON type or an unknown key is a config error that
// names the parameter. C++ and JSON configs take the same path.
// A rule checks every value given (configure, set_param) and names the constraint for
// `cellflow cells`; a value that breaks it is a config error ("params.count: must be >= -1, got
// -5"):
//   cellflow::Param<int> quality{*this, "quality", 90, "JPEG quality", cellflow::between(1, 100)};
// A live parameter can also be changed while the pipeline runs (Pipeline::set_param):
//   cellflow::Param<double> threshold{*this, "threshold", 0.5, "minimum score",
//                                     cellflow::between(0, 1), cellflow::kLive};
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace cellflow {

class Cell;

/// Whether a parameter can be changed while the pipeline runs (Pipeline::set_param).
enum class ParamMode { kFixed, kLive };
inline constexpr ParamMode kLive = ParamMode::kLive;

/// A constraint on a parameter's values: `holds` sees the JSON value (already of the right
/// type); `text` says what is required ("must be >= 0").
struct ParamRule {
  std::function<bool(const nlohmann::json&)> holds;
  std::string text;
};

/// value >= min
ParamRule at_least(double min);
/// value > min
ParamRule greater_than(double min);
/// min <= value <= max
ParamRule between(double min, double max);
/// one of the listed strings
ParamRule one_of(std::vector<std::string> allowed);
/// a string that is not empty; `what` says what it names ("the stream's key")
ParamRule required(std::string what);
/// any other check, on the typed value: satisfies<int>([](int v) { return v % 8 == 0; },
/// "must be a multiple of 8")
template <class T>
ParamRule satisfies(std::function<bool(const T&)> check, std::string text) {
  return {[check = std::move(check)](const nlohmann::json& j) { return check(j.get<T>()); },
          std::move(text)};
}

class ParamBase {
 public:
  ParamBase(const ParamBase&) = delete;
  ParamBase& operator=(const ParamBase&) = delete;
  virtual ~ParamBase() = default;

  const std::string& name() const noexcept { return name_; }
  const std::string& description() const noexcept { return description_; }
  bool live() const noexcept { return mode_ == ParamMode::kLive; }
  /// What a value must satisfy ("must be in [0, 1]"); empty when anything of the type goes.
  const std::string& constraint() const noexcept { return rule_text_; }
  /// Throws std::invalid_argument ("must be >= 0, got -3") when the rule does not hold.
  void check_rule(const nlohmann::json& value) const;
  /// JSON kind expected: "integer", "number", "boolean", "string", "array", "object" or "any".
  virtual std::string kind() const = 0;
  virtual nlohmann::json default_json() const = 0;
  virtual nlohmann::json value_json() const = 0;
  /// Assigns from JSON. Throws std::invalid_argument ("expected integer, got string") on mismatch.
  virtual void assign(const nlohmann::json& value) = 0;

 protected:
  ParamBase(Cell& owner, std::string name, std::string description, ParamMode mode,
            std::optional<ParamRule> rule);

 private:
  std::string name_;
  std::string description_;
  ParamMode mode_;
  std::function<bool(const nlohmann::json&)> rule_;
  std::string rule_text_;
};

namespace detail {
template <class T>
struct IsVector : std::false_type {};
template <class T>
struct IsVector<std::vector<T>> : std::true_type {};

template <class T>
std::string json_kind() {
  if constexpr (std::is_same_v<T, bool>)
    return "boolean";
  else if constexpr (std::is_integral_v<T>)
    return "integer";
  else if constexpr (std::is_floating_point_v<T>)
    return "number";
  else if constexpr (std::is_same_v<T, std::string>)
    return "string";
  else if constexpr (std::is_same_v<T, nlohmann::json>)
    return "any";
  else if constexpr (IsVector<T>::value)
    return "array";
  else
    return "object";
}

template <class T>
bool json_matches(const nlohmann::json& j) {
  if constexpr (std::is_same_v<T, bool>)
    return j.is_boolean();
  else if constexpr (std::is_unsigned_v<T>)
    return j.is_number_unsigned();
  else if constexpr (std::is_integral_v<T>)
    return j.is_number_integer();
  else if constexpr (std::is_floating_point_v<T>)
    return j.is_number();
  else if constexpr (std::is_same_v<T, std::string>)
    return j.is_string();
  else if constexpr (std::is_same_v<T, nlohmann::json>)
    return true;
  else if constexpr (IsVector<T>::value) {
    if (!j.is_array()) return false;
    for (const auto& e : j)
      if (!json_matches<typename T::value_type>(e)) return false;
    return true;
  } else {
    return j.is_object();
  }
}
}  // namespace detail

template <class T>
class Param final : public ParamBase {
 public:
  Param(Cell& owner, std::string name, T default_value, std::string description = {},
        ParamMode mode = ParamMode::kFixed)
      : ParamBase(owner, std::move(name), std::move(description), mode, std::nullopt),
        default_(default_value),
        value_(std::move(default_value)) {}
  Param(Cell& owner, std::string name, T default_value, std::string description, ParamRule rule,
        ParamMode mode = ParamMode::kFixed)
      : ParamBase(owner, std::move(name), std::move(description), mode, std::move(rule)),
        default_(default_value),
        value_(std::move(default_value)) {}

  const T& value() const noexcept { return value_; }
  const T& operator*() const noexcept { return value_; }
  const T* operator->() const noexcept { return &value_; }

  std::string kind() const override { return detail::json_kind<T>(); }
  nlohmann::json default_json() const override { return nlohmann::json(default_); }
  nlohmann::json value_json() const override { return nlohmann::json(value_); }
  void assign(const nlohmann::json& j) override {
    if (!detail::json_matches<T>(j)) {
      throw std::invalid_argument("expected " + kind() + ", got " + std::string(j.type_name()) +
                                  " " + j.dump());
    }
    check_rule(j);
    value_ = j.get<T>();
  }

 private:
  T default_;
  T value_;
};

}  // namespace cellflow
