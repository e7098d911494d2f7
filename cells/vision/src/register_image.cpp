#include "cellflow/vision/decode_image.hpp"
#include "cellflow/vision/encode_image.hpp"
#include "cellflow/vision/letterbox.hpp"
#include "cellflow/vision/motion_detector.hpp"
#include "cellflow/vision/people_detector.hpp"
#include "cellflow/vision/resize.hpp"
#include "cellflow/vision/video_source.hpp"
#include "cellflow/vision/video_writer.hpp"
#include "register_parts.hpp"

namespace cellflow::vision {

void register_image_cells(Registry& registry) {
  registry.add<DecodeImage>("DecodeImage", "decodes JPEG/PNG/... bytes into an image");
  registry.add<EncodeImage>("EncodeImage", "encodes an image as JPEG or PNG bytes");
  registry.add<Resize>("Resize", "resizes an image (fixed size or keeping the aspect ratio)");
  registry.add<Letterbox>("Letterbox", "fits an image into a fixed size, padding the rest");
  registry.add<MotionDetector>("MotionDetector",
                               "boxes around what moved since the previous frame");
  registry.add<PeopleDetector>("PeopleDetector", "detects people with HOG + linear SVM");
  registry.add<VideoSource>("VideoSource", "reads frames from a video file, camera or URL");
  registry.add<VideoWriter>("VideoWriter", "writes frames to a video file");
}

}  // namespace cellflow::vision
