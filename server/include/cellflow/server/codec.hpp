// Codecs: how a C++ port type travels as a KServe v2 / Open Inference Protocol tensor.
// A codec is registered per C++ type; model metadata, request decoding and response encoding all
// come from it. Users register codecs for their own types:
//
//   class PointCodec final : public cellflow::server::Codec { ... };
//   auto codecs = cellflow::server::CodecRegistry::defaults();
//   codecs.add<Point>(std::make_shared<PointCodec>());
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <vector>

#include "cellflow/value.hpp"

namespace cellflow::server {

/// One tensor as it appears in a request or a response.
struct Tensor {
  std::string name;
  std::string datatype;  // BOOL, UINT8..UINT64, INT8..INT64, FP32, FP64, BYTES
  std::vector<std::int64_t> shape;
  /// JSON form: the flat "data" array (BYTES elements are JSON strings).
  nlohmann::json data = nlohmann::json::array();
  /// Binary form (Triton's binary tensor extension): raw little-endian elements; BYTES elements
  /// are each prefixed by a 4-byte little-endian length.
  std::string binary;
  bool is_binary = false;
};

class Codec {
 public:
  virtual ~Codec() = default;
  /// Datatype and shape advertised in model metadata (-1 for a variable dimension).
  virtual std::string datatype() const = 0;
  virtual std::vector<std::int64_t> shape() const = 0;
  /// Request tensor -> value. Throws std::invalid_argument saying what is wrong (wrong datatype,
  /// shape/data length mismatch, undecodable image); the server prefixes the input's name.
  virtual Value decode(const Tensor& tensor) const = 0;
  /// Value -> response tensor (the server sets the name).
  virtual Tensor encode(const Value& value) const = 0;

  /// Batched requests: how many values `tensor` carries along a leading batch dimension, 0
  /// when it is one value. Default: the tensor has this codec's datatype and its shape with a
  /// leading dimension added ([4, 1] for shape [1], [2, 3] for [3]), or, for a one-element
  /// shape [1], a single dimension larger than 1 ([4]).
  virtual std::size_t batch_size(const Tensor& tensor) const;
  /// False for types that read any shape as one value (nlohmann::json): never split, and the
  /// model metadata shows no batch dimension. Otherwise the metadata shape is [-1, shape...].
  virtual bool batchable() const { return true; }
};

class CodecRegistry {
 public:
  /// bool, all integer and floating scalars, std::string (BYTES), std::vector of numbers (1-D),
  /// cv::Mat (BYTES holding JPEG/PNG, or UINT8 HxWxC), nlohmann::json, and the vision result
  /// types cellflow::vision::Detections and Words (BYTES [1] holding their JSON text).
  static CodecRegistry defaults();

  template <class T>
  CodecRegistry& add(std::shared_ptr<const Codec> codec) {
    return add(typeid(T), std::move(codec));
  }
  /// Replaces any codec already registered for `type`.
  CodecRegistry& add(const std::type_info& type, std::shared_ptr<const Codec> codec);
  /// nullptr when no codec is registered for `type`.
  const Codec* find(const std::type_info& type) const;

 private:
  std::vector<std::pair<std::type_index, std::shared_ptr<const Codec>>> codecs_;
};

}  // namespace cellflow::server
