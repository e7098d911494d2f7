// BlazeFaceModel: MediaPipe's BlazeFace back-camera model (keijiro's Barracuda ONNX export) on
// cv::dnn, from a BGR image of any size to face boxes in that image's pixels. Private to
// cellflow::vision (used by FaceDetector).
//
// Input: Nx256x256x3 float NHWC (any N: scripts/convert_blazeface.py makes the batch dimension
// free), RGB scaled to [0, 1] (measured on opencv-doc's samples: with
// [-1, 1] the same faces score the same but text and logos rise above 0.5). The image is
// letterboxed (aspect kept, centered, black padding), as MediaPipe does.
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

class BlazeFaceModel {
 public:
  /// Loads the ONNX file. Throws cellflow::Error naming the file when OpenCV cannot read it.
  explicit BlazeFaceModel(const std::string& onnx_path);

  /// Faces in `bgr` (8-bit, 3 channels): score >= score_threshold after non-maximum suppression
  /// at nms_threshold, best first, boxes clipped to the image, label "face".
  std::vector<Detection> detect(const cv::Mat& bgr, float score_threshold, float nms_threshold);

  /// detect() for each image, in one forward pass over a batch of them; the same faces as one
  /// detect() per image.
  std::vector<std::vector<Detection>> detect(const std::vector<cv::Mat>& bgr_images,
                                             float score_threshold, float nms_threshold);

 private:
  cv::dnn::Net net_;
  std::vector<std::string> output_names_;
};

}  // namespace cellflow::vision
