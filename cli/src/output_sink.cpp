#include "output_sink.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "cellflow/error.hpp"
#include "commands.hpp"

namespace cellflow::cli::detail {

void OutputSink::operator()(Result&& result) {
  ++done_;
  if (!result.ok()) {
    report_failure(result.item().seq, result.error());
  } else {
    try {
      const std::vector<std::string> lines = printer_.lines(result);
      if (!lines.empty()) progress_.clear_for_stdout();
      for (const std::string& line : lines) print_line(line);
    } catch (...) {
      report_failure(result.item().seq, std::current_exception());
    }
  }
  progress_.update(done_, failed_);
}

void OutputSink::report_failure(std::uint64_t seq, std::exception_ptr error) {
  ++failed_;
  if (!continue_on_error_) std::rethrow_exception(error);
  progress_.clear();
  std::fprintf(stderr, "error: item %llu: %s\n", static_cast<unsigned long long>(seq),
               describe(error).c_str());
  std::fflush(stderr);
}

}  // namespace cellflow::cli::detail
