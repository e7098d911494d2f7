#include "cellflow/cells/join.hpp"

#include <string>

namespace cellflow::cells {

Join::Join() {
  for (int i = 0; i < 2; ++i)
    ins_.push_back(std::make_unique<Input<nlohmann::json>>(*this, "in" + std::to_string(i)));
}

// Ports are made here: their number is a param. Asking for fewer than exist keeps the ports
// (the param rule already refused anything below 2).
void Join::configure(const nlohmann::json& params) {
  Cell::configure(params);
  while (static_cast<std::int64_t>(ins_.size()) < *inputs)
    ins_.push_back(
        std::make_unique<Input<nlohmann::json>>(*this, "in" + std::to_string(ins_.size())));
}

void Join::process(Context& ctx) {
  nlohmann::json joined = nlohmann::json::object();
  for (std::size_t i = 0; i < static_cast<std::size_t>(*inputs) && i < ins_.size(); ++i) {
    const auto& in = *ins_[i];
    if (!ctx.has(in)) continue;
    const auto ts = std::chrono::duration<double, std::milli>(ctx.time_of(in)).count();
    joined[in.name()] = {{"value", ctx.get(in)}, {"ts_ms", ts}};
  }
  ctx.emit(out, std::move(joined));
}

}  // namespace cellflow::cells
