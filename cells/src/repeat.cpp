#include "cellflow/cells/repeat.hpp"

namespace cellflow::cells {

void Repeat::process(Context& ctx) {
  for (std::int64_t i = 0; i < *times; ++i) ctx.emit(out, ctx.get(in));
}

}  // namespace cellflow::cells
