#include "cellflow/vision/face_detector.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <stdexcept>

#include "batch_inputs.hpp"
#include "blazeface_model.hpp"
#include "cellflow/error.hpp"
#include "cellflow/vision/models.hpp"

namespace cellflow::vision {

struct FaceDetector::Impl {
  std::unique_ptr<BlazeFaceModel> blazeface;  // backend "blazeface"
  cv::CascadeClassifier haar;                 // backend "haar"
};

namespace {

constexpr const char* kHaarCascade = "haarcascades/haarcascade_frontalface_default.xml";

/// The image as 8-bit BGR (BGRA and grayscale converted; BGR passed through without a copy).
cv::Mat bgr_input(const cv::Mat& image) {
  if (image.empty()) throw std::invalid_argument("cannot detect faces in an empty image");
  if (image.depth() != CV_8U)
    throw std::invalid_argument("face detection needs an 8-bit image, got " +
                                cv::typeToString(image.type()));
  cv::Mat bgr;
  switch (image.channels()) {
    case 3:
      return image;
    case 4:
      cv::cvtColor(image, bgr, cv::COLOR_BGRA2BGR);
      return bgr;
    case 1:
      cv::cvtColor(image, bgr, cv::COLOR_GRAY2BGR);
      return bgr;
    default:
      throw std::invalid_argument("face detection needs 1, 3 or 4 channels, got " +
                                  std::to_string(image.channels()));
  }
}

std::vector<Detection> detect_haar(cv::CascadeClassifier& cascade, const cv::Mat& bgr,
                                   double scale_factor, int min_neighbors, int min_size) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::equalizeHist(gray, gray);
  std::vector<cv::Rect> boxes;
  cascade.detectMultiScale(gray, boxes, scale_factor, min_neighbors, 0,
                           cv::Size(min_size, min_size));
  std::vector<Detection> faces;
  for (const cv::Rect& box : boxes) faces.push_back({cv::Rect2f(box), 1.0F, "face"});
  return faces;
}

}  // namespace

FaceDetector::FaceDetector() = default;
FaceDetector::~FaceDetector() = default;

void FaceDetector::open() {
  auto impl = std::make_unique<Impl>();
  if (*backend == "haar") {
    const std::string path = opencv_data_path(kHaarCascade);
    if (!impl->haar.load(path)) throw Error("cannot load the Haar cascade '" + path + "'");
  } else {
    impl->blazeface = std::make_unique<BlazeFaceModel>(model_path(*model));
  }
  impl_ = std::move(impl);
}

void FaceDetector::process(Context& ctx) {
  const cv::Mat& input = ctx.get(image);
  const cv::Mat bgr = bgr_input(input);
  Detections found{{}, input.size()};
  found.items = impl_->blazeface
                    ? impl_->blazeface->detect(bgr, static_cast<float>(*score_threshold),
                                               static_cast<float>(*nms_threshold))
                    : detect_haar(impl_->haar, bgr, *scale_factor, *min_neighbors, *min_size);
  sort_best_first(found.items);
  ctx.emit(faces, std::move(found));
}

void FaceDetector::process_batch(BatchContext& batch) {
  if (!impl_->blazeface) return Cell::process_batch(batch);
  const auto read =
      detail::read_batch(batch, [&](Context& ctx) { return bgr_input(ctx.get(image)); });
  auto found = impl_->blazeface->detect(read.inputs, static_cast<float>(*score_threshold),
                                        static_cast<float>(*nms_threshold));
  for (std::size_t k = 0; k < read.items.size(); ++k) {
    sort_best_first(found[k]);
    batch[read.items[k]].emit(faces, Detections{std::move(found[k]), read.inputs[k].size()});
  }
}

void FaceDetector::close() { impl_.reset(); }

}  // namespace cellflow::vision
