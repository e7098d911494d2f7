// libcellflow_opencv_io.so: OpenCV's imgcodecs and videoio behind cellflow/codecs/opencv_io.hpp,
// loaded by the codecs library on first use so that nothing else pays for their libraries.
#include <opencv2/imgcodecs.hpp>
#include <opencv2/videoio.hpp>
#include <opencv2/videoio/registry.hpp>

#include "cellflow/codecs/opencv_io.hpp"

namespace cellflow::opencv_io {
namespace {

class OpenCvCapture final : public Capture {
 public:
  bool open(int camera) override { return capture_.open(camera); }
  bool open(const std::string& uri, int api) override { return capture_.open(uri, api); }
  bool is_opened() const override { return capture_.isOpened(); }
  bool read(cv::Mat& frame) override { return capture_.read(frame); }
  double get(int property) const override { return capture_.get(property); }
  void release() override { capture_.release(); }

 private:
  cv::VideoCapture capture_;
};

class OpenCvWriter final : public Writer {
 public:
  bool open(const std::string& path, const std::string& fourcc, double fps, cv::Size size,
            bool color) override {
    const int code = cv::VideoWriter::fourcc(fourcc[0], fourcc[1], fourcc[2], fourcc[3]);
    return writer_.open(path, code, fps, size, color);
  }
  bool is_opened() const override { return writer_.isOpened(); }
  void write(const cv::Mat& frame) override { writer_.write(frame); }
  void release() override { writer_.release(); }

 private:
  cv::VideoWriter writer_;
};

cv::Mat opencv_decode(std::string_view bytes, int flags) {
  const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1, const_cast<char*>(bytes.data()));
  return cv::imdecode(buffer, flags);
}

bool opencv_encode(const std::string& extension, const cv::Mat& image, std::vector<uchar>& out,
                   const std::vector<int>& params) {
  return cv::imencode(extension, image, out, params);
}

Capture* new_capture() { return new OpenCvCapture; }
bool opencv_has_backend(int api) {
  return cv::videoio_registry::hasBackend(static_cast<cv::VideoCaptureAPIs>(api));
}
Writer* new_writer() { return new OpenCvWriter; }

}  // namespace
}  // namespace cellflow::opencv_io

extern "C" __attribute__((visibility("default"))) const cellflow::opencv_io::Plugin*
cellflow_opencv_io_v1() {
  namespace io = cellflow::opencv_io;
  static const io::Plugin plugin{io::opencv_decode, io::opencv_encode, io::new_capture,
                                 io::opencv_has_backend, io::new_writer};
  return &plugin;
}
