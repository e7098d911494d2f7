#include "cellflow/param.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "cellflow/cell.hpp"

namespace cellflow {
namespace {

// 1 rather than 1.0 for a whole number (most bounds are on integer params).
std::string number(double v) {
  if (std::floor(v) == v && std::abs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  return nlohmann::json(v).dump();
}

}  // namespace

ParamBase::ParamBase(Cell& owner, std::string name, std::string description, ParamMode mode,
                     std::optional<ParamRule> rule)
    : name_(std::move(name)), description_(std::move(description)), mode_(mode) {
  if (rule) {
    rule_ = std::move(rule->holds);
    rule_text_ = std::move(rule->text);
  }
  owner.register_param(*this);
}

void ParamBase::check_rule(const nlohmann::json& value) const {
  if (rule_ && !rule_(value)) throw std::invalid_argument(rule_text_ + ", got " + value.dump());
}

ParamRule at_least(double min) {
  return {[min](const nlohmann::json& j) { return j.get<double>() >= min; },
          "must be >= " + number(min)};
}

ParamRule greater_than(double min) {
  return {[min](const nlohmann::json& j) { return j.get<double>() > min; },
          "must be > " + number(min)};
}

ParamRule between(double min, double max) {
  return {[min, max](const nlohmann::json& j) {
            const double v = j.get<double>();
            return v >= min && v <= max;
          },
          "must be in [" + number(min) + ", " + number(max) + "]"};
}

ParamRule one_of(std::vector<std::string> allowed) {
  std::string text = "must be one of ";
  for (std::size_t i = 0; i < allowed.size(); ++i)
    text += (i ? ", " : "") + nlohmann::json(allowed[i]).dump();
  return {[allowed = std::move(allowed)](const nlohmann::json& j) {
            return std::find(allowed.begin(), allowed.end(), j.get<std::string>()) != allowed.end();
          },
          std::move(text)};
}

ParamRule required(std::string what) {
  return {[](const nlohmann::json& j) { return !j.get<std::string>().empty(); },
          "required (" + std::move(what) + ")"};
}

}  // namespace cellflow
