// VideoSource: a source cell that reads frames from a video file, a camera or a stream URL.
#pragma once

#include <cstdint>
#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Reads frames with cv::VideoCapture, one per item, until the stream ends or max_frames.
///   out frame (cv::Mat): 8-bit BGR, a fresh buffer per frame
///   out index (std::int64_t): the frame's number, from 0
///   param uri: a file path, a camera index ("0") or a URL (rtsp://, http://...); required
///   param max_frames: stop after this many frames (default -1: the whole stream)
/// Files are read with FFmpeg when OpenCV has it, anything else with the first backend that opens
/// it. The item's timestamp is the frame's position in the stream (CAP_PROP_POS_MSEC) minus the
/// first frame's, so the first frame is at 0 and the steps are the stream's frame periods
/// (VideoWriter takes its default rate from them); when the backend reports no position or one
/// that does not increase (some cameras), it is the previous one plus one frame period
/// (1 / CAP_PROP_FPS, 25 fps when unknown). A uri that cannot be opened fails
/// open() (and so start()) with cellflow::Error naming the uri.
///   param realtime: replay a file at its own frame rate (frame k leaves at its timestamp after
///     the first), for demos and latency tests
///   param live: never wait for the pipeline (Cell::live): while a frame is inside, newer frames
///     replace the one waiting to enter. Cameras and stream URLs are always live.
class VideoSource final : public Cell {
 public:
  Output<cv::Mat> frame{*this, "frame"};
  Output<std::int64_t> index{*this, "index"};
  Param<std::string> uri{*this, "uri", "", "video file, camera index (\"0\") or stream URL",
                         required("a file, camera index or URL")};
  Param<std::int64_t> max_frames{*this, "max_frames", -1, "frames to read (-1: all)", at_least(-1)};
  Param<bool> realtime{*this, "realtime", false, "replay a file at its own frame rate"};
  Param<bool> live_{*this, "live", false,
                    "never wait for the pipeline: newer frames replace the one waiting to enter "
                    "(always on for cameras and stream URLs)"};

  VideoSource();
  ~VideoSource() override;

  void open() override;
  void process(Context& ctx) override;
  void close() override;
  /// Files: the container's frame count (capped by max_frames); cameras and streams: unknown.
  std::optional<std::uint64_t> expected_items() const override;
  bool waits() const override;
  bool live() const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision
