// Values as Redis stream fields, through the codec layer (the same tensors as KServe): a value
// on port P travels as field "P" (the raw form of its tensor), "P.datatype" and "P.shape" (JSON).
// Tasks carry one value per input; replies carry 0..N values per output ("P.count", then "P.0",
// "P.0.datatype", ...) or "error". A batch travels as one entry: the task has "batch" = N and
// item i's values under "i.P"; the reply has item i's fields under "i." ("i.P.count", "i.error"),
// or a top-level "error" for the whole batch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cellflow/codecs/codec.hpp"
#include "cellflow/port.hpp"
#include "redis_client.hpp"

namespace cellflow::redis {

using Fields = std::map<std::string, std::string>;

/// The field holding a batch task's item count.
inline constexpr const char* kBatchField = "batch";
/// Item `item`'s field `key` in a batch task or reply ("3.in").
inline std::string item_key(std::size_t item, const std::string& key) {
  return std::to_string(item) + "." + key;
}

/// Appends value `value` of `port` as fields named `key`, `key.datatype`, `key.shape`. Throws
/// std::invalid_argument when the port's type has no codec.
void put_value(Fields& fields, const std::string& key, const PortBase& port, const Value& value,
               const CodecRegistry& codecs);
/// The value stored under `key` for `port`. Throws std::invalid_argument naming the key.
Value get_value(const Fields& fields, const std::string& key, const PortBase& port,
                const CodecRegistry& codecs);
/// The fields of one stream entry as Redis returns it: [id, [name, value, ...]].
Fields entry_fields(ReplyView entry);
/// Total bytes of the fields' names and values.
std::size_t size_of(const Fields& fields);

}  // namespace cellflow::redis
