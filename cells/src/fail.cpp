#include "cellflow/cells/fail.hpp"

#include <algorithm>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::cells {

void Fail::configure(const nlohmann::json& params) {
  Cell::configure(params);
  if (!on->is_array())
    throw Error("param 'on': expected array, got " + std::string(on->type_name()));
}

void Fail::process(Context& ctx) {
  const auto& value = ctx.get(in);
  if (std::find(on->begin(), on->end(), value) != on->end()) throw std::runtime_error(*message);
  ctx.emit(out, ctx.take(in));
}

}  // namespace cellflow::cells
