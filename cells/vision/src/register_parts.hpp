// Each group of vision cells registers itself; register_vision() calls them all.
#pragma once

#include "cellflow/registry.hpp"

namespace cellflow::vision {

void register_image_cells(Registry& registry);  // DecodeImage, EncodeImage, Resize, Letterbox,
                                                // VideoSource, VideoWriter, PeopleDetector
void register_face_cells(Registry& registry);   // FaceDetector, DrawDetections, DetectionsToJson
void register_text_cells(Registry& registry);   // TextDetector, TextRecognizer, JoinWords

}  // namespace cellflow::vision
