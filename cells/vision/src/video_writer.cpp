#include "cellflow/vision/video_writer.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "cellflow/codecs/opencv_io.hpp"
#include "cellflow/error.hpp"

namespace cellflow::vision {

namespace {

constexpr double kFallbackFps = 25;

std::string describe(cv::Size size, int type) {
  return std::to_string(size.width) + "x" + std::to_string(size.height) + " " +
         cv::typeToString(type);
}

/// The frame rate two consecutive frames' timestamps imply; kFallbackFps when they are not
/// 1 ms to 100 s apart (equal, decreasing, or wall-clock times of a fast producer).
double rate_between(std::chrono::nanoseconds first, std::chrono::nanoseconds second) {
  const double seconds = std::chrono::duration<double>(second - first).count();
  return seconds >= 1e-3 && seconds <= 100 ? 1 / seconds : kFallbackFps;
}

}  // namespace

struct VideoWriter::Impl {
  std::unique_ptr<opencv_io::Writer> writer;
  cv::Size size;
  int type = -1;
  cv::Mat pending;  // the first frame, held until the second one's timestamp gives the rate
  std::chrono::nanoseconds pending_timestamp{0};

  /// Throws std::invalid_argument when `image` cannot go into this file; the first frame sets
  /// the size and type of all the others.
  void check(const cv::Mat& image, const std::string& path) {
    if (image.empty()) throw std::invalid_argument("cannot write an empty frame");
    if (type < 0) {
      if (image.depth() != CV_8U || (image.channels() != 1 && image.channels() != 3))
        throw std::invalid_argument("video frames must be 8-bit BGR or grayscale, got " +
                                    describe(image.size(), image.type()));
      size = image.size();
      type = image.type();
    } else if (image.size() != size || image.type() != type) {
      throw std::invalid_argument("frame is " + describe(image.size(), image.type()) + ", but '" +
                                  path + "' was started with " + describe(size, type) + " frames");
    }
  }

  void open(const std::string& path, const std::string& fourcc, double fps) {
    writer = opencv_io::make_writer();
    if (!writer->open(path, fourcc, fps, size, CV_MAT_CN(type) == 3))
      throw std::runtime_error("cannot open video file '" + path + "' for writing with fourcc '" +
                               fourcc + "'");
  }

  /// Opens the file at `fps` and writes the held first frame.
  void start(const std::string& path, const std::string& fourcc, double fps) {
    open(path, fourcc, fps);
    if (!pending.empty()) writer->write(pending);
    pending.release();
  }
};

VideoWriter::VideoWriter() = default;
VideoWriter::~VideoWriter() = default;

void VideoWriter::open() {
  const std::filesystem::path parent = std::filesystem::absolute(*path).parent_path();
  if (!std::filesystem::is_directory(parent))
    throw Error("param 'path': directory '" + parent.string() + "' of '" + *path +
                "' does not exist");
  impl_ = std::make_unique<Impl>();
}

void VideoWriter::process(Context& ctx) {
  const cv::Mat& image = ctx.get(frame);
  Impl& s = *impl_;
  s.check(image, *path);
  if (!s.writer || !s.writer->is_opened()) {
    if (*fps == 0 && s.pending.empty()) {  // wait for the second frame's timestamp
      s.pending = image.clone();           // a copy: others may still draw on the shared pixels
      s.pending_timestamp = ctx.item().timestamp;
      return;
    }
    s.start(*path, *fourcc,
            *fps > 0 ? *fps : rate_between(s.pending_timestamp, ctx.item().timestamp));
  }
  s.writer->write(image);
}

void VideoWriter::close() {
  if (impl_ && !impl_->pending.empty()) impl_->start(*path, *fourcc, kFallbackFps);  // 1 frame
  if (impl_ && impl_->writer) impl_->writer->release();
  impl_.reset();
}

}  // namespace cellflow::vision
