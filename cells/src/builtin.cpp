#include "cellflow/cells/builtin.hpp"

#include "cellflow/cells/add.hpp"
#include "cellflow/cells/counter.hpp"
#include "cellflow/cells/delay.hpp"
#include "cellflow/cells/fail.hpp"
#include "cellflow/cells/join.hpp"
#include "cellflow/cells/repeat.hpp"
#include "cellflow/cells/ticker.hpp"

namespace cellflow::cells {

void register_builtin(Registry& registry) {
  registry.add<Add>("Add", "a + b for JSON numbers (with a feedback input: a running total)");
  registry.add<Delay>("Delay", "passes JSON values through after a (jittered) delay");
  registry.add<Fail>("Fail", "passes JSON values through, throws on the values listed in 'on'");
  registry.add<Counter>("Counter", "source of the integers 0..count-1");
  registry.add<Repeat>("Repeat", "emits each input 'times' times");
  registry.add<Ticker>("Ticker",
                       "source of 0..count-1 at rate_hz, stamped start_ms + i * period_ms");
  registry.add<Join>(
      "Join", "joins inputs in0..inN into {\"inK\": {\"value\", \"ts_ms\"}}; give it a sync");
}

Registry builtin_registry() {
  Registry registry;
  register_builtin(registry);
  return registry;
}

}  // namespace cellflow::cells
