#include "detail/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace cellflow::detail {
namespace {

bool same(char x, char y) {
  return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
}

// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
// case-insensitive: swaps and a wrong case are among the likeliest typos.
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (same(a[i - 1], b[j - 1]) ? 0 : 1)});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

}  // namespace

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  std::size_t best_distance = std::max<std::size_t>(1, (word.size() + 2) / 3) + 1;
  for (const auto& candidate : known) {
    const std::size_t d = distance(word, candidate);
    if (d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  return best == nullptr ? "" : "; did you mean '" + *best + "'?";
}

void check_keys(const nlohmann::json& object, const std::string& path,
                const std::vector<std::string>& known, std::vector<std::string>& problems) {
  std::string listed;
  for (const auto& name : known) listed += (listed.empty() ? "" : ", ") + name;
  for (const auto& [key, value] : object.items())
    if (std::find(known.begin(), known.end(), key) == known.end())
      problems.push_back((path.empty() ? "" : path + ".") + key +
                         ": unknown key (valid keys: " + listed + ")" + did_you_mean(key, known));
}

}  // namespace cellflow::detail
