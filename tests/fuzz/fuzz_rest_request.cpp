// libFuzzer target: the REST request parser (JSON, and the binary tensor extension with its
// Inference-Header-Content-Length split), then batching and decoding for a model with every
// codec family. Input: 2 bytes giving the header length (0xFFFF: no header, a JSON body), then
// the body. Every rejection must be an HttpError; anything else is a finding.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "fuzz_target_model.hpp"
#include "http/http_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cellflow;
  if (size < 2) return 0;
  const unsigned code = data[0] | (data[1] << 8);
  auto body = std::make_shared<std::string>(reinterpret_cast<const char*>(data + 2), size - 2);
  const std::optional<std::size_t> header_length =
      code == 0xFFFF ? std::nullopt : std::optional<std::size_t>(code);
  try {
    fuzz::decode_all(server::parse_infer_request(std::move(body), header_length));
  } catch (const server::HttpError&) {
  }
  return 0;
}
