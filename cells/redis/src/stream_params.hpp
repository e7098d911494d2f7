// The params every Redis Streams cell has: a Redis URL and a stream key.
#pragma once

#include <string>
#include <vector>

namespace cellflow::redis {

/// Appends "param 'stream': required ..." and "param 'redis': invalid Redis URL ..." problems.
void check_stream_params(const std::string& url, const std::string& stream,
                         std::vector<std::string>& problems);

}  // namespace cellflow::redis
