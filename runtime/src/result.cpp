#include "cellflow/result.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "cellflow/error.hpp"

namespace cellflow {
namespace {

// A number read from a Value: exact for every 64-bit integer (long double has a 64-bit
// mantissa or more on the platforms we build for).
struct Number {
  long double value = 0;
  bool is_bool = false;
};

// The arithmetic types a Value may hold and get<T>() may ask for (bool apart), listed once.
template <class... T>
struct Types {};
using Numbers = Types<char, signed char, unsigned char, short, unsigned short, int, unsigned, long,
                      unsigned long, long long, unsigned long long, float, double, long double>;

// Calls `f(std::type_identity<T>{})` for each T of `Numbers` until one returns true.
template <class F, class... T>
bool any_number_type(Types<T...>, F&& f) {
  return (f(std::type_identity<T>{}) || ...);
}

std::optional<Number> held_number(const Value& value) {
  std::optional<Number> found;
  any_number_type(Numbers{}, [&](auto type) {
    using S = typename decltype(type)::type;
    if (!value.holds<S>()) return false;
    found = Number{static_cast<long double>(value.get<S>())};
    return true;
  });
  return found;
}

std::optional<Number> number_of(const Value& value) {
  if (value.holds<bool>()) return Number{value.get<bool>() ? 1.0L : 0.0L, true};
  if (value.holds<nlohmann::json>()) {
    const auto& j = value.get<nlohmann::json>();
    if (j.is_boolean()) return Number{j.get<bool>() ? 1.0L : 0.0L, true};
    if (j.is_number_unsigned()) return Number{static_cast<long double>(j.get<std::uint64_t>())};
    if (j.is_number_integer()) return Number{static_cast<long double>(j.get<std::int64_t>())};
    if (j.is_number_float()) return Number{static_cast<long double>(j.get<double>())};
    return std::nullopt;
  }
  return held_number(value);
}

// Whether `n` (a bool exactly when T is bool) has a T that equals it (a floating T: one it
// rounds to).
template <class T>
bool fits(const Number& n) {
  if constexpr (std::is_same_v<T, bool>) {
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    return n.value == std::trunc(n.value) &&
           n.value >= static_cast<long double>(std::numeric_limits<T>::lowest()) &&
           n.value <= static_cast<long double>(std::numeric_limits<T>::max());
  } else {  // floating: any finite value in range (rounded), infinities and NaN as they are
    return !std::isfinite(n.value) ||
           std::fabs(n.value) <= static_cast<long double>(std::numeric_limits<T>::max());
  }
}

// Writes `n` into `out` when `wanted` is T; true when it was T (whether or not it fitted).
template <class T>
bool write_if(const std::type_info& wanted, const Number& n, void* out, bool& fitted) {
  if (wanted != typeid(T)) return false;
  fitted = fits<T>(n);
  if (fitted) *static_cast<T*>(out) = static_cast<T>(n.value);
  return true;
}

bool write(const std::type_info& wanted, const Number& n, void* out) {
  bool fitted = false;
  write_if<bool>(wanted, n, out, fitted) || any_number_type(Numbers{}, [&](auto type) {
    return write_if<typename decltype(type)::type>(wanted, n, out, fitted);
  });
  return fitted;
}

std::string where(std::string_view output, std::size_t index) {
  return "output '" + std::string(output) + "'" +
         (index == 0 ? "" : " value " + std::to_string(index));
}

// The held type, and a JSON value or (with_number) a number itself: `nlohmann::json "hi"`,
// `long 5000000000`.
std::string held(const Value& value, bool with_number) {
  std::string text = type_name(value.type());
  if (value.holds<nlohmann::json>()) {
    std::string dump = value.get<nlohmann::json>().dump();
    if (dump.size() > 40) dump = dump.substr(0, 37) + "...";
    return text + " " + dump;
  }
  if (with_number)
    if (const auto n = number_of(value)) {
      std::ostringstream number;
      number.precision(std::numeric_limits<long double>::max_digits10);
      number << n->value;
      text += " " + number.str();
    }
  return text;
}

}  // namespace

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

void Result::convert(std::string_view output, std::size_t index, const Value& value,
                     const std::type_info& wanted, void* out) {
  const auto number = number_of(value);
  if (!number || number->is_bool != (wanted == typeid(bool)))
    mismatch(output, index, value, wanted);
  if (!write(wanted, *number, out))
    throw Error(where(output, index) + " holds " + held(value, true) + ", which does not fit in " +
                type_name(wanted));
}

void Result::mismatch(std::string_view output, std::size_t index, const Value& value,
                      const std::type_info& wanted) {
  if (!value.has_value()) throw Error(where(output, index) + " is empty, not " + type_name(wanted));
  throw Error(where(output, index) + " holds " + held(value, false) + ", not " + type_name(wanted));
}

}  // namespace cellflow
