#include "cellflow/cell.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cellflow/batch.hpp"
#include "cellflow/error.hpp"
#include "cellflow/param.hpp"
#include "cellflow/pipeline.hpp"
#include "detail/param_list.hpp"
#include "detail/suggest.hpp"

namespace cellflow {
namespace {

std::string known_params(const std::vector<ParamBase*>& params) {
  return params.empty() ? "this cell takes no params" : "known: " + detail::param_list(params);
}

}  // namespace

std::string name_problem(const std::string& name) {
  if (name.empty()) return "name is empty";
  if (name.find_first_of("./") != std::string::npos)
    return "name '" + name + "' must not contain '.' or '/'";
  return {};
}

Cell::~Cell() = default;

void Cell::process_batch(BatchContext& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      process(batch[i]);
    } catch (...) {
      batch.fail(i, std::current_exception());
    }
  }
}

void Cell::configure(const nlohmann::json& params) {
  if (auto problems = assign_params(params); !problems.empty()) throw Error(std::move(problems));
}

std::vector<std::string> Cell::assign_params(const nlohmann::json& params) {
  if (!params.is_null() && !params.is_object())
    return {"params: expected object, got " + std::string(params.type_name())};
  std::vector<std::string> problems;
  // A rule holds for values not given too: a required param left at its empty default.
  for (const ParamBase* param : params_) {
    if (params.is_object() && params.contains(param->name())) continue;
    try {
      param->check_rule(param->value_json());
    } catch (const std::exception& e) {
      problems.push_back("params." + param->name() + ": " + e.what());
    }
  }
  if (params.is_null()) return problems;
  for (const auto& [key, value] : params.items()) {
    auto it = std::find_if(params_.begin(), params_.end(),
                           [&name = key](auto* p) { return p->name() == name; });
    if (it == params_.end()) {
      std::vector<std::string> names;
      for (const ParamBase* p : params_) names.push_back(p->name());
      problems.push_back("params." + key + ": unknown parameter (" + known_params(params_) + ")" +
                         detail::did_you_mean(key, names));
      continue;
    }
    try {
      (*it)->assign(value);
    } catch (const std::exception& e) {
      problems.push_back("params." + key + ": " + e.what());
    }
  }
  return problems;
}

std::string Cell::path() const {
  if (parent_ == nullptr) return {};
  const std::string above = parent_->path();
  return above.empty() ? name_ : above + "/" + name_;
}

PortBase* Cell::find_port(const std::string& name) const {
  for (const auto* list : {&inputs_, &outputs_})
    for (auto* port : *list)
      if (port->name() == name) return port;
  return nullptr;
}

void Cell::register_port(PortBase& port) {
  if (auto problem = name_problem(port.name()); !problem.empty())
    problems_.push_back("port " + problem);
  else if (find_port(port.name()) != nullptr)
    problems_.push_back("duplicate port name '" + port.name() + "'");
  auto& list = port.kind() == PortKind::kInput ? inputs_ : outputs_;
  port.index_ = list.size();
  list.push_back(&port);
}

void Cell::register_param(ParamBase& param) { params_.push_back(&param); }

}  // namespace cellflow

namespace cellflow {

nlohmann::json Cell::status() const { return nullptr; }

}  // namespace cellflow
