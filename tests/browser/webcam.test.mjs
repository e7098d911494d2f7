// The webcam page in a real browser, with Chromium's fake camera playing a video with a face:
// within a few seconds it has sent frames to the model (one request at a time) and drawn at
// least one face box over the live video.
//   usage: node webcam.test.mjs BASE_URL MODEL VIDEO.y4m SCREENSHOT
import {eventually, fail, launch} from './browser.mjs';

const [base, model, camera, screenshot] = process.argv.slice(2);
const browser = await launch(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
                              `--use-file-for-fake-video-capture=${camera}`]);
try {
  const page = await browser.newPage({viewport: {width: 900, height: 620}});
  page.on('pageerror', (e) => fail('page error: ' + e.message));
  await page.goto(`${base}/webcam/${model}`);
  const state = await eventually('a face box drawn over the video', async () => {
    const s = await page.evaluate(() => window.cellflowWebcam);
    if (s.error) throw new Error(s.error);
    return s.boxes > 0 && s;
  }, 60000);
  console.log(`frames sent ${state.frames}, boxes drawn ${state.boxes}, ` +
              `${state.roundTripMs.toFixed(0)} ms round trip`);
  await page.waitForTimeout(1500);  // a few more frames, for the screenshot and the rate
  const shown = await page.textContent('#stats');
  if (!/frames\/s · \d+ ms round trip/.test(shown)) fail(`no rate shown: '${shown}'`);
  console.log(shown);
  await page.screenshot({path: screenshot});
} finally {
  await browser.close();
}
console.log('webcam: ok');
