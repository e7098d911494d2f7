// OpenCV's image codecs (imgcodecs) and video I/O (videoio), loaded on first use from the plugin
// libcellflow_opencv_io.so. Those two OpenCV modules need about 250 shared libraries (GDAL,
// FFmpeg, GStreamer and theirs) that take 0.2 s or more to load; a program that links cellflow
// but never decodes an image or opens a video does not load them (the `cellflow` command starts
// in a few milliseconds).
//
// The plugin is looked for in $CELLFLOW_PLUGIN_DIR, then in <the executable's directory>/<bin to
// lib/cellflow> (an installed `cellflow`: PREFIX/lib/cellflow), then where it was built, then
// where it is installed. When it is in none of them (or cannot be loaded), the first call throws
// std::runtime_error naming the library and the places it was looked for in.
#pragma once

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cellflow::opencv_io {

/// cv::imdecode of `bytes`, read in place (no copy); throws what cv::imdecode throws.
cv::Mat decode(std::string_view bytes, int flags);
/// cv::imencode.
bool encode(const std::string& extension, const cv::Mat& image, std::vector<uchar>& out,
            const std::vector<int>& params = {});

/// A cv::VideoCapture.
class Capture {
 public:
  virtual ~Capture() = default;
  virtual bool open(int camera) = 0;
  virtual bool open(const std::string& uri, int api) = 0;  ///< api: cv::CAP_ANY or a backend
  virtual bool is_opened() const = 0;
  virtual bool read(cv::Mat& frame) = 0;
  virtual double get(int property) const = 0;
  virtual void release() = 0;
};
std::unique_ptr<Capture> make_capture();
/// cv::videoio_registry::hasBackend.
bool has_backend(int api);

/// A cv::VideoWriter.
class Writer {
 public:
  virtual ~Writer() = default;
  /// `fourcc`: four characters ("mp4v").
  virtual bool open(const std::string& path, const std::string& fourcc, double fps, cv::Size size,
                    bool color) = 0;
  virtual bool is_opened() const = 0;
  virtual void write(const cv::Mat& frame) = 0;
  virtual void release() = 0;
};
std::unique_ptr<Writer> make_writer();

/// What the plugin's extern "C" function cellflow_opencv_io_v1() returns (internal: the calls
/// above go through it).
struct Plugin {
  cv::Mat (*decode)(std::string_view bytes, int flags);
  bool (*encode)(const std::string& extension, const cv::Mat& image, std::vector<uchar>& out,
                 const std::vector<int>& params);
  Capture* (*make_capture)();
  bool (*has_backend)(int api);
  Writer* (*make_writer)();
};

}  // namespace cellflow::opencv_io
