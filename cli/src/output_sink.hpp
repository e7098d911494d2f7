// OutputSink (internal): the sink `cellflow run` passes to Pipeline::run(), which must run with
// ErrorPolicy::kContinue so that failed items reach the sink. It prints each item's values as
// JSON lines on stdout (flushed per line). A failed item (or a value the converter cannot
// print) is, with `continue_on_error`, reported on stderr as "error: item <seq>: <message>" and
// counted; without it, its error is rethrown, which stops the run and leaves Pipeline::run()
// with that error: a CellFailure naming the cell, where the runtime's own fail-fast policy would
// rethrow the cell's original exception without it. Called serially, in item order.
#pragma once

#include <cstdint>
#include <exception>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/result.hpp"
#include "progress.hpp"
#include "result_printer.hpp"

namespace cellflow::cli::detail {

class OutputSink {
 public:
  /// `codecs` and `progress` must outlive the sink.
  OutputSink(const CodecRegistry& codecs, Progress& progress, bool continue_on_error,
             bool timestamps = false)
      : printer_(codecs, timestamps), progress_(progress), continue_on_error_(continue_on_error) {}

  void operator()(Result&& result);

  std::uint64_t done() const { return done_; }
  std::uint64_t failed() const { return failed_; }

 private:
  void report_failure(std::uint64_t seq, std::exception_ptr error);

  ResultPrinter printer_;
  Progress& progress_;
  bool continue_on_error_;
  std::uint64_t done_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace cellflow::cli::detail
