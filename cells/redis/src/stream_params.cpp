#include "stream_params.hpp"

#include <stdexcept>

#include "redis_client.hpp"

namespace cellflow::redis {

void check_stream_params(const std::string& url, const std::string& stream,
                         std::vector<std::string>& problems) {
  if (stream.empty()) problems.push_back("param 'stream': required (the stream's key)");
  try {
    RedisUrl::parse(url);
  } catch (const std::invalid_argument& e) {
    problems.push_back(std::string("param 'redis': ") + e.what());
  }
}

}  // namespace cellflow::redis
