#include "cellflow/vision/file_source.hpp"
#include "cellflow/vision/opencv_threads.hpp"
#include "cellflow/vision/vision.hpp"
#include "register_parts.hpp"

namespace cellflow::vision {

void register_vision(Registry& registry) {
  route_opencv_threads();
  register_image_cells(registry);
  register_face_cells(registry);
  register_text_cells(registry);
  registry.add<FileSource>("FileSource", "emits the files of a folder: bytes and path, by name");
}

}  // namespace cellflow::vision
