#include "wire_fields.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "cellflow/codecs/raw_form.hpp"

namespace cellflow::redis {
namespace {

const Codec& codec_for(const PortBase& port, const CodecRegistry& codecs) {
  const Codec* codec = codecs.find(port.type());
  if (codec == nullptr)
    throw std::invalid_argument("port '" + port.name() + "': no codec for " +
                                type_name(port.type()));
  return *codec;
}

const std::string& field(const Fields& fields, const std::string& key) {
  const auto found = fields.find(key);
  if (found == fields.end()) throw std::invalid_argument("field '" + key + "' missing");
  return found->second;
}

}  // namespace

void put_value(Fields& fields, const std::string& key, const PortBase& port, const Value& value,
               const CodecRegistry& codecs) {
  const Tensor tensor = codec_for(port, codecs).encode(value);
  std::string raw;
  raw.reserve(raw_size(tensor));
  append_raw(raw, tensor);
  fields[key] = std::move(raw);
  fields[key + ".datatype"] = tensor.datatype;
  fields[key + ".shape"] = nlohmann::json(tensor.shape).dump();
}

Value get_value(const Fields& fields, const std::string& key, const PortBase& port,
                const CodecRegistry& codecs) {
  try {
    auto raw = std::make_shared<std::string>(field(fields, key));
    const auto shape = nlohmann::json::parse(field(fields, key + ".shape"));
    const Tensor tensor = tensor_from_raw(field(fields, key + ".datatype"),
                                          shape.get<std::vector<std::int64_t>>(), *raw, raw);
    return codec_for(port, codecs).decode(tensor);
  } catch (const nlohmann::json::exception& e) {
    throw std::invalid_argument("field '" + key + ".shape': " + e.what());
  }
}

Fields entry_fields(ReplyView entry) {
  Fields fields;
  const ReplyView list = entry[1];
  for (std::size_t i = 0; i + 1 < list.size(); i += 2)
    fields[std::string(list[i].str())] = std::string(list[i + 1].str());
  return fields;
}

std::size_t size_of(const Fields& fields) {
  std::size_t size = 0;
  for (const auto& [name, value] : fields) size += name.size() + value.size();
  return size;
}

}  // namespace cellflow::redis
