#include "cellflow/vision/video_source.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <opencv2/videoio.hpp>  // the CAP_ constants only: the calls go through opencv_io
#include <thread>

#include "cellflow/codecs/opencv_io.hpp"
#include "cellflow/error.hpp"

namespace cellflow::vision {

struct VideoSource::Impl {
  std::unique_ptr<opencv_io::Capture> capture = opencv_io::make_capture();
  std::int64_t next_index = 0;
  double origin_ms = 0;                               // stream position of the first frame
  double last_ms = 0;                                 // timestamp of the previous frame
  double period_ms = 40;                              // one frame at the stream's rate
  std::chrono::steady_clock::time_point first_frame;  // realtime: when frame 0 left

  /// The stream position of the frame just read relative to the first frame's (some files and
  /// backends do not start at 0), or the previous timestamp plus a frame period when the backend
  /// reports none or one that does not increase.
  double next_timestamp_ms() {
    const double position = capture->get(cv::CAP_PROP_POS_MSEC);
    if (next_index == 0) {
      origin_ms = position > 0 ? position : 0;
      return 0;
    }
    if (position >= 0 && position - origin_ms > last_ms) return position - origin_ms;
    return last_ms + period_ms;
  }
};

namespace {

bool is_camera_index(const std::string& uri) {
  return !uri.empty() && uri.size() <= 4 &&
         std::all_of(uri.begin(), uri.end(), [](unsigned char c) { return std::isdigit(c); });
}

/// A plain file path: not a URL, an image-sequence pattern ("img_%03d.png") or a GStreamer
/// pipeline ("... ! appsink"), which VideoCapture also accepts.
bool is_file_path(const std::string& uri) {
  return uri.find("://") == std::string::npos && uri.find('%') == std::string::npos &&
         uri.find('!') == std::string::npos;
}

/// Files go to FFmpeg when OpenCV has it: predictable, and a file it cannot read fails there
/// instead of being probed by every other backend (GStreamer's probing leaks memory).
int backend_for(const std::string& uri) {
  const bool ffmpeg = opencv_io::has_backend(cv::CAP_FFMPEG);
  return is_file_path(uri) && ffmpeg ? cv::CAP_FFMPEG : cv::CAP_ANY;
}

}  // namespace

VideoSource::VideoSource() = default;
VideoSource::~VideoSource() = default;

void VideoSource::open() {
  impl_ = std::make_unique<Impl>();
  const bool camera = is_camera_index(*uri);
  if (!camera && is_file_path(*uri) && !std::filesystem::exists(*uri))
    throw Error("param 'uri': cannot open video '" + *uri + "': no such file");
  const bool opened = camera ? impl_->capture->open(std::stoi(*uri))
                             : impl_->capture->open(*uri, backend_for(*uri));
  if (!opened || !impl_->capture->is_opened())
    throw Error("param 'uri': cannot open video '" + *uri +
                "' (unsupported format, or camera or stream unavailable)");
  const double fps = impl_->capture->get(cv::CAP_PROP_FPS);
  impl_->period_ms = fps > 0 && fps < 1000 ? 1000.0 / fps : 40.0;
}

std::optional<std::uint64_t> VideoSource::expected_items() const {
  if (!impl_) return std::nullopt;  // not open
  const double count = impl_->capture->get(cv::CAP_PROP_FRAME_COUNT);
  if (count < 1 && *max_frames < 0) return std::nullopt;
  auto frames = static_cast<std::uint64_t>(count >= 1 ? count : *max_frames);
  if (*max_frames >= 0) frames = std::min(frames, static_cast<std::uint64_t>(*max_frames));
  return frames;
}

void VideoSource::process(Context& ctx) {
  Impl& s = *impl_;
  if (*max_frames >= 0 && s.next_index >= *max_frames) return ctx.end_of_stream();
  cv::Mat image;  // a fresh Mat each time: the previous frame may still travel downstream
  if (!s.capture->read(image) || image.empty()) return ctx.end_of_stream();
  s.last_ms = s.next_timestamp_ms();
  if (*realtime) {
    if (s.next_index == 0) s.first_frame = std::chrono::steady_clock::now();
    std::this_thread::sleep_until(s.first_frame +
                                  std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::duration<double, std::milli>(s.last_ms)));
  }
  ctx.set_timestamp(std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::duration<double, std::milli>(s.last_ms)));
  ctx.emit(frame, std::move(image));
  ctx.emit(index, s.next_index++);
  if (*max_frames >= 0 && s.next_index >= *max_frames) ctx.end_of_stream();
}

// Cameras and URLs deliver frames at their own pace; so does a file replayed in real time.
bool VideoSource::waits() const { return *realtime || live(); }
bool VideoSource::live() const {
  return *live_ || is_camera_index(*uri) || uri->find("://") != std::string::npos;
}

void VideoSource::close() {
  if (impl_) impl_->capture->release();
  impl_.reset();
}

}  // namespace cellflow::vision
