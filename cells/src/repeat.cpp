#include "cellflow/cells/repeat.hpp"

#include "cellflow/error.hpp"

namespace cellflow::cells {

void Repeat::configure(const nlohmann::json& params) {
  Cell::configure(params);
  if (*times < 0) throw Error("param 'times': must be >= 0");
}

void Repeat::process(Context& ctx) {
  for (std::int64_t i = 0; i < *times; ++i) ctx.emit(out, ctx.get(in));
}

}  // namespace cellflow::cells
