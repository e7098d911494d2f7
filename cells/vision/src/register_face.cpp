#include "cellflow/vision/detections_to_json.hpp"
#include "cellflow/vision/draw_detections.hpp"
#include "cellflow/vision/face_detector.hpp"
#include "register_parts.hpp"

namespace cellflow::vision {

void register_face_cells(Registry& registry) {
  registry.add<FaceDetector>("FaceDetector",
                             "faces in a BGR image (MediaPipe BlazeFace or a Haar cascade)");
  registry.add<DrawDetections>("DrawDetections",
                               "draws detection boxes and \"label score\" captions on an image");
  registry.add<DetectionsToJson>("DetectionsToJson", "detections as JSON");
}

}  // namespace cellflow::vision
