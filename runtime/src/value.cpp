#include "cellflow/value.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <utility>

namespace cellflow {
namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

}  // namespace

std::string type_name(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string name = status == 0 ? demangled.get() : type.name();
  static const std::pair<const char*, const char*> kAliases[] = {
      {"std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
       "std::string"},
      {"nlohmann::json_abi_v3_11_2::", "nlohmann::"},
      {"nlohmann::basic_json<std::map, std::vector, std::string, bool, long, unsigned long, "
       "double, std::allocator, nlohmann::adl_serializer, std::vector<unsigned char, "
       "std::allocator<unsigned char> >, void>",
       "nlohmann::json"},
      {"std::__cxx11::", "std::"},
  };
  for (const auto& [from, to] : kAliases) replace_all(name, from, to);
  return name;
}

void Value::check(const std::type_info& wanted) const {
  if (!box_) throw std::logic_error("value is empty, expected " + type_name(wanted));
  if (*type_ != wanted)
    throw std::logic_error("value holds " + type_name(*type_) + ", not " + type_name(wanted));
}

void Value::throw_shared_move_only() const {
  throw std::logic_error("cannot take a move-only " + type_name(*type_) +
                         " that is shared with another consumer; use get()");
}

}  // namespace cellflow
