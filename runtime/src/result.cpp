#include "cellflow/result.hpp"

#include <stdexcept>

namespace cellflow {

const std::vector<Value>& Result::values(std::string_view output) const {
  for (const auto& [name, values] : outputs_)
    if (name == output) return values;
  std::string known;
  for (const auto& entry : outputs_) known += (known.empty() ? "" : ", ") + entry.first;
  throw std::out_of_range("no output named '" + std::string(output) + "' (outputs: " + known + ")");
}

std::vector<Value>& Result::values(std::string_view output) {
  return const_cast<std::vector<Value>&>(std::as_const(*this).values(output));
}

const Value& Result::at(std::string_view output, std::size_t index) const {
  const auto& list = values(output);
  if (index >= list.size())
    throw std::out_of_range("output '" + std::string(output) + "' has " +
                            std::to_string(list.size()) + " value(s) for item " +
                            std::to_string(item_.seq) + ", no index " + std::to_string(index));
  return list[index];
}

}  // namespace cellflow
