#include "cellflow/vision/video_writer.hpp"

#include <filesystem>
#include <opencv2/videoio.hpp>
#include <stdexcept>

#include "cellflow/error.hpp"

namespace cellflow::vision {

struct VideoWriter::Impl {
  cv::VideoWriter writer;
  cv::Size size;
  int type = -1;
};

namespace {

std::string describe(cv::Size size, int type) {
  return std::to_string(size.width) + "x" + std::to_string(size.height) + " " +
         cv::typeToString(type);
}

}  // namespace

VideoWriter::VideoWriter() = default;
VideoWriter::~VideoWriter() = default;

void VideoWriter::configure(const nlohmann::json& params) {
  Cell::configure(params);
  std::vector<std::string> problems;
  if (path->empty()) problems.push_back("param 'path': required (the output video file)");
  if (fourcc->size() != 4)
    problems.push_back("param 'fourcc': expected 4 characters (e.g. \"MJPG\"), got \"" + *fourcc +
                       "\"");
  if (!(*fps > 0)) problems.push_back("param 'fps': must be > 0, got " + std::to_string(*fps));
  if (!problems.empty()) throw Error(std::move(problems));
}

void VideoWriter::open() {
  const std::filesystem::path parent = std::filesystem::absolute(*path).parent_path();
  if (!std::filesystem::is_directory(parent))
    throw Error("param 'path': directory '" + parent.string() + "' of '" + *path +
                "' does not exist");
  impl_ = std::make_unique<Impl>();
}

void VideoWriter::process(Context& ctx) {
  const cv::Mat& image = ctx.get(frame);
  if (image.empty()) throw std::invalid_argument("cannot write an empty frame");
  Impl& s = *impl_;
  if (!s.writer.isOpened()) {
    if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3))
      throw std::invalid_argument("video frames must be 8-bit BGR or grayscale, got " +
                                  describe(image.size(), image.type()));
    const auto& c = *fourcc;
    const int code = cv::VideoWriter::fourcc(c[0], c[1], c[2], c[3]);
    if (!s.writer.open(*path, code, *fps, image.size(), image.channels() == 3))
      throw std::runtime_error("cannot open video file '" + *path + "' for writing with fourcc '" +
                               c + "'");
    s.size = image.size();
    s.type = image.type();
  } else if (image.size() != s.size || image.type() != s.type) {
    throw std::invalid_argument("frame is " + describe(image.size(), image.type()) + ", but '" +
                                *path + "' was started with " + describe(s.size, s.type) +
                                " frames");
  }
  s.writer.write(image);
}

void VideoWriter::close() {
  if (impl_) impl_->writer.release();
  impl_.reset();
}

}  // namespace cellflow::vision
