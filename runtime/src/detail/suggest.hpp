// Suggestions for misspelt names in error messages: the closest known name by edit distance.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cellflow::detail {

/// "; did you mean 'x'?" (to end a message) for the known name closest to `word` when it is close
/// enough (at most a third of its letters differ, and at least 1 edit); "" otherwise.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

/// ": unknown key (valid keys: a, b); did you mean 'x'?", to follow a config path.
std::string unknown_key(std::string_view key, const std::vector<std::string>& known);

}  // namespace cellflow::detail
