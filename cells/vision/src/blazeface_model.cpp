#include "blazeface_model.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "blazeface_decode.hpp"
#include "cellflow/error.hpp"
#include "cellflow/vision/letterbox.hpp"
#include "cellflow/vision/opencv_threads.hpp"

namespace cellflow::vision {

namespace {

using blazeface::kInputSize;

// Output order: layer 0 scores, layer 1 scores, layer 0 boxes, layer 1 boxes.
const std::vector<std::string> kOutputNames{"Identity:0", "Identity_1:0", "Identity_2:0",
                                            "Identity_3:0"};

cv::dnn::Net load_net(const std::string& path) {
  route_opencv_threads();
  cv::dnn::Net net;
  try {
    net = cv::dnn::readNetFromONNX(path);
  } catch (const cv::Exception& e) {
    throw Error("cannot load the BlazeFace model '" + path + "': " + e.what());
  }
  const std::vector<std::string> outputs = net.getUnconnectedOutLayersNames();
  for (const auto& name : kOutputNames)
    if (std::find(outputs.begin(), outputs.end(), name) == outputs.end())
      throw Error(
          "model '" + path + "' has no output '" + name +
          "': expected the 256x256 back-camera BlazeFace ONNX from scripts/fetch-models.sh");
  net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
  net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
  return net;
}

/// `box` (model input pixels) in the original image's pixels, clipped to it.
cv::Rect2f to_image(const cv::Rect2f& box, cv::Rect content, cv::Size image) {
  const float sx = static_cast<float>(image.width) / static_cast<float>(content.width);
  const float sy = static_cast<float>(image.height) / static_cast<float>(content.height);
  const cv::Rect2f mapped((box.x - static_cast<float>(content.x)) * sx,
                          (box.y - static_cast<float>(content.y)) * sy, box.width * sx,
                          box.height * sy);
  return mapped &
         cv::Rect2f(0, 0, static_cast<float>(image.width), static_cast<float>(image.height));
}

}  // namespace

BlazeFaceModel::BlazeFaceModel(const std::string& onnx_path) : net_(load_net(onnx_path)) {}

cv::Mat BlazeFaceModel::input_blob(const cv::Mat& bgr, cv::Rect content) {
  cv::Mat boxed(kInputSize, kInputSize, CV_8UC3, cv::Scalar::all(0));
  const bool shrinking = content.width < bgr.cols;
  cv::resize(bgr, boxed(content), content.size(), 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::cvtColor(boxed, boxed, cv::COLOR_BGR2RGB);
  const int shape[] = {1, kInputSize, kInputSize, 3};  // NHWC
  cv::Mat blob(4, shape, CV_32F);
  cv::Mat pixels(kInputSize, kInputSize, CV_32FC3, blob.ptr<float>());
  boxed.convertTo(pixels, CV_32F, 1.0 / 255.0);
  return blob;
}

std::vector<Detection> BlazeFaceModel::detect(const cv::Mat& bgr, float score_threshold,
                                              float nms_threshold) {
  const cv::Rect content = letterbox_geometry(bgr.size(), {kInputSize, kInputSize}).content;
  net_.setInput(input_blob(bgr, content));
  std::vector<cv::Mat> outputs;
  net_.forward(outputs, kOutputNames);
  std::vector<blazeface::Candidate> candidates;
  for (std::size_t l = 0; l < blazeface::kLayers.size(); ++l)
    blazeface::decode_layer(outputs[l], outputs[l + 2], blazeface::kLayers[l], score_threshold,
                            candidates);
  std::vector<Detection> faces;
  for (const auto& kept : blazeface::suppress_overlaps(candidates, nms_threshold)) {
    const cv::Rect2f box = to_image(kept.box, content, bgr.size());
    if (box.area() > 0) faces.push_back({box, kept.score, "face"});
  }
  return faces;
}

}  // namespace cellflow::vision
