// Model files. scripts/fetch-models.sh fetches and converts them into models/; cells never
// download anything. The directory is $CELLFLOW_MODELS when set, else this source tree's models/.
#pragma once

#include <string>
#include <string_view>

namespace cellflow::vision {

/// The models directory in use.
std::string models_dir();

/// Absolute path of `relative` (e.g. "blazeface/face_detection_back_256x256_barracuda.onnx")
/// inside models_dir(). An absolute `relative` is returned as is. Throws cellflow::Error naming
/// the file and scripts/fetch-models.sh when it does not exist.
std::string model_path(std::string_view relative);

/// Path of a file shipped by Debian's opencv-data (e.g. "haarcascades/haarcascade_eye.xml").
/// Throws cellflow::Error naming the package when it is not installed.
std::string opencv_data_path(std::string_view relative);

}  // namespace cellflow::vision
