// Codecs: how a C++ port type travels as a tensor. One registry serves every transport (KServe
// v2 REST and gRPC, `cellflow run`'s JSON lines, worker processes): model metadata, request
// decoding and response encoding all come from it. A codec for your own type is a dozen lines:
//
//   struct Point { double x, y; };
//   class PointCodec final : public cellflow::Codec {
//    public:
//     std::string datatype() const override { return "FP64"; }
//     std::vector<std::int64_t> shape() const override { return {2}; }
//     cellflow::Value decode(const cellflow::Tensor& t) const override {
//       cellflow::expect_datatype(t.datatype, "FP64");
//       if (t.size() != 2) throw std::invalid_argument("a point needs 2 numbers");
//       return Point{t.number<double>(0), t.number<double>(1)};
//     }
//     cellflow::Tensor encode(const cellflow::Value& v) const override {
//       const auto& p = v.get<Point>();
//       return cellflow::Tensor::numbers<double>({2}, {p.x, p.y});
//     }
//   };
//   auto codecs = cellflow::CodecRegistry::defaults();
//   codecs.add<Point>(std::make_shared<PointCodec>());
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "cellflow/codecs/tensor.hpp"
#include "cellflow/value.hpp"

namespace cellflow {

class Codec {
 public:
  virtual ~Codec() = default;
  /// Datatype and shape of one value, advertised in model metadata (-1: any size).
  virtual std::string datatype() const = 0;
  virtual std::vector<std::int64_t> shape() const = 0;
  /// Tensor -> value. The tensor is consistent (element count matches shape); the codec checks
  /// datatype and shape and throws std::invalid_argument saying what is wrong. Transports prefix
  /// the input's name. A codec may keep a view of the tensor's bytes alive through owner().
  virtual Value decode(const Tensor& tensor) const = 0;
  /// Value -> tensor (transports set the name).
  virtual Tensor encode(const Value& value) const = 0;

  /// Batched requests: how many values `tensor` carries along a leading batch dimension, 0
  /// when it is one value. Default: the tensor has this codec's datatype and its shape with a
  /// leading dimension added ([4, 1] for shape [1], [2, 3] for [3]), or, for a one-element
  /// shape [1], a single dimension larger than 1 ([4]).
  virtual std::size_t batch_size(const Tensor& tensor) const;
  /// False for types that read any shape as one value (nlohmann::json): never split, and the
  /// model metadata shows no batch dimension. Otherwise the metadata shape is [-1, shape...].
  virtual bool batchable() const { return true; }
  /// How `cellflow run` prints a value as JSON. Default: the JSON form of encode()'s tensor
  /// (one element as itself, several as an array; BYTES as strings, base64 when not UTF-8).
  virtual nlohmann::json to_json(const Value& value) const;
};

class CodecRegistry {
 public:
  /// An empty registry.
  CodecRegistry() = default;
  /// bool, all integer and floating scalars and std::vector of them, std::string and
  /// std::vector<std::string> (BYTES), cv::Mat (BYTES holding JPEG/PNG, or UINT8 HxWxC), and
  /// nlohmann::json. Libraries add their own (cellflow::vision::add_codecs).
  static CodecRegistry defaults();

  template <class T>
  CodecRegistry& add(std::shared_ptr<const Codec> codec) {
    return add(typeid(T), std::move(codec));
  }
  /// Replaces any codec already registered for `type`.
  CodecRegistry& add(const std::type_info& type, std::shared_ptr<const Codec> codec);
  /// nullptr when no codec is registered for `type`.
  const Codec* find(const std::type_info& type) const;
  /// The JSON of `value` for printing: its codec's to_json(), "<TypeName>" for a type without
  /// codec, null for an empty Value.
  nlohmann::json to_json(const Value& value) const;

 private:
  std::vector<std::pair<std::type_index, std::shared_ptr<const Codec>>> codecs_;
};

}  // namespace cellflow
