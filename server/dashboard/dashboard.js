// cellflow dashboard: draws each served model's pipeline (laid out by dagre) and updates every
// cell's figures once a second from the statistics route; rescales clone groups and sets live
// params through the admin routes. Everything it loads comes from this server.
'use strict';

const POLL_MS = 1000;
const SVG = 'http://www.w3.org/2000/svg';
const keyInput = document.getElementById('api-key');
const models = new Map();  // name -> {description, nodes, rows, previous}

keyInput.value = localStorage.getItem('cellflow-api-key') || '';
keyInput.addEventListener('change', () => {
  localStorage.setItem('cellflow-api-key', keyInput.value);
  start();
});

function say(text, error = false) {
  const message = document.getElementById('message');
  message.textContent = text;
  message.classList.toggle('error', error);
}

async function api(path, body) {
  const headers = {};
  if (keyInput.value) headers.Authorization = 'Bearer ' + keyInput.value;
  const init = body === undefined ? {headers} : {
    method: 'POST',
    headers: {...headers, 'Content-Type': 'application/json'},
    body: JSON.stringify(body),
  };
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
  return data;
}

function element(tag, attributes = {}, parent = null, svg = false) {
  const node = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value);
  }
  if (parent) parent.appendChild(node);
  return node;
}
const svgElement = (tag, attributes, parent) => element(tag, attributes, parent, true);
const cellOf = (port) => port.slice(0, port.lastIndexOf('.'));

// The model's graph: exposed inputs and outputs as ellipses, cells as boxes, left to right.
function layout(description) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({rankdir: 'LR', nodesep: 24, ranksep: 56, marginx: 12, marginy: 12});
  g.setDefaultEdgeLabel(() => ({}));
  for (const input of description.inputs) {
    g.setNode('in:' + input.name, {kind: 'port', label: input.name, width: 96, height: 34});
    for (const to of input.to) g.setEdge('in:' + input.name, cellOf(to));
  }
  for (const cell of description.cells)
    g.setNode(cell.name, {kind: 'cell', cell, width: 210, height: 92});
  for (const connection of description.connections)
    g.setEdge(cellOf(connection.from), cellOf(connection.to));
  for (const output of description.outputs) {
    g.setNode('out:' + output.name, {kind: 'port', label: output.name, width: 96, height: 34});
    g.setEdge(cellOf(output.from), 'out:' + output.name);
  }
  dagre.layout(g);
  return g;
}

function drawGraph(section, description) {
  const g = layout(description);
  const svg = svgElement('svg', {class: 'graph', viewBox: `0 0 ${g.graph().width} ${g.graph().height}`,
                                 height: g.graph().height}, section);
  const marker = svgElement('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
                                       markerWidth: 7, markerHeight: 7, orient: 'auto'},
                            svgElement('defs', {}, svg));
  svgElement('path', {d: 'M0,0 L10,5 L0,10 z', fill: '#8893a7'}, marker);
  for (const e of g.edges()) {
    const points = g.edge(e).points.map((p) => `${p.x},${p.y}`);
    svgElement('path', {class: 'edge', d: 'M' + points.join(' L')}, svg);
  }
  const nodes = new Map();
  for (const id of g.nodes()) {
    const node = g.node(id);
    const x = node.x - node.width / 2, y = node.y - node.height / 2;
    if (node.kind === 'port') {
      const group = svgElement('g', {class: 'port'}, svg);
      svgElement('ellipse', {cx: node.x, cy: node.y, rx: node.width / 2, ry: node.height / 2}, group);
      svgElement('text', {x: node.x, y: node.y + 4, 'text-anchor': 'middle', text: node.label}, group);
      continue;
    }
    const cell = node.cell;
    const group = svgElement('g', {class: 'cell', 'data-cell': cell.path}, svg);
    svgElement('rect', {x, y, width: node.width, height: node.height}, group);
    const line = (row, cls, text) =>
      svgElement('text', {x: x + 10, y: y + 18 + row * 18, class: cls, text}, group);
    const kind = cell.pipeline ? 'pipeline' : cell.source ? 'source' : cell.sink ? 'sink' : '';
    line(0, 'name', cell.name + (kind ? ` (${kind})` : ''));
    nodes.set(cell.path, {group, rate: line(1, 'rate', '– items/s'),
                          time: line(2, 'time', 'p50 – ms · p99 – ms'),
                          load: line(3, 'load', 'queue 0 · ' + clonesText(cell.clones, 0))});
  }
  return nodes;
}

// A clone group's count, or "plain" (the statistics route) or undefined (describe()) otherwise.
const cloneCount = (clones) => (typeof clones === 'number' ? clones : 0);

function clonesText(clones, busy) {
  return cloneCount(clones) ? `busy ${busy.toFixed(1)}/${clones} clones`
                            : `busy ${busy.toFixed(1)} (plain)`;
}

const COLUMNS = ['cell', 'items/s', 'p50 ms', 'p99 ms', 'queue wait ms', 'queue depth', 'clones',
                 'busy', 'failures', 'dropped', 'workers', ''];

