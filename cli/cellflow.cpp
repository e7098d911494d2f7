// The `cellflow` command-line tool with the built-in cells (Delay, Fail, Counter, Repeat) and
// the vision cells (images, video, faces, people, text), with the vision result codecs, and the
// Redis Streams source and sink.
// Applications with their own cells build the same tool by calling cellflow::cli::run_cli
// with their own registries.
#include "cellflow/cells/builtin.hpp"
#include "cellflow/cli/cli.hpp"
#include "cellflow/redis/redis.hpp"
#include "cellflow/vision/vision.hpp"

int main(int argc, char** argv) {
  cellflow::Registry registry = cellflow::cells::builtin_registry();
  cellflow::vision::register_vision(registry);
  cellflow::CodecRegistry codecs = cellflow::CodecRegistry::defaults();
  cellflow::vision::add_codecs(codecs);
  cellflow::redis::register_redis(registry, codecs);  // stream cells and remote clones
  return cellflow::cli::run_cli(argc, argv, registry, codecs);
}
