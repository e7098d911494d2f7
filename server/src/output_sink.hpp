// OutputSink (internal): the sink `cellflow run` passes to Pipeline::run(). It prints each
// item's values as JSON lines on stdout (flushed per line) and reports failed items
// (--continue-on-error) on stderr as "error: item <seq>: <message>", counting them. A value the
// converter cannot print counts as a failed item too. Called serially, in item order.
#pragma once

#include <cstdint>
#include <exception>

#include "cellflow/result.hpp"
#include "cellflow/server/json_converter.hpp"
#include "progress.hpp"
#include "result_printer.hpp"

namespace cellflow::server::detail {

class OutputSink {
 public:
  /// `converter` and `progress` must outlive the sink.
  OutputSink(const JsonConverter& converter, Progress& progress)
      : printer_(converter), progress_(progress) {}

  void operator()(Result&& result);

  std::uint64_t done() const { return done_; }
  std::uint64_t failed() const { return failed_; }

 private:
  void report_failure(std::uint64_t seq, std::exception_ptr error);

  ResultPrinter printer_;
  Progress& progress_;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace cellflow::server::detail
