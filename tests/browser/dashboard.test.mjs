// The dashboard of a served model, in a real browser: it draws the model's cells, shows the
// detector working under load (items/s above zero, its queue depth), and its Rescale button
// changes the clone count the statistics route reports.
//   usage: node dashboard.test.mjs BASE_URL MODEL CELL REQUEST_BODY_FILE SCREENSHOT CELLS...
import {readFileSync} from 'node:fs';
import {eventually, fail, launch} from './browser.mjs';

const [base, model, cell, bodyFile, screenshot, ...cells] = process.argv.slice(2);
const body = readFileSync(bodyFile);

// Requests from 4 concurrent clients until stopped.
let loading = true;
async function client() {
  while (loading) {
    const res = await fetch(`${base}/v2/models/${model}/infer`,
                            {method: 'POST', body, headers: {'Content-Type': 'application/json'}});
    if (res.status !== 200) fail(`inference answered ${res.status}: ${await res.text()}`);
  }
}

const browser = await launch();
try {
  const page = await browser.newPage({viewport: {width: 1280, height: 720}});
  page.on('pageerror', (e) => fail('page error: ' + e.message));
  await page.goto(base + '/');
  await page.waitForSelector(`section[data-model="${model}"] svg g.cell`);
  const drawn = await page.$$eval(`section[data-model="${model}"] svg g.cell`,
                                  (nodes) => nodes.map((n) => n.dataset.cell));
  if (JSON.stringify(drawn.sort()) !== JSON.stringify([...cells].sort()))
    fail(`drawn cells ${drawn} are not ${cells}`);
  console.log(`drawn: ${drawn.join(', ')}`);

  const load = Promise.all([client(), client(), client(), client()]);
  const node = `section[data-model="${model}"] g.cell[data-cell="${cell}"]`;
  const rate = await eventually(`${cell} items/s above zero`, async () => {
    const text = await page.textContent(`${node} text.rate`);
    return parseFloat(text) > 0 && text;
  });
  const queue = await page.textContent(`${node} text.load`);
  if (!/^queue \d+ · busy /.test(queue)) fail(`no queue depth shown: '${queue}'`);
  console.log(`under load: ${rate}; ${queue}`);

  const row = `section[data-model="${model}"] tr[data-cell="${cell}"]`;
  await page.fill(`${row} input[data-role="clones"]`, '3');
  await page.click(`${row} button[data-role="rescale"]`);
  const clones = await eventually('3 clones in the statistics', async () => {
    const stats = await (await fetch(`${base}/v2/models/${model}/stats`)).json();
    const found = stats.model_stats[0].cellflow.cells.find((c) => c.path === cell);
    return found.clones === 3 && found.clones;
  });
  await eventually('the page showing 3 clones', async () =>
    (await page.textContent(`${node} text.load`)).includes('/3 clones'));
  console.log(`rescaled from the page: ${clones} clones`);
  await page.waitForTimeout(1500);  // a poll or two with the new clones, for the screenshot
  await page.screenshot({path: screenshot, fullPage: true});
  loading = false;
  await load;
} finally {
  await browser.close();
}
console.log('dashboard: ok');
