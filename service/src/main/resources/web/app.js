// Lockup Guard dashboard: positions now (polled), each holding's history (chart), a live feed of
// decisions (server-sent events), and the pre-trade API. No dependencies: it works offline.
'use strict';

const state = { holdings: [], selected: null, history: [], decisions: [] };
const fmt = new Intl.NumberFormat('en-US');
const $ = (selector) => document.querySelector(selector);

function shares(n) { return n === null || n === undefined ? '–' : fmt.format(n); }
function when(iso) { return iso ? iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC') : '–'; }
function windowOf(p) { return p.phase === 'PERIOD' ? `period ${p.period}` : p.phase.toLowerCase(); }
function key(p) { return `${p.investorId}/${p.securityId}`; }

function countdown(iso) {
  if (!iso) return 'all sold';
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return `${when(iso)} (due)`;
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
    m = Math.floor(s % 3600 / 60), sec = s % 60;
  return `in ${d ? d + 'd ' : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

async function getJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { status: response.status, body });
  return body;
}

async function refreshHealth() {
  try {
    const health = await fetch('/health/ready').then((r) => r.json());
    $('#guard-state').textContent = `guard: ${health.state}`;
    $('#guard-state').className = 'pill ' + (health.status === 'UP' ? 'ok' : 'bad');
  } catch (e) {
    $('#guard-state').textContent = 'guard: unreachable';
    $('#guard-state').className = 'pill bad';
  }
}

async function refreshHoldings() {
  try {
    state.holdings = await getJson('/api/holdings');
    state.holdings.sort((a, b) => key(a).localeCompare(key(b)));
    renderHoldings();
    if (!state.selected && state.holdings.length) select(key(state.holdings[0]));
  } catch (e) {
    if (e.status !== 503) console.warn('holdings', e);
  }
}

function renderHoldings() {
  const body = $('#holdings tbody');
  if (!state.holdings.length) return;
  body.innerHTML = '';
  for (const p of state.holdings) {
    const row = document.createElement('tr');
    row.dataset.holding = key(p);
    if (key(p) === state.selected) row.classList.add('selected');
    row.innerHTML = `<td>${p.investorId}</td><td>${p.securityId}</td><td>${windowOf(p)}</td>
      <td>${p.registered ? 'yes' : 'no'}</td><td class="num">${shares(p.releasedToDate)}</td>
      <td class="num">${shares(p.soldToDate)}</td><td class="num">${shares(p.availableNow)}</td>
      <td class="countdown" data-at="${p.nextReleaseAt || ''}">${countdown(p.nextReleaseAt)}</td>
      <td class="num">${shares(p.availableAtNextRelease)}</td>`;
    row.addEventListener('click', () => select(key(p)));
    body.appendChild(row);
  }
  renderCalendar();
}

function tickCountdowns() {
  document.querySelectorAll('td.countdown').forEach((cell) => { cell.textContent = countdown(cell.dataset.at || null); });
}

async function select(holding) {
  state.selected = holding;
  document.querySelectorAll('#holdings tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.holding === holding));
  $('#detail').hidden = false;
  $('#detail-title').textContent = `Holding ${holding}`;
  await refreshHistory();
  renderCalendar();
}

async function refreshHistory() {
  if (!state.selected) return;
  const [investor, security] = state.selected.split('/');
  try {
    state.history = await getJson(`/api/holdings/${encodeURIComponent(investor)}/${encodeURIComponent(security)}/history`);
  } catch (e) {
    state.history = [];
  }
  renderChart();
}

function renderCalendar() {
  const p = state.holdings.find((h) => key(h) === state.selected);
  if (!p) return;
  const rows = [
    ['lock-up ends (FRD)', when(p.firstReleaseAt)],
    ['Second Release Date', when(p.secondReleaseAt)],
    ['Rule 144 date', p.rule144Date],
    ['window now', windowOf(p)],
    ['next release', p.nextReleaseAt ? `${when(p.nextReleaseAt)}` : 'none: all sold'],
    ['at next release', shares(p.availableAtNextRelease)],
    ['total shares', shares(p.totalShares)],
  ];
  $('#calendar').innerHTML = rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('');
}

function renderChart() {
  const svg = $('#chart');
  const W = 760, H = 300, left = 70, right = 14, top = 12, bottom = 34;
  let points = state.history.map((p) => ({ ...p, t: Date.parse(p.asOf) }));
  if (points.length && !$('#all-time').checked) {
    const start = points[0].t, end = start + 400 * 86400e3; // the agreement's first year or so
    points = points.filter((p) => p.t <= end);
  }
  if (!points.length) { svg.innerHTML = `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no history yet</text>`; return; }
  const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 86400e3);
  const yMax = Math.max(1, ...points.map((p) => Math.max(p.releasedToDate, p.soldToDate)));
  const x = (t) => left + (t - t0) / (t1 - t0) * (W - left - right);
  const y = (v) => H - bottom - v / yMax * (H - top - bottom);
  const step = (field) => points.map((p, i) => `${i ? 'H' : 'M'}${x(p.t).toFixed(1)} ${i ? `V${y(p[field]).toFixed(1)}` : y(p[field]).toFixed(1)}`).join(' ')
    + ` H${(W - right).toFixed(1)}`;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ v: Math.round(yMax * f), y: y(yMax * f) }));
  const months = [];
  for (let d = new Date(t0); d.getTime() <= t1; d.setUTCMonth(d.getUTCMonth() + Math.max(1, Math.ceil((t1 - t0) / 86400e3 / 30 / 8)))) {
    months.push({ t: d.getTime(), label: d.toISOString().slice(0, 7) });
  }
  svg.innerHTML = `
    ${ticks.map((k) => `<line class="grid" x1="${left}" x2="${W - right}" y1="${k.y}" y2="${k.y}"/>
      <text x="${left - 6}" y="${k.y + 4}" text-anchor="end">${fmt.format(k.v)}</text>`).join('')}
    ${months.map((m) => `<text x="${x(m.t)}" y="${H - 12}" text-anchor="middle">${m.label}</text>`).join('')}
    <line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}"/>
    <line class="axis" x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}"/>
    <path class="released" d="${step('releasedToDate')}"/>
    <path class="sold" d="${step('soldToDate')}"/>
    <path class="available" d="${step('availableNow')}"/>`;
}

function renderDecision(d, prepend) {
  const feed = $('#feed');
  if (feed.querySelector('.muted')) feed.innerHTML = '';
  const item = document.createElement('li');
  item.dataset.orderId = d.orderId;
  item.innerHTML = `<span class="when">${when(d.at)}</span>
    <span class="badge ${d.decision}">${d.decision}</span>
    <span><b>${d.orderId}</b> ${d.investorId}/${d.securityId} ${d.kind || '?'} ${shares(d.quantity)}
      ${d.reasons.length ? `<div class="reasons">${d.reasons.join(', ')}</div>` : ''}</span>
    <span class="when">max now ${shares(d.maxAllowedNow)}</span>`;
  if (prepend) feed.prepend(item); else feed.appendChild(item);
  while (feed.children.length > 200) feed.lastChild.remove();
}

async function loadDecisions() {
  try {
    const decisions = await getJson('/api/decisions?limit=50');
    $('#feed').innerHTML = decisions.length ? '' : '<li class="muted">waiting for decisions…</li>';
    decisions.forEach((d) => renderDecision(d, false));
  } catch (e) {
    setTimeout(loadDecisions, 2000);
  }
}

function connectFeed() {
  const events = new EventSource('/api/events');
  events.onopen = () => { $('#feed-state').textContent = 'live feed: connected'; $('#feed-state').className = 'pill ok'; };
  events.onerror = () => { $('#feed-state').textContent = 'live feed: reconnecting…'; $('#feed-state').className = 'pill bad'; };
  events.addEventListener('decision', (e) => {
    const d = JSON.parse(e.data);
    renderDecision(d, true);
    if (d.position && `${d.investorId}/${d.securityId}` === state.selected) refreshHistory();
    refreshHoldings();
  });
  events.addEventListener('position', (e) => {
    const p = JSON.parse(e.data);
    if (key(p) === state.selected) refreshHistory();
  });
}

function orderFromForm() {
  const form = new FormData($('#order-form'));
  const order = {
    investorId: form.get('investorId'), securityId: form.get('securityId'), kind: form.get('kind'),
    quantity: Number(form.get('quantity')),
  };
  if (form.get('orderId')) order.orderId = form.get('orderId');
  return order;
}

async function sendOrder(path) {
  const result = $('#order-result');
  result.hidden = false;
  result.textContent = '…';
  try {
    const decision = await getJson(path, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(orderFromForm()),
    });
    result.textContent = JSON.stringify(decision, null, 2);
  } catch (e) {
    result.textContent = `${e.status || ''} ${JSON.stringify(e.body || e.message, null, 2)}`;
  }
}

$('#order-form').addEventListener('submit', (e) => { e.preventDefault(); sendOrder('/api/orders'); });
$('#what-if').addEventListener('click', () => sendOrder('/api/what-if'));
$('#all-time').addEventListener('change', renderChart);

refreshHealth();
refreshHoldings();
loadDecisions();
connectFeed();
setInterval(refreshHealth, 5000);
setInterval(refreshHoldings, 5000);
setInterval(tickCountdowns, 1000);
