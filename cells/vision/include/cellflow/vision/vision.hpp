// The vision cell library. Register it next to the built-in cells:
//
//   cellflow::Registry registry = cellflow::cells::builtin_registry();
//   cellflow::vision::register_vision(registry);
#pragma once

#include "cellflow/registry.hpp"

namespace cellflow::vision {

/// Registers every vision cell type (DecodeImage, EncodeImage, Resize, Letterbox, FaceDetector,
/// PeopleDetector, TextDetector, TextRecognizer, JoinWords, DrawDetections, DetectionsToJson,
/// VideoSource, VideoWriter, FileSource).
void register_vision(Registry& registry);

}  // namespace cellflow::vision
