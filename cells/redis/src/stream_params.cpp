#include "stream_params.hpp"

#include <stdexcept>

#include "redis_client.hpp"

namespace cellflow::redis {

void check_redis_url(const std::string& url, std::vector<std::string>& problems) {
  try {
    RedisUrl::parse(url);
  } catch (const std::invalid_argument& e) {
    problems.push_back(std::string("params.redis: ") + e.what());
  }
}

}  // namespace cellflow::redis
