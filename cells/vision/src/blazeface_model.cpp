#include "blazeface_model.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <stdexcept>

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

/// `bgr` letterboxed into `pixels` (kInputSize x kInputSize CV_32FC3), RGB in [0, 1].
void letterbox_into(const cv::Mat& bgr, cv::Mat pixels) {
  const cv::Rect content = letterbox_geometry(bgr.size(), {kInputSize, kInputSize}).content;
  cv::Mat boxed(kInputSize, kInputSize, CV_8UC3, cv::Scalar::all(0));
  const bool shrinking = content.width < bgr.cols;
  cv::resize(bgr, boxed(content), content.size(), 0, 0,
             shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
  cv::cvtColor(boxed, boxed, cv::COLOR_BGR2RGB);
  boxed.convertTo(pixels, CV_32F, 1.0 / 255.0);
}

/// The images as one Nx256x256x3 (NHWC) blob.
cv::Mat input_blob(const std::vector<cv::Mat>& bgr_images) {
  const int shape[] = {static_cast<int>(bgr_images.size()), kInputSize, kInputSize, 3};
  cv::Mat blob(4, shape, CV_32F);
  for (std::size_t i = 0; i < bgr_images.size(); ++i)
    letterbox_into(bgr_images[i],
                   cv::Mat(kInputSize, kInputSize, CV_32FC3, blob.ptr<float>(static_cast<int>(i))));
  return blob;
}

/// Image `image`'s slice of a batch output (N x anchors x values), as a view.
cv::Mat of_image(const cv::Mat& output, int image) {
  if (output.dims != 3 || image >= output.size[0])
    throw std::runtime_error(
        "the BlazeFace model's output is not one row per image: re-run "
        "scripts/fetch-models.sh, which makes its batch size free");
  return {output.size[1], output.size[2], CV_32F, const_cast<float*>(output.ptr<float>(image))};
}

/// The faces of image `image` (of `size` pixels) in the batch's outputs.
std::vector<Detection> decode(const std::vector<cv::Mat>& outputs, int image, cv::Size size,
                              float score_threshold, float nms_threshold) {
  std::vector<blazeface::Candidate> candidates;
  for (std::size_t l = 0; l < blazeface::kLayers.size(); ++l)
    blazeface::decode_layer(of_image(outputs[l], image), of_image(outputs[l + 2], image),
                            blazeface::kLayers[l], score_threshold, candidates);
  const cv::Rect content = letterbox_geometry(size, {kInputSize, kInputSize}).content;
  std::vector<Detection> faces;
  for (const auto& kept : blazeface::suppress_overlaps(candidates, nms_threshold)) {
    const cv::Rect2f box = to_image(kept.box, content, size);
    if (box.area() > 0) faces.push_back({box, kept.score, "face"});
  }
  return faces;
}

}  // namespace

BlazeFaceModel::BlazeFaceModel(const std::string& onnx_path) : net_(load_net(onnx_path)) {}

std::vector<Detection> BlazeFaceModel::detect(const cv::Mat& bgr, float score_threshold,
                                              float nms_threshold) {
  return detect(std::vector<cv::Mat>{bgr}, score_threshold, nms_threshold).front();
}

std::vector<std::vector<Detection>> BlazeFaceModel::detect(const std::vector<cv::Mat>& bgr_images,
                                                           float score_threshold,
                                                           float nms_threshold) {
  if (bgr_images.empty()) return {};
  net_.setInput(input_blob(bgr_images));
  std::vector<cv::Mat> outputs;
  net_.forward(outputs, kOutputNames);
  std::vector<std::vector<Detection>> faces;
  faces.reserve(bgr_images.size());
  for (std::size_t i = 0; i < bgr_images.size(); ++i)
    faces.push_back(
        decode(outputs, static_cast<int>(i), bgr_images[i].size(), score_threshold, nms_threshold));
  return faces;
}

}  // namespace cellflow::vision
