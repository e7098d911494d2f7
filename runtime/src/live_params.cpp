#include "detail/live_params.hpp"

#include <algorithm>

#include "cellflow/param.hpp"

namespace cellflow::detail {
namespace {

ParamBase* param_named(Cell& cell, const std::string& name) {
  for (ParamBase* param : cell.params())
    if (param->name() == name) return param;
  return nullptr;
}

}  // namespace

void LiveParams::set(const nlohmann::json& values, std::uint64_t from_seq) {
  std::lock_guard lock(mutex_);  // apply() takes it too: it sees every value or none
  for (const auto& [param, value] : values.items()) {
    auto& changes = changes_[param];
    if (!changes.empty() && changes.back().from_seq == from_seq)
      changes.back().value = value;  // no item was admitted in between
    else
      changes.push_back({from_seq, value});
  }
  changed_.store(true, std::memory_order_release);
}

std::size_t LiveParams::changes_in_effect(const std::vector<Change>& changes,
                                          std::uint64_t seq) const {
  const auto after =
      std::upper_bound(changes.begin(), changes.end(), seq,
                       [](std::uint64_t s, const Change& c) { return s < c.from_seq; });
  return static_cast<std::size_t>(after - changes.begin());
}

void LiveParams::apply(Cell& instance, std::uint64_t seq) {
  if (!changed_.load(std::memory_order_acquire)) return;
  std::vector<std::string> changed;
  {
    std::lock_guard lock(mutex_);
    Applied& applied = applied_[&instance];
    for (const auto& [name, changes] : changes_) {
      const std::size_t wanted = changes_in_effect(changes, seq);
      std::size_t& current = applied.changes[name];
      if (wanted == current) continue;
      ParamBase* param = param_named(instance, name);
      if (param == nullptr) continue;  // checked by set_param; a cell without it is not ours
      if (!applied.original.count(name)) applied.original[name] = param->value_json();
      param->assign(wanted == 0 ? applied.original[name] : changes[wanted - 1].value);
      current = wanted;
      changed.push_back(name);
    }
  }
  for (const auto& name : changed) instance.on_param_changed(name);
}

nlohmann::json LiveParams::latest() {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, changes] : changes_) out[name] = changes.back().value;
  return out;
}

void LiveParams::restore(Cell& instance) {
  std::lock_guard lock(mutex_);
  const auto it = applied_.find(&instance);
  if (it == applied_.end()) return;
  for (const auto& [name, value] : it->second.original)
    if (ParamBase* param = param_named(instance, name)) param->assign(value);
  applied_.erase(it);
}

void LiveParams::forget(const Cell& instance) {
  std::lock_guard lock(mutex_);
  applied_.erase(&instance);
}

}  // namespace cellflow::detail