function drawTable(section, name, description) {
  const table = element('table', {}, section);
  const head = element('tr', {}, element('thead', {}, table));
  for (const title of COLUMNS) element('th', {text: title}, head);
  const body = element('tbody', {}, table);
  const rows = new Map();
  for (const cell of description.cells) {
    const row = element('tr', {'data-cell': cell.path}, body);
    const cells = {};
    for (const column of COLUMNS.slice(0, -1)) cells[column] = element('td', {text: '–'}, row);
    cells.cell.textContent = cell.path;
    cells.clones.textContent = cell.clones ?? 'plain';
    addControls(element('td', {class: 'controls'}, row), name, cell);
    rows.set(cell.path, {row, cells});
  }
  return rows;
}

function addControls(td, model, cell) {
  const base = `/v2/models/${encodeURIComponent(model)}/cells/${cell.path}`;
  if (cell.clones !== undefined) {
    const input = element('input', {type: 'number', min: 1, max: 64, value: cell.clones,
                                    'data-role': 'clones', 'aria-label': 'clones'}, td);
    const button = element('button', {text: 'Rescale', 'data-role': 'rescale'}, td);
    button.addEventListener('click', () => post(`${base}/clones`, {clones: Number(input.value)},
                                                `${cell.path}: ${input.value} clones`));
  }
  for (const param of cell.live_params || []) {
    const label = element('label', {text: ' ' + param + ' '}, td);
    const input = element('input', {value: JSON.stringify(cell.params[param]),
                                    'data-param': param}, label);
    const button = element('button', {text: 'Set', 'data-role': 'set-param'}, td);
    button.addEventListener('click', () => {
      let value;
      try {
        value = JSON.parse(input.value);
      } catch {
        value = input.value;
      }
      post(`${base}/params`, {[param]: value}, `${cell.path}: ${param} = ${input.value}`);
    });
  }
}

async function post(path, body, done) {
  try {
    await api(path, body);
    say(done);
  } catch (e) {
    say(e.message, true);
  }
}

async function addModel(name) {
  const description = await api(`/v2/models/${encodeURIComponent(name)}/pipeline`);
  const section = element('section', {class: 'model', 'data-model': name},
                          document.getElementById('models'));
  element('h2', {text: name + (description.ready ? '' : ' (not ready)')}, section);
  const nodes = drawGraph(section, description);
  const rows = drawTable(section, name, description);
  models.set(name, {description, nodes, rows, previous: null});
}

// Rates from the difference between two polls: items/s and clones busy (compute time / wall time).
function figures(cell, previous, seconds) {
  const before = previous?.get(cell.path);
  const rate = before ? (cell.items - before.items) / seconds : 0;
  const busy = before ? (cell.compute_ns - before.compute_ns) / 1e9 / seconds : 0;
  return {rate, busy, load: busy / Math.max(1, cloneCount(cell.clones))};
}

const ms = (value) => (value === null || value === undefined ? '–' : value.toFixed(1));

async function pollModel(name, model) {
  const stats = await api(`/v2/models/${encodeURIComponent(name)}/stats`);
  const now = performance.now();
  const cells = stats.model_stats[0].cellflow.cells;
  const seconds = model.previous ? (now - model.previous.time) / 1000 : 0;
  const shown = cells.map((cell) => ({cell, ...figures(cell, model.previous?.cells, seconds)}));
  const slowest = shown.reduce((a, b) => (b.load > (a?.load ?? 0.05) ? b : a), null);
  for (const {cell, rate, busy} of shown) {
    const waitMs = cell.items ? cell.queue_wait_ns / cell.items / 1e6 : 0;
    // Remote clones (issue 8): the live worker processes serving them.
    const workers = cell.remote?.workers ? cell.remote.workers.length : '–';
    const node = model.nodes.get(cell.path);
    if (node) {
      node.rate.textContent = `${rate.toFixed(1)} items/s`;
      node.time.textContent = `p50 ${ms(cell.compute_p50_ms)} ms · p99 ${ms(cell.compute_p99_ms)} ms`;
      node.load.textContent = `queue ${cell.queue_depth} · ` + clonesText(cell.clones, busy) +
                              (workers === '–' ? '' : ` · ${workers} workers`);
      node.group.classList.toggle('bottleneck', slowest?.cell === cell);
    }
    const row = model.rows.get(cell.path);
    if (!row) continue;
    const values = {'items/s': rate.toFixed(1), 'p50 ms': ms(cell.compute_p50_ms),
                    'p99 ms': ms(cell.compute_p99_ms), 'queue wait ms': waitMs.toFixed(2),
                    'queue depth': cell.queue_depth, clones: cloneCount(cell.clones) || 'plain',
                    busy: busy.toFixed(2), failures: cell.failures, dropped: cell.dropped,
                    workers};
    for (const [column, value] of Object.entries(values)) row.cells[column].textContent = value;
    row.row.classList.toggle('bottleneck', slowest?.cell === cell);
  }
  model.previous = {time: now, cells: new Map(cells.map((c) => [c.path, c]))};
}

async function poll() {
  for (const [name, model] of models) {
    try {
      await pollModel(name, model);
    } catch (e) {
      say(`${name}: ${e.message}`, true);
    }
  }
}

let timer = null;
async function start() {
  clearInterval(timer);
  models.clear();
  document.getElementById('models').replaceChildren();
  try {
    const server = await api('/v2');
    document.getElementById('server').textContent = `${server.name} ${server.version}`;
    const all = await api('/v2/models/stats');
    for (const model of all.model_stats) await addModel(model.name);
    say('');
  } catch (e) {
    say(e.message + (e.message.includes('API key') ? ': enter it above' : ''), true);
  }
  await poll();
  timer = setInterval(poll, POLL_MS);
}

start();
