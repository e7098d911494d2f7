#include "cellflow/value.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

namespace cellflow {
namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

// Drops ", std::allocator<...>" template arguments: they only add noise to messages.
void drop_allocators(std::string& name) {
  const std::string marker = ", std::allocator<";
  for (auto pos = name.find(marker); pos != std::string::npos; pos = name.find(marker)) {
    int depth = 0;
    std::size_t end = pos + marker.size() - 1;
    for (; end < name.size(); ++end) {
      if (name[end] == '<') ++depth;
      if (name[end] == '>' && --depth == 0) break;
    }
    name.erase(pos, end + 1 - pos);
  }
  replace_all(name, " >", ">");
}

}  // namespace

std::string type_name(const std::type_info& type) {
  if (type == typeid(nlohmann::json)) return "nlohmann::json";
  if (type == typeid(std::string)) return "std::string";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string name = status == 0 ? demangled.get() : type.name();
  replace_all(name,
              "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
              "std::string");
  replace_all(name, "std::__cxx11::", "std::");
  drop_allocators(name);
  return name;
}

void Value::check(const std::type_info& wanted) const {
  if (type_ == nullptr) throw std::logic_error("value is empty, expected " + type_name(wanted));
  if (*type_ != wanted)
    throw std::logic_error("value holds " + type_name(*type_) + ", not " + type_name(wanted));
}

void Value::throw_shared_move_only() const {
  throw std::logic_error("cannot take a move-only " + type_name(*type_) +
                         " that is shared with another consumer; use get()");
}

}  // namespace cellflow
