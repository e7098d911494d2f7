// VideoWriter: a sink cell that writes the frames it receives to a video file, in item order.
#pragma once

#include <memory>
#include <opencv2/core.hpp>
#include <string>

#include "cellflow/cell.hpp"
#include "cellflow/param.hpp"

namespace cellflow::vision {

/// Appends each frame to a video file with cv::VideoWriter. No outputs.
///   in  frame (cv::Mat): 8-bit BGR or grayscale; every frame must have the first one's size
///       and channel count (else the item fails with std::invalid_argument)
///   param path: output file, e.g. "out.avi" (required; its directory must exist)
///   param fourcc: four-character codec code (default "MJPG", which suits .avi)
///   param fps: frame rate written in the file; 0 (default): the source's rate, from the
///       timestamps of the first two frames (VideoSource stamps each frame with its position in
///       the stream, so a 23.976 fps file is written at 23.976 fps); 25 when they imply none
///       (a single frame, or timestamps not 1 ms to 100 s apart)
/// The file is created on the first frame (its size is needed), or with fps 0 on the second
/// (the first is held until then), and finalized by close(). Do not clone it: clones would each
/// write their own file.
class VideoWriter final : public Cell {
 public:
  Input<cv::Mat> frame{*this, "frame"};
  Param<std::string> path{*this, "path", "", "output video file",
                          required("the output video file")};
  Param<std::string> fourcc{
      *this, "fourcc", "MJPG", "four-character codec code",
      satisfies<std::string>([](const std::string& v) { return v.size() == 4; },
                             "must be 4 characters (e.g. \"MJPG\")")};
  Param<double> fps{*this, "fps", 0.0, "frame rate of the file (0: the source's, from timestamps)",
                    at_least(0)};

  VideoWriter();
  ~VideoWriter() override;

  void open() override;
  void process(Context& ctx) override;
  void close() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cellflow::vision
