// The model the fuzz targets decode requests for: one input of each codec family (a scalar,
// text, a vector of numbers, a JSON value), so decoding reaches every codec after parsing.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/cellflow.hpp"
#include "cellflow/codecs/codec.hpp"
#include "http/batch_request.hpp"
#include "http/kserve_protocol.hpp"

namespace cellflow::fuzz {

class Sink final : public Cell {
 public:
  Input<std::int64_t> x{*this, "x"};
  Input<std::string> text{*this, "text"};
  Input<std::vector<float>> scores{*this, "scores"};
  Input<nlohmann::json> any{*this, "any"};
  void process(Context&) override {}
};

inline const Pipeline& target_model() {
  static const std::unique_ptr<Pipeline> model = [] {
    auto p = std::make_unique<Pipeline>("fuzz");
    auto& sink = p->add<Sink>("sink");
    p->expose(sink.x, "x");
    p->expose(sink.text, "text");
    p->expose(sink.scores, "scores");
    p->expose(sink.any, "any");
    return p;
  }();
  return *model;
}

inline const CodecRegistry& target_codecs() {
  static const CodecRegistry codecs = CodecRegistry::defaults();
  return codecs;
}

/// Batching and decoding of a parsed request, as a served model does them (at most 64 items).
inline void decode_all(const server::InferRequest& request) {
  const auto& model = target_model();
  const auto& codecs = target_codecs();
  const std::size_t batch = server::batch_size_of(model, codecs, request);
  if (batch == 0) {
    (void)server::decode_inputs(model, codecs, request);
    return;
  }
  for (std::size_t i = 0; i < batch && i < 64; ++i)
    (void)server::decode_inputs(model, codecs, server::batch_item(request, batch, i));
}

}  // namespace cellflow::fuzz
