#include "cellflow/cells/counter.hpp"

namespace cellflow::cells {

void Counter::process(Context& ctx) {
  if (*count >= 0 && next_ >= *count) {
    ctx.end_of_stream();
    return;
  }
  ctx.emit(out, nlohmann::json(next_++));
  if (*count >= 0 && next_ >= *count) ctx.end_of_stream();
}

}  // namespace cellflow::cells
