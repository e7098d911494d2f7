// Shared test helpers: collecting build problems, matching messages, running pipelines and
// collecting their outputs.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cellflow/error.hpp"
#include "cellflow/pipeline.hpp"

namespace cellflow::testing {

using nlohmann::json;

inline std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "  - " + l + "\n";
  return out;
}

/// Runs `fn` and returns the problems of the cellflow::Error it throws. Records a test failure
/// (and returns {}) when it throws nothing or something else.
inline std::vector<std::string> problems_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const cellflow::Error& e) {
    EXPECT_FALSE(e.problems().empty()) << "cellflow::Error without problems: " << e.what();
    return e.problems();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected cellflow::Error, got another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected cellflow::Error, nothing was thrown";
  return {};
}

/// Message of the cellflow::Error thrown by `fn` ("" and a test failure when none).
inline std::string error_text_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const cellflow::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected cellflow::Error, got another exception: " << e.what();
    return {};
  }
  ADD_FAILURE() << "expected cellflow::Error, nothing was thrown";
  return {};
}

/// True when lowercase `text` contains one of the '|'-separated alternatives of `keywords`
/// (case-insensitive). Plain substrings, not std::regex: GCC 12 warns inside <regex> under
/// -fsanitize builds with -Werror.
inline bool contains_any_of(const std::string& text, const std::string& keywords) {
  const std::string lk = lower(keywords);
  std::size_t begin = 0;
  while (begin <= lk.size()) {
    const std::size_t end = std::min(lk.find('|', begin), lk.size());
    if (end > begin && text.find(lk.substr(begin, end - begin)) != std::string::npos) return true;
    begin = end + 1;
  }
  return false;
}

/// True when one single problem contains every substring (case-insensitive) and contains one of
/// the '|'-separated alternatives in `keyword` ("" = no keyword check).
inline ::testing::AssertionResult has_problem(const std::vector<std::string>& problems,
                                              std::initializer_list<std::string> substrings,
                                              const std::string& keyword = "") {
  for (const auto& p : problems) {
    const std::string lp = lower(p);
    bool all = std::all_of(substrings.begin(), substrings.end(), [&](const std::string& s) {
      return lp.find(lower(s)) != std::string::npos;
    });
    if (all && !keyword.empty()) all = contains_any_of(lp, keyword);
    if (all) return ::testing::AssertionSuccess();
  }
  std::string wanted;
  for (const auto& s : substrings) wanted += "'" + s + "' ";
  return ::testing::AssertionFailure()
         << "no single problem contains " << wanted
         << (keyword.empty() ? "" : "and one of '" + keyword + "'") << "; problems were:\n"
         << join_lines(problems);
}

inline ::testing::AssertionResult contains_all(const std::string& text,
                                               std::initializer_list<std::string> substrings) {
  for (const auto& s : substrings) {
    if (lower(text).find(lower(s)) == std::string::npos) {
      return ::testing::AssertionFailure() << "'" << s << "' not found in: " << text;
    }
  }
  return ::testing::AssertionSuccess();
}

/// Stream-runs `p` and returns every value of exposed output `output` in delivery order.
template <class T>
std::vector<T> run_collect(Pipeline& p, const std::string& output) {
  std::vector<T> got;
  p.run([&](Result&& r) {
    EXPECT_TRUE(r.ok()) << "item " << r.item().seq << " failed: " << describe(r.error());
    if (!r.ok()) return;
    for (const auto& v : r.values(output)) got.push_back(v.get<T>());
  });
  return got;
}

inline std::vector<json> iota_json(int begin, int end) {
  std::vector<json> v;
  for (int i = begin; i < end; ++i) v.emplace_back(i);
  return v;
}

inline std::vector<int> iota_int(int begin, int end) {
  std::vector<int> v;
  for (int i = begin; i < end; ++i) v.push_back(i);
  return v;
}

/// Polls `pred` until true or `timeout` passes; returns the last value of `pred`.
inline bool wait_until(const std::function<bool()>& pred,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return pred();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cellflow::testing
