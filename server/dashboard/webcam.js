// cellflow webcam page (/webcam/MODEL): sends the camera's frames as JPEG (KServe v2 binary
// tensor extension) to the model, never more than one request in flight, so the frame rate
// follows the model and latency stays bounded; draws the returned boxes over the live video.
// Works with any model whose first BYTES input takes an image and whose first output gives
// detections ({"width","height","detections":[{"x","y","width","height","label","score"}]}).
'use strict';

const model = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
const video = document.getElementById('video');
const overlay = document.getElementById('overlay');
const keyInput = document.getElementById('api-key');
keyInput.value = localStorage.getItem('cellflow-api-key') || '';
keyInput.addEventListener('change', () => localStorage.setItem('cellflow-api-key', keyInput.value));
// What the page has done, for people and for tests.
const state = window.cellflowWebcam = {frames: 0, boxes: 0, fps: 0, roundTripMs: 0, error: ''};

function say(text) {
  document.getElementById('message').textContent = text;
  document.getElementById('message').classList.toggle('error', !!text);
  state.error = text;
}

function authorization() {
  return keyInput.value ? {Authorization: 'Bearer ' + keyInput.value} : {};
}

async function metadata() {
  const res = await fetch(`/v2/models/${encodeURIComponent(model)}`, {headers: authorization()});
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || `${res.status}`);
  const input = data.inputs.find((i) => i.datatype === 'BYTES');
  if (!input) throw new Error(`model '${model}' has no BYTES input to send an image to`);
  return {input: input.name, output: data.outputs[0].name};
}

// A binary-extension request: the JSON header, then the JPEG as one BYTES element (its 4-byte
// little-endian length first).
function request(names, jpeg) {
  const header = new TextEncoder().encode(JSON.stringify({
    inputs: [{name: names.input, datatype: 'BYTES', shape: [1],
              parameters: {binary_data_size: jpeg.byteLength + 4}}],
    outputs: [{name: names.output, parameters: {binary_data: false}}],
  }));
  const body = new Uint8Array(header.byteLength + 4 + jpeg.byteLength);
  body.set(header, 0);
  new DataView(body.buffer).setUint32(header.byteLength, jpeg.byteLength, true);
  body.set(new Uint8Array(jpeg), header.byteLength + 4);
  return {body, headerLength: header.byteLength};
}

async function jpegOfFrame(canvas) {
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  return blob.arrayBuffer();
}

function draw(result) {
  overlay.width = video.clientWidth;
  overlay.height = video.clientHeight;
  const context = overlay.getContext('2d');
  context.clearRect(0, 0, overlay.width, overlay.height);
  const sx = overlay.width / (result.width || video.videoWidth);
  const sy = overlay.height / (result.height || video.videoHeight);
  context.lineWidth = 3;
  context.font = '15px system-ui, sans-serif';
  for (const d of result.detections || []) {
    context.strokeStyle = context.fillStyle = '#00e676';
    context.strokeRect(d.x * sx, d.y * sy, d.width * sx, d.height * sy);
    const caption = `${d.label} ${d.score.toFixed(2)}`;
    const width = context.measureText(caption).width + 8;
    context.fillRect(d.x * sx, d.y * sy - 20, width, 20);
    context.fillStyle = '#000';
    context.fillText(caption, d.x * sx + 4, d.y * sy - 5);
  }
  state.boxes += (result.detections || []).length;
}

async function infer(names, canvas) {
  const {body, headerLength} = request(names, await jpegOfFrame(canvas));
  const started = performance.now();
  const res = await fetch(`/v2/models/${encodeURIComponent(model)}/infer`, {
    method: 'POST', body,
    headers: {...authorization(), 'Content-Type': 'application/octet-stream',
              'Inference-Header-Content-Length': String(headerLength)},
  });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || `${res.status}`);
  state.roundTripMs = performance.now() - started;
  const value = data.outputs[0].data[0];
  return typeof value === 'string' ? JSON.parse(value) : value;
}

async function run() {
  document.getElementById('model').textContent = model;
  const names = await metadata();
  video.srcObject = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}});
  await new Promise((resolve) => (video.onloadeddata = resolve));
  const canvas = document.createElement('canvas');
  const times = [];
  for (;;) {  // one request in flight: the next frame is taken when the answer is back
    try {
      draw(await infer(names, canvas));
      say('');
    } catch (e) {
      say(e.message);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    state.frames++;
    times.push(performance.now());
    while (times.length > 1 && times[times.length - 1] - times[0] > 2000) times.shift();
    state.fps = times.length > 1 ? (times.length - 1) * 1000 / (times[times.length - 1] - times[0]) : 0;
    document.getElementById('stats').textContent =
        `${state.fps.toFixed(1)} frames/s · ${state.roundTripMs.toFixed(0)} ms round trip`;
  }
}

run().catch((e) => say(e.message));
