#include "cellflow/vision/vision.hpp"

#include "cellflow/vision/file_source.hpp"
#include "register_parts.hpp"

namespace cellflow::vision {

void register_vision(Registry& registry) {
  register_image_cells(registry);
  register_face_cells(registry);
  register_text_cells(registry);
  registry.add<FileSource>("FileSource", "emits the files of a folder: bytes and path, by name");
}

}  // namespace cellflow::vision
