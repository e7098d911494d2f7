// The vision cell library. Register its cells next to the built-in cells, and its result
// codecs next to the default codecs (to serve or print vision results):
//
//   cellflow::Registry registry = cellflow::cells::builtin_registry();
//   cellflow::vision::register_vision(registry);
//   cellflow::CodecRegistry codecs = cellflow::CodecRegistry::defaults();
//   cellflow::vision::add_codecs(codecs);
#pragma once

#include "cellflow/codecs/codec.hpp"
#include "cellflow/registry.hpp"

namespace cellflow::vision {

/// Registers every vision cell type (DecodeImage, EncodeImage, Resize, Letterbox, FaceDetector,
/// PeopleDetector, MotionDetector, TextDetector, TextRecognizer, JoinWords, DrawDetections,
/// DetectionsToJson, VideoSource, VideoWriter, FileSource).
void register_vision(Registry& registry);

/// Registers the codecs of the vision result types: Detections, Word and Words travel as BYTES
/// [1] holding their JSON text (JsonTextCodec) and print as that JSON.
void add_codecs(CodecRegistry& codecs);

}  // namespace cellflow::vision
