// OpenCV's parallel loops under cellflow's thread budgets.
#pragma once

namespace cellflow::vision {

/// Routes OpenCV's parallel_for_ (cv::dnn forwards, HOG, resizes...) to oneTBB loops that run in
/// the calling thread's own arena, isolated from unrelated work. Then:
///  - a clone's intra-op budget (ScaleUp::threads, by default the cores shared out among the
///    clones) bounds what OpenCV uses inside its calls: with a budget of 1 a forward runs on the
///    clone's thread alone and takes no thread from the flow graph or the other clones;
///  - a cell on the flow graph waits for its own loop only, never for another cell's item.
/// OpenCV's stock backend runs every loop in one process-wide arena that any waiting thread
/// helps with, so a plain heavy cell beside cloned ones waited on their work (issue: 48 -> 79 ms
/// per frame for the HOG people detector beside two BlazeFace clones).
///
/// Idempotent. register_vision() calls it, and so does the first model load of FaceDetector,
/// PeopleDetector, TextDetector and TextRecognizer; OpenCV asks for it to happen before other
/// threads use OpenCV, so call it early in main() when using OpenCV outside those cells.
/// The environment variable CELLFLOW_OPENCV_BACKEND=opencv keeps OpenCV's own backend.
void route_opencv_threads();

}  // namespace cellflow::vision
