// FaceDetector: finds faces in an image, with MediaPipe's BlazeFace (cv::dnn) or a Haar cascade.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"
#include "cellflow/vision/detections.hpp"

namespace cellflow::vision {

/// Detects faces in one image per item.
///   in  image (cv::Mat): 8-bit BGR (BGRA and grayscale are converted), any size; an empty image
///       fails the item
///   out faces (Detections): label "face", boxes in the input image's pixels (clipped to it),
///       best score first, then top to bottom, left to right (sort_best_first)
///   param backend: "blazeface" (default): MediaPipe's BlazeFace back-camera model (256x256,
///       faces from about 1/16 of the image side up) on the image letterboxed to 256x256;
///       "haar": OpenCV's haarcascade_frontalface_default.xml (Debian's opencv-data), score 1
///   param model: blazeface: ONNX file, relative to the models directory (scripts/fetch-models.sh)
///       or absolute (default "blazeface/face_detection_back_256x256_barracuda.onnx")
///   param score_threshold: blazeface: minimum face probability, in [0, 1] (default 0.5; live)
///   param nms_threshold: blazeface: a box overlapping a better one with IoU above this is dropped,
///       in [0, 1] (default 0.3; live). Live params can be set while running (Pipeline::set_param,
///       the admin route POST /v2/models/{name}/cells/{path}/params)
///   batch: accepts a "batch" policy (dynamic batching, cellflow/batch.hpp)
///   param scale_factor: haar: pyramid step, > 1 (default 1.1)
///   param min_neighbors: haar: overlapping hits needed per face, >= 0 (default 3)
///   param min_size: haar: smallest face side in pixels, >= 0 (default 30)
class FaceDetector final : public Cell {
 public:
  Input<cv::Mat> image{*this, "image"};
  Output<Detections> faces{*this, "faces"};
  Param<std::string> backend{*this, "backend", "blazeface", "face model",
                             one_of({"blazeface", "haar"})};
  Param<std::string> model{*this, "model", "blazeface/face_detection_back_256x256_barracuda.onnx",
                           "blazeface ONNX file (relative to the models directory)",
                           required("an ONNX file")};
  Param<double> score_threshold{
      *this, "score_threshold", 0.5, "blazeface: minimum face probability", between(0, 1), kLive};
  Param<double> nms_threshold{*this,         "nms_threshold",
                              0.3,           "blazeface: IoU above which the weaker box is dropped",
                              between(0, 1), kLive};
  Param<double> scale_factor{*this, "scale_factor", 1.1, "haar: pyramid step", greater_than(1)};
  Param<int> min_neighbors{*this, "min_neighbors", 3, "haar: overlapping hits needed per face",
                           at_least(0)};
  Param<int> min_size{*this, "min_size", 30, "haar: smallest face side in pixels", at_least(0)};

  FaceDetector();
  ~FaceDetector() override;

  void open() override;
  void process(Context& ctx) override;
  /// blazeface: one forward pass over the batch's images (the same faces as one image at a
  /// time); an image that cannot be read fails its item only. haar: one image at a time.
  bool batches() const override { return true; }
  void process_batch(BatchContext& batch) override;
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision
