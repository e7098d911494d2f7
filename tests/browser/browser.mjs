// Debian's Chromium, headless, driven by playwright-core (which downloads no browser). The flags
// keep Chromium off the network this machine does not reach.
import {chromium} from 'playwright-core';

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           ...extraArgs],
  });
}

// Polls `check` (async, returns a value or a falsy one) until it gives a value or `ms` pass.
export async function eventually(what, check, ms = 30000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await check();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export function fail(message) {
  console.error('error: ' + message);
  process.exit(1);
}
