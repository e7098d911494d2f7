// ResultPrinter (internal): formats one item's Result as compact JSON lines, one object per
// line keyed by output name. Line i holds the i-th value of every output that has one, so an
// item that emitted nothing gives no line:
//   outputs {"a": [1], "b": [2, 3]}  ->  {"a":1,"b":2}
//                                        {"b":3}
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/result.hpp"

namespace cellflow::cli::detail {

class ResultPrinter {
 public:
  /// `codecs` must outlive the printer.
  /// `timestamps`: each line also carries "_ts_ms" (the item's stamp) and "_latency_ms" (now
  /// minus ItemInfo::admitted).
  explicit ResultPrinter(const CodecRegistry& codecs, bool timestamps = false)
      : codecs_(codecs), timestamps_(timestamps) {}

  /// The lines of a successful result, without newlines. Keys follow the result's output order.
  /// Invalid UTF-8 in strings is replaced (U+FFFD) rather than failing the line.
  std::vector<std::string> lines(const Result& result) const;

 private:
  std::string dump(const nlohmann::json& value) const;

  std::string timing(const Result& result) const;

  const CodecRegistry& codecs_;
  bool timestamps_ = false;
};

}  // namespace cellflow::cli::detail
