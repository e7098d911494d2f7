#include "cellflow/cells/counter.hpp"

#include "cellflow/error.hpp"

namespace cellflow::cells {

void Counter::configure(const nlohmann::json& params) {
  Cell::configure(params);
  if (*count < -1) throw Error("param 'count': must be >= 0, or -1 for endless");
}

void Counter::process(Context& ctx) {
  if (*count >= 0 && next_ >= *count) {
    ctx.end_of_stream();
    return;
  }
  ctx.emit(out, nlohmann::json(next_++));
  if (*count >= 0 && next_ >= *count) ctx.end_of_stream();
}

}  // namespace cellflow::cells
