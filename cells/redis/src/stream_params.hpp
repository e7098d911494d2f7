// The check every Redis Streams cell makes of its `redis` URL param.
#pragma once

#include <string>
#include <vector>

namespace cellflow::redis {

/// Appends "params.redis: invalid Redis URL ..." when `url` does not parse.
void check_redis_url(const std::string& url, std::vector<std::string>& problems);

}  // namespace cellflow::redis
