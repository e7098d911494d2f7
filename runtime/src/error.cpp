#include "cellflow/error.hpp"

#include <sstream>

namespace cellflow {
namespace {

std::string summarize(const std::vector<std::string>& problems) {
  if (problems.size() == 1) return problems.front();
  std::ostringstream out;
  out << problems.size() << " problems:";
  for (const auto& p : problems) out << "\n  - " << p;
  return out.str();
}

}  // namespace

Error::Error(std::string problem) : Error(std::vector<std::string>{std::move(problem)}) {}

Error::Error(std::vector<std::string> problems)
    : std::runtime_error(summarize(problems)), problems_(std::move(problems)) {}

CellFailure::CellFailure(std::string cell, std::exception_ptr original)
    : std::runtime_error("cell '" + cell + "' failed: " + describe(original)),
      cell_(std::move(cell)),
      original_(std::move(original)) {}

void CellFailure::rethrow_original() const { std::rethrow_exception(original_); }

std::string describe(std::exception_ptr error) {
  if (!error) return "no error";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace cellflow
