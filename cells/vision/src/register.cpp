#include "cellflow/vision/vision.hpp"

#include "register_parts.hpp"

namespace cellflow::vision {

void register_vision(Registry& registry) {
  register_image_cells(registry);
  register_face_cells(registry);
  register_text_cells(registry);
}

}  // namespace cellflow::vision
