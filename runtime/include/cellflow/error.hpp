// Error types. Two regimes:
//  - cellflow::Error: build, config and wiring problems, thrown before anything runs. It lists
//    every problem found, each naming its cell, port or config path.
//  - cellflow::CellFailure: one item failed inside a cell (request mode). It names the cell and
//    keeps the original exception; cellflow::Unavailable as the original means "retry later".
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

namespace cellflow {

/// A build, configuration or wiring error. `problems()` holds every problem found, in the order
/// found; `what()` is a readable summary of all of them.
class Error : public std::runtime_error {
 public:
  explicit Error(std::string problem);
  explicit Error(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const noexcept { return problems_; }

 private:
  std::vector<std::string> problems_;
};

/// One item failed in a cell. `what()` reads "cell 'path' failed: <original message>".
/// `original()` is the exception the cell threw; `rethrow_original()` rethrows it.
class CellFailure : public std::runtime_error {
 public:
  CellFailure(std::string cell, std::exception_ptr original);
  const std::string& cell() const noexcept { return cell_; }
  std::exception_ptr original() const noexcept { return original_; }
  [[noreturn]] void rethrow_original() const;

 private:
  std::string cell_;
  std::exception_ptr original_;
};

/// A cell could not do its work because something it depends on is unreachable for now (a
/// remote queue's Redis, a device): the item fails with it, and serving transports answer
/// "unavailable" (HTTP 503, gRPC UNAVAILABLE) rather than "internal error", so clients retry.
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Message of any exception_ptr ("unknown exception" for non-std exceptions).
std::string describe(std::exception_ptr error);

}  // namespace cellflow
