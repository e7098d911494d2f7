#include "cellflow/vision/detections_to_json.hpp"

namespace cellflow::vision {

void DetectionsToJson::process(Context& ctx) { ctx.emit(out, nlohmann::json(ctx.get(in))); }

}  // namespace cellflow::vision
