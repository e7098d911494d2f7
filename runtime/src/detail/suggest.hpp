// Suggestions for misspelt names in error messages: the closest known name by edit distance.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace cellflow::detail {

/// "; did you mean 'x'?" (to end a message) for the known name closest to `word` when it is close
/// enough (at most a third of its letters differ, and at least 1 edit); "" otherwise.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

/// Adds "PATH.key: unknown key (valid keys: a, b); did you mean 'x'?" to `problems` for every
/// key of the JSON object `object` not in `known` (PATH empty: the key alone).
void check_keys(const nlohmann::json& object, const std::string& path,
                const std::vector<std::string>& known, std::vector<std::string>& problems);

}  // namespace cellflow::detail
