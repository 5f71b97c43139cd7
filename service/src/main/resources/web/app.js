// Lockup Guard dashboard: positions now (polled), each holding's history (chart) and open
// reservations, compliance alerts, a live feed of decisions, fills and cancels (server-sent
// events), and the pre-trade API. No dependencies: it works offline.
//
// When the guard asks for authentication (401), a person pastes a bearer token (a JWT from the
// company's identity provider, or api.token in development). It is kept in sessionStorage (this
// tab only, gone when it closes) and sent as 'Authorization: Bearer' with every API call; never in
// a URL. The live feed's EventSource cannot send that header: the page buys a single-use ticket
// (POST /api/events/ticket, valid 30 s) and opens /api/events?ticket=..., and a new one each time
// it reconnects.
'use strict';

// alertsError: why the alerts could not be loaded (null: they were, or are being, loaded); alertsAway: why the
// alerts shown may have missed some since (the live feed down or paused), until the next load replaces them
const state = { holdings: [], selected: null, history: [], alerts: [], alertKeys: new Set(), alertsError: null,
  alertsAway: null };
const fmt = new Intl.NumberFormat('en-US');
const $ = (selector) => document.querySelector(selector);
// the latest alerts within the limit the page keeps, and, kept apart, the latest breaches of the agreement: a run of
// thousands of small unapproved fills must not push a breach out of sight
const MAX_ALERTS = 200;
const MAX_BREACHES = 200;
const MAX_RESERVATIONS = 200;

function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
// Characters that show as nothing (controls, direction marks, joiners, fillers, variation selectors, separators, tags,
// shorthand format controls, and the unassigned ones browsers draw as nothing: U+FFF0-FFF8, U+E0080-E00FF,
// U+E01F0-E0FFF) or as a plain space (no-break and wide spaces, the Braille blank): written out by code point
const INVISIBLE = new RegExp('([\\u0000-\\u001f\\u007f-\\u00a0\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5'
  + '\\u180b-\\u180f\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u2800\\u3000\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0'
  + '\\ufff0-\\ufffb\\u{1bca0}-\\u{1bca3}\\u{1d173}-\\u{1d17a}\\u{e0000}-\\u{e0fff}])', 'u');
const NOT_NFC = "written otherwise than in Unicode's normal form (NFC): an id that looks the same may be another";
const graphemes = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('en', { granularity: 'grapheme' }) : null;

/** A character by its code point, boxed (so that it does not read as the text "U+202E" would). */
function codePoint(c, title) {
  const hex = c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
  return `<span class="cp" title="${esc(title)}">U+${hex}</span>`;
}

/**
 * An id (investor, security, order, execution) as text: isolated from the text around it, so that one written right to
 * left, or holding a direction control, cannot reorder the figures beside it ("Zoé" + U+202E turned "120,000" into
 * "000,021"), and with each invisible character shown by its code point, boxed: two ids that look alike are told
 * apart. So are two that differ only by Unicode normalisation (é, and e + U+0301): in an id not in NFC, each
 * character of a grapheme that NFC writes otherwise is boxed too, but for a first one that NFC keeps (e U+0301).
 */
function idText(value) {
  const id = String(value ?? '');
  const denormal = id !== id.normalize('NFC');
  const parts = id.split(INVISIBLE); // odd parts are the invisible characters, one each
  const shown = parts.map((part, i) => (i % 2 ? codePoint(part, 'an invisible character')
    : denormal ? unnormalized(part) : esc(part))).join('');
  return `<bdi class="id">${shown}</bdi>`;
}

/** Text of an id not in NFC: each grapheme that NFC would write otherwise, by code point but for a first it keeps. */
function unnormalized(text) {
  const clusters = graphemes ? [...graphemes.segment(text)].map((g) => g.segment)
    : text.match(/\P{M}\p{M}*|\p{M}+/gu) || [];
  return clusters.map((cluster) => {
    if (cluster === cluster.normalize('NFC')) return esc(cluster);
    const [first, ...rest] = [...cluster];
    const kept = first === first.normalize('NFC') && !/\p{M}/u.test(first);
    return (kept ? esc(first) : codePoint(first, NOT_NFC)) + rest.map((c) => codePoint(c, NOT_NFC)).join('');
  }).join('');
}

/**
 * A count of shares with its separators. A whole number past 2^53 is shown with every digit the guard sent
 * ({@link parseJson}); one whose digits the page does not have (a browser that does not give JSON.parse the source
 * text, or a number computed here) is a rounded one and marked so: 9007199254740993 was shown as ...992, silently.
 */
function shares(n) {
  if (n === null || n === undefined) return '–';
  if (n instanceof Number && n.digits) return fmt.format(BigInt(n.digits));
  const value = Number(n);
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? `≈${fmt.format(value)}` : fmt.format(value);
}

/**
 * The guard's JSON, with each whole number past 2^53 (a quantity is a long) as a Number object: it computes as the
 * nearest Number (bars, the chart), and carries in {@code digits} every digit as sent (where the browser gives
 * JSON.parse's reviver the number's source text: Chromium since 114), which {@link shares} shows.
 */
function parseJson(text) {
  return JSON.parse(text, (k, value, context) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || Number.isSafeInteger(value)) return value;
    const source = context?.source;
    return Object.assign(new Number(value), { digits: /^-?\d+$/.test(source ?? '') ? source : null });
  });
}

/**
 * The guard's JSON answer as it sent it, indented where the browser can write each number back as sent
 * (JSON.rawJSON): JSON.stringify of the parsed answer showed 9007199254740993 as 9007199254740992.
 */
function answerText(text) {
  if (typeof JSON.rawJSON !== 'function') return text;
  try {
    return JSON.stringify(JSON.parse(text, (k, value, context) => (typeof value === 'number' && context?.source
      ? JSON.rawJSON(context.source) : value)), null, 2);
  } catch (e) {
    return text; // not JSON (a proxy's page, say): as it came
  }
}

/**
 * An instant (the guard's ISO text, or a Date) as every time on the page is shown: 2003-07-22 14:00:05 UTC, to the
 * second, in UTC, the zone named. Text that is no instant is shown as it came.
 */
function when(instant) {
  const t = instant instanceof Date ? instant.getTime() : Date.parse(instant ?? '');
  if (Number.isNaN(t)) return instant ? String(instant) : '–';
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * An instant in the agreement's zone, where its release dates are counted (Tokyo's 07-27 00:00 is 07-26 15:00 UTC),
 * and in UTC beneath it: [text, under]. In UTC alone when the guard did not say the zone (an older instance) or the
 * browser does not know it.
 */
function zoned(iso, zone) {
  if (!iso || !zone || zone === 'UTC') return [when(iso), null];
  try {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric',
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    return [`${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${zone}`,
      when(iso)];
  } catch (e) {
    return [when(iso), null];
  }
}
function windowOf(p) { return p.phase === 'PERIOD' ? `period ${p.period}` : p.phase.toLowerCase(); }
function key(p) { return `${p.investorId}/${p.securityId}`; }

/**
 * Why a holding has no next release: none once its sold and reserved shares reach its total (RULES.md §9), which
 * reserved shares alone may do.
 */
function allUsed(p) {
  return p.reservedNow > 0 ? `all used (${shares(p.soldToDate)} sold, ${shares(p.reservedNow)} reserved)` : 'all sold';
}

/** The time to a holding's next release, or why there is none. */
function nextRelease(p) {
  return p.nextReleaseAt ? countdown(p.nextReleaseAt) : allUsed(p);
}

function countdown(iso) {
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return `${when(iso)} (due)`;
  const s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
    m = Math.floor(s % 3600 / 60), sec = s % 60;
  return `in ${d ? d + 'd ' : ''}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** A reservation's age, coarse: days and hours once it is a day old. */
function age(seconds) {
  if (seconds < 0) return `opens in ${age(-seconds)}`;
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  if (d) return `${fmt.format(d)}d ${h}h`;
  if (h) return `${h}h ${m}m`;
  return `${m}m ${seconds % 60}s`;
}

/**
 * Calls {@code fn} {@code ms} after the first of a burst of calls, once for the whole burst: for refreshes
 * many events ask for at once. A steady stream of events still refreshes every {@code ms}.
 */
function throttle(fn, ms) {
  let timer = null;
  return () => { if (!timer) timer = setTimeout(() => { timer = null; fn(); }, ms); };
}

/**
 * Delays between retries: doubling from 1 s up to 30 s, each a random time between half and all of that, so that
 * the pages that lost the guard together (its restart) do not all come back at the same instant. {@code reset} once
 * a retry succeeded.
 */
function backoff() {
  let failures = 0;
  return {
    next() {
      const ceiling = Math.min(30_000, 1_000 * 2 ** failures);
      failures = Math.min(failures + 1, 10);
      return ceiling / 2 + Math.random() * ceiling / 2;
    },
    reset() { failures = 0; },
  };
}

const TOKEN_KEY = 'lockup-guard.token';
// waiting: the guard refused the page's credential; polls stop until a person gives another (each
// refused poll would count as an authentication failure on the guard's metrics, ~720 an hour a tab)
const auth = { token: '', waiting: false };
const storedToken = sessionStorage.getItem(TOKEN_KEY) || '';
if (tokenProblem(storedToken)) sessionStorage.removeItem(TOKEN_KEY); else auth.token = storedToken;

/**
 * Why {@code token} cannot be sent, or null. A header's value is ISO-8859-1, and fetch refuses every request whose
 * header is not with a TypeError: a zero-width space pasted inside a token showed "token in use" while every request
 * failed, blamed on the guard ("unreachable"); a control character (but a tab) fetch sends, and the guard's server
 * answers 400. Only those are refused: the guard takes any api.token a header carries (spaces, Latin-1 letters), and
 * a JWT is ASCII.
 */
function tokenProblem(token) {
  const chars = [...token];
  const at = chars.findIndex((c) => {
    const code = c.codePointAt(0);
    return code > 0xff || (code < 0x20 && code !== 0x09) || code === 0x7f;
  });
  if (at < 0) return null;
  const which = `U+${chars[at].codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}, character ${at + 1}`;
  return `a header cannot carry it: this one has a character beyond U+00FF, or a control character (${which})`;
}

function withAuth(options = {}) {
  const headers = { ...(options.headers || {}) };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  return { ...options, headers };
}

// Every request is given up after a while, so that nothing waits, and shows '…', for ever. A read the guard has not
// answered within READ_TIMEOUT_MS (the holdings ask each other instance, 3 s at most each) is given up and, as any
// failed read, asked again: a hung list would hold the live rows that arrive meanwhile (showLive) for as long as it
// hangs. An order or what-if gets SUBMIT_TIMEOUT_MS: the guard answers an order 504 after api.decision.timeout.ms
// (10 s by default) with the orderId to resend, so this only ends a request the guard or the network lost.
const READ_TIMEOUT_MS = 10_000;
const SUBMIT_TIMEOUT_MS = 30_000;

/**
 * {@code fetch}, given up (with a TimeoutError) when it has not answered within {@code ms}; {@code read} reads the
 * response's body within the same time.
 */
async function timedFetch(url, options, ms, read = (response) => response) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${ms / 1000} s`, 'TimeoutError')),
    ms);
  try {
    return await read(await fetch(url, { ...options, signal: controller.signal }));
  } finally {
    clearTimeout(timer);
  }
}

/** What went wrong with a request, for people. */
function describe(e) {
  if (e.name === 'TimeoutError') return `the request timed out (${e.message})`;
  if (e.status) return `${e.status} ${e.message}`;
  if (e instanceof TypeError) return `the guard cannot be reached (${e.message})`; // fetch's network failure
  return e.message || String(e);
}

// Since when each table (holdings, reservations) has failed to update, and when it last did
const staleness = { holdings: { since: null, updated: null }, reservations: { since: null, updated: null },
  'holding-decisions': { since: null, updated: null } };

// what else the page draws from a list, and is as out of date as it: the selected holding's calendar (its sold,
// reserved and available now) comes from the holdings read
const STALE_WITH = { holdings: ['#calendar'], reservations: [], 'holding-decisions': [] };

/**
 * A read of the table {@code what} failed: what it shows is marked stale, with the error, until a read succeeds.
 * An empty table says the error instead.
 */
function markStale(what, e, empty) {
  const s = staleness[what];
  s.since = s.since || new Date();
  const note = $(`#${what}-stale`);
  note.hidden = empty;
  note.textContent = `stale since ${when(s.since)} — ${describe(e)}`;
  note.title = s.updated ? `last updated at ${when(s.updated)}` : '';
  for (const shown of [`#${what}`, ...STALE_WITH[what]]) $(shown).classList.toggle('outdated', !empty);
}

function markFresh(what) {
  staleness[what] = { since: null, updated: new Date() };
  $(`#${what}-stale`).hidden = true;
  for (const shown of [`#${what}`, ...STALE_WITH[what]]) $(shown).classList.remove('outdated');
}

/**
 * An API call's answer: its body as JSON, and as the text the guard sent ({@code text}). {@code submit}: an order or
 * what-if, for which a 403 says the token may read but not submit: polls go on.
 */
async function requestJson(url, { submit, ...options } = {}) {
  const [response, text] = await timedFetch(url, withAuth(options), submit ? SUBMIT_TIMEOUT_MS : READ_TIMEOUT_MS,
    async (answer) => [answer, await answer.text().catch((e) => {
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw e; // a body that stopped coming: not an answer
      return '';
    })]);
  let body;
  try {
    body = parseJson(text);
  } catch (e) {
    body = {};
  }
  if (response.status === 401 || response.status === 403) {
    needToken(response.status, body.error, !(submit && response.status === 403));
  } else if (response.ok) {
    auth.waiting = false; // the credential works (again): poll again
  }
  if (!response.ok) {
    throw Object.assign(new Error(body.error || response.statusText), { status: response.status, body, text });
  }
  return { body, text };
}

async function getJson(url, options) {
  return (await requestJson(url, options)).body;
}

/** The guard refused the page's credential (or it has none): ask for a token. */
function needToken(status, message, stopPolling = true) {
  if (stopPolling) auth.waiting = true;
  $('#metrics-link').hidden = true; // a link cannot send the token: it would only show a 401
  const pill = $('#auth-state');
  pill.hidden = false;
  pill.className = 'pill bad';
  pill.textContent = status === 403 ? 'token lacks a role' : auth.token ? 'token refused' : 'sign in: paste a token';
  pill.title = message || '';
  $('#sign-in').hidden = false;
  $('#sign-out').hidden = !auth.token;
}

function signedIn() {
  $('#metrics-link').hidden = true;
  const pill = $('#auth-state');
  pill.hidden = false;
  pill.className = 'pill ok';
  pill.textContent = 'token in use';
  pill.title = 'kept for this tab only';
  $('#sign-in').hidden = true;
  $('#sign-out').hidden = false;
}

/** {@code token} pasted: used, kept for this tab and every list read with it; or refused, neither kept nor used. */
function useToken(token) {
  const problem = tokenProblem(token.trim());
  if (problem) {
    $('#token').value = '';
    const pill = $('#auth-state');
    pill.hidden = false;
    pill.className = 'pill bad';
    pill.textContent = `token not used: ${problem}`;
    pill.title = 'paste the token again, as it was issued';
    return;
  }
  auth.token = token.trim();
  auth.waiting = false;
  if (auth.token) sessionStorage.setItem(TOKEN_KEY, auth.token); else sessionStorage.removeItem(TOKEN_KEY);
  $('#token').value = '';
  if (auth.token) signedIn(); else needToken(401);
  refreshAll();
}

/**
 * A holding's path under /api/holdings, or null for one whose investor or security id is '.' or '..': the URL standard
 * takes such a segment out of a path (%2E too), so that the browser would ask for another holding's answer, or no
 * endpoint's, and show it as this one's.
 */
function holdingPath(holding) {
  const [investor, security] = holding.split('/');
  if ([investor, security].some((id) => id === '.' || id === '..')) return null;
  return `/api/holdings/${encodeURIComponent(investor)}/${encodeURIComponent(security)}`;
}
const NOT_BY_PATH = "not shown: a browser cannot ask for a holding whose id is '.' or '..' by its path (the API "
  + 'answers it to other clients)';

async function refreshHealth() {
  try {
    // with the page's token, a reader is told why the guard is not ready in Kafka's own words; anyone else, its kind
    const health = await timedFetch('/health/ready', withAuth(), READ_TIMEOUT_MS, (r) => r.json());
    const ready = health.status === 'UP';
    // not ready (503) while Kafka Streams may still say RUNNING (the decision feed down, say): the reason is the news
    $('#guard-state').textContent = ready ? `guard: ${health.state}`
      : `guard: not ready — ${health.reason || health.state || 'no reason given'}`;
    $('#guard-state').className = 'pill ' + (ready ? 'ok' : 'bad');
    $('#guard-state').title = ready ? '' : `state ${health.state}${health.reason ? `: ${health.reason}` : ''}`;
  } catch (e) {
    $('#guard-state').title = '';
    $('#guard-state').textContent = 'guard: unreachable';
    $('#guard-state').className = 'pill bad';
  }
}

// The holdings are read by one request at a time: a refresh asked for while one is under way (a poll, an event, many
// events) is made once it is done, once for all of them. Each read is numbered, and an answer older than the one
// shown is dropped.
const holdingsReads = { running: false, pending: false, asked: 0, shown: 0 };

function refreshHoldings() {
  if (holdingsReads.running) { holdingsReads.pending = true; return; }
  holdingsReads.running = true;
  holdingsReads.pending = false;
  readHoldings().finally(() => {
    holdingsReads.running = false;
    if (holdingsReads.pending) refreshHoldings();
  });
}
const refreshHoldingsSoon = throttle(refreshHoldings, 300);

async function readHoldings() {
  const asked = ++holdingsReads.asked;
  let holdings;
  try {
    holdings = await getJson('/api/holdings');
  } catch (e) {
    if (asked < holdingsReads.shown) return;
    // an instance gone (503 naming it), a timeout, any error: the rows shown are no longer current
    const empty = !holdingRows.size;
    markStale('holdings', e, empty);
    if (empty) {
      $('#holdings tbody').innerHTML = `<tr><td colspan="11" class="muted">no holdings: ${esc(describe(e))}</td></tr>`;
    }
    return;
  }
  if (asked < holdingsReads.shown) return;
  holdingsReads.shown = asked;
  markFresh('holdings');
  state.holdings = holdings;
  if (auth.token) signedIn();
  state.holdings.sort((a, b) => key(a).localeCompare(key(b)));
  renderHoldings();
  if (!state.selected && state.holdings.length) select(key(state.holdings[0]));
  else if (state.selected) showDetailTitle();
}

/** Whether the guard's latest list holds the selected holding. */
function selectedListed() {
  return state.holdings.some((h) => key(h) === state.selected);
}

/**
 * The selected holding's name over its detail, and, once the guard no longer lists it (its agreement removed, say),
 * that it does not: its detail is then not asked for again every 5 s (seen: its reservations answered 404 every 5 s,
 * shown stale for ever), and what is shown of it is as it was.
 */
function showDetailTitle() {
  const gone = holdingsReads.shown > 0 && !selectedListed();
  $('#detail-title').innerHTML = `Holding ${state.selected.split('/').map(idText).join('/')}`
    + (gone ? ' <span class="stale-note">no longer listed by the guard: shown as last read</span>' : '');
}

/**
 * Of the holding's total shares: sold, reserved, available now, released but not sellable now
 * (unregistered, or a transfer-only window), and the rest still locked up.
 */
function usageBar(p) {
  const total = Math.max(1, p.totalShares);
  const reserved = p.reservedNow || 0;
  const available = Math.max(0, Math.min(p.availableNow, p.contractCapacity));
  const releasedOnly = Math.max(0, p.contractCapacity - available);
  const pct = (n) => `${(100 * n / total).toFixed(2)}%`;
  const title = `sold ${shares(p.soldToDate)} · reserved ${shares(reserved)} · available now ${shares(available)}`
    + ` · released to date ${shares(p.releasedToDate)} of ${shares(p.totalShares)}`;
  // widths as data, set through the DOM (sized): the page's Content-Security-Policy allows no style attribute
  return `<div class="usage" title="${esc(title)}">
    <span class="sold" data-width="${pct(p.soldToDate)}"></span><span class="reserved" data-width="${pct(reserved)}"></span>
    <span class="available" data-width="${pct(available)}"></span><span class="released" data-width="${pct(releasedOnly)}"></span></div>`;
}

/** Gives the bars {@link usageBar} drew in {@code cell} their widths. */
function sized(cell) {
  cell.querySelectorAll('[data-width]').forEach((bar) => { bar.style.width = bar.dataset.width; });
}

// The table's rows by holding: each is built once and then updated in place, a cell only when what it shows changed,
// so that a row is not taken from under a click, nor the focus lost, each time the holdings are read (thousands of
// rows, every 5 s and after events).
const holdingRows = new Map();
const HOLDING_CELLS = `<td></td><td></td><td></td><td></td><td class="num" data-field="releasedToDate"></td>
  <td class="num" data-field="soldToDate"></td><td class="num" data-field="reservedNow"></td>
  <td class="num" data-field="availableNow"></td><td class="bar"></td><td class="countdown"></td><td class="num"></td>`;
const COUNTDOWN_CELL = 9;

/** What each cell of a holding's row shows (the countdown's text is ticked apart: its release date stands for it). */
function holdingCells(p) {
  return [idText(p.investorId), idText(p.securityId), windowOf(p), p.registered ? 'yes' : 'no', shares(p.releasedToDate),
    shares(p.soldToDate), shares(p.reservedNow), shares(p.availableNow), usageBar(p),
    p.nextReleaseAt ? `at ${esc(p.nextReleaseAt)}` : allUsed(p), shares(p.availableAtNextRelease)];
}

/**
 * The countdown cells on screen, which alone are ticked each second: 20,000 rows ticked each took the page's thread
 * (95 ms of script and some 780 of layout a second). A cell coming into view is set at once.
 */
const countdownsOnScreen = new Set();
const countdownWatch = typeof IntersectionObserver === 'function' ? new IntersectionObserver((seen) => {
  for (const e of seen) {
    if (!e.isIntersecting) { countdownsOnScreen.delete(e.target); continue; }
    countdownsOnScreen.add(e.target);
    if (e.target.dataset.at) e.target.textContent = countdown(e.target.dataset.at);
  }
}) : null;

/** Stops watching every countdown cell: the rows are gone. */
function forgetCountdowns() {
  countdownWatch?.disconnect();
  countdownsOnScreen.clear();
}

function holdingRow(holding) {
  const row = document.createElement('tr');
  row.dataset.holding = holding;
  row.tabIndex = -1; // selected from the keyboard too, Enter or Space: one row at a time is a Tab stop (keepTabStop)
  row.innerHTML = HOLDING_CELLS;
  countdownWatch?.observe(row.cells[COUNTDOWN_CELL]);
  return { row, cells: [...row.cells], shown: [] };
}

function updateRow(entry, p) {
  holdingCells(p).forEach((html, i) => {
    if (entry.shown[i] === html) return;
    entry.shown[i] = html;
    const cell = entry.cells[i];
    if (i !== COUNTDOWN_CELL) { cell.innerHTML = html; sized(cell); return; }
    if (p.nextReleaseAt) cell.dataset.at = p.nextReleaseAt; else delete cell.dataset.at;
    cell.textContent = nextRelease(p);
  });
}

function showSelected(entry, selected) {
  entry.row.classList.toggle('selected', selected);
  // a plain table's row: aria-selected is for grids and lists of options, which this is not
  if (selected) entry.row.setAttribute('aria-current', 'true'); else entry.row.removeAttribute('aria-current');
}

/**
 * The holdings row Tab lands on: one row (a roving tabindex), which the arrow keys, Home and End move, not one Tab
 * stop a row, past which a keyboard could not get with thousands of holdings. The row focused or selected last
 * while it is shown, else the selected one, else the first shown.
 */
let tabStopRow = null;

function setTabStop(row) {
  if (tabStopRow === row) return;
  if (tabStopRow) tabStopRow.tabIndex = -1;
  tabStopRow = row;
  if (row) row.tabIndex = 0;
}

function keepTabStop() {
  if (tabStopRow && tabStopRow.isConnected && !tabStopRow.hidden) return;
  const selected = holdingRows.get(state.selected)?.row;
  setTabStop(selected && !selected.hidden ? selected
    : $('#holdings tbody').querySelector(':scope > tr[data-holding]:not([hidden])'));
}

/** The filter typed above the holdings, lower-cased: a row is shown when its investor/security holds it. */
let holdingFilter = '';

/** Shows the rows the filter lets through, and says how many of how many. */
function filterHoldings() {
  let shown = 0;
  for (const [holding, entry] of holdingRows) {
    entry.row.hidden = !holding.toLowerCase().includes(holdingFilter);
    if (!entry.row.hidden) shown++;
  }
  $('#holding-count').textContent = holdingFilter
    ? `${fmt.format(shown)} of ${fmt.format(holdingRows.size)} holdings${shown ? '' : ': none holds that text'}` : '';
  keepTabStop(); // a row hidden, or gone, is no Tab stop
}
$('#holding-filter').addEventListener('input', (e) => {
  holdingFilter = e.target.value.trim().toLowerCase();
  filterHoldings();
});

function renderHoldings() {
  const body = $('#holdings tbody');
  if (!state.holdings.length) {
    holdingRows.clear();
    forgetCountdowns();
    body.innerHTML = '<tr><td colspan="11" class="muted">no holdings yet</td></tr>';
    filterHoldings();
    renderCalendar(); // a holding selected before is not listed any more: none of its dates stay
    return;
  }
  const listed = new Set(state.holdings.map(key));
  for (const [holding, entry] of holdingRows) {
    if (!listed.has(holding)) {
      entry.row.remove();
      holdingRows.delete(holding);
      countdownWatch?.unobserve(entry.cells[COUNTDOWN_CELL]);
      countdownsOnScreen.delete(entry.cells[COUNTDOWN_CELL]);
    }
  }
  body.querySelectorAll(':scope > tr:not([data-holding])').forEach((placeholder) => placeholder.remove());
  let next = body.firstElementChild;
  for (const p of state.holdings) {
    let entry = holdingRows.get(key(p));
    if (!entry) {
      entry = holdingRow(key(p));
      holdingRows.set(key(p), entry);
    }
    updateRow(entry, p);
    showSelected(entry, key(p) === state.selected);
    if (entry.row === next) next = next.nextElementSibling;
    else body.insertBefore(entry.row, next); // a new holding (the list is sorted: rows shown do not move)
  }
  filterHoldings(); // a holding listed since is filtered as the others are
  renderCalendar();
}

function tickCountdowns() {
  const cells = countdownWatch ? countdownsOnScreen : document.querySelectorAll('#holdings td.countdown[data-at]');
  for (const cell of cells) {
    if (cell.dataset.at) cell.textContent = countdown(cell.dataset.at);
  }
}

/** The row of {@code target}'s holding, if it is one. */
function rowOf(target) {
  return target instanceof Element ? target.closest('#holdings tbody tr[data-holding]') : null;
}

$('#holdings tbody').addEventListener('click', (e) => {
  const row = rowOf(e.target);
  if (row) select(row.dataset.holding);
});
$('#holdings tbody').addEventListener('focusin', (e) => {
  const row = rowOf(e.target);
  if (row) setTabStop(row); // Tab comes back to the row left
});
$('#holdings tbody').addEventListener('keydown', (e) => {
  const row = rowOf(e.target);
  if (!row || e.target !== row) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault(); // Space would scroll
    select(row.dataset.holding);
  } else if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
    e.preventDefault();
    // the next row shown (or the first, or the last): those the filter hides are passed over
    const rows = row.parentElement;
    const back = e.key === 'ArrowUp' || e.key === 'End';
    let to = e.key === 'Home' ? rows.firstElementChild : e.key === 'End' ? rows.lastElementChild : row;
    if (e.key.startsWith('Arrow') || to?.hidden) {
      do {
        to = back ? to.previousElementSibling : to.nextElementSibling;
      } while (to && to.hidden);
    }
    to?.focus();
  }
});

async function select(holding) {
  const before = holdingRows.get(state.selected);
  if (before) showSelected(before, false);
  const another = holding !== state.selected;
  state.selected = holding;
  const now = holdingRows.get(holding);
  if (now) showSelected(now, true);
  if (now && !now.row.hidden) setTabStop(now.row);
  if (another) {
    // nothing of the holding shown before stays, lest it pass for this one's while this one's loads (or fails to)
    state.history = [];
    historyOf = null;
    renderChart('loading…');
    $('#chart-error').hidden = true;
    reservationsOf = null;
    staleness.reservations = { since: null, updated: null };
    markFresh('reservations');
    $('#reservations tbody').innerHTML = '<tr><td colspan="8" class="muted">loading…</td></tr>';
    holdingDecisionsOf = null;
    staleness['holding-decisions'] = { since: null, updated: null };
    markFresh('holding-decisions');
    $('#holding-decisions').innerHTML = '<li class="muted">loading…</li>';
  }
  $('#detail').hidden = false;
  // ids hold no '/': the holding's two, each isolated
  showDetailTitle();
  renderCalendar(); // from the list already read: under this title at once, never the holding shown before
  await Promise.all([refreshHistory(), refreshReservations(), refreshHoldingDecisions()]);
  renderCalendar();
}

// Each read of the selected holding's history or reservations is numbered: an answer that a later read has
// superseded (another holding clicked since, or the same one read again) is dropped, whatever order answers come in
let historyAsked = 0;
let reservationsAsked = 0;
// the holding whose history the chart draws, and whose reservations the table lists (null: none yet)
let historyOf = null;
let reservationsOf = null;

async function refreshHistory() {
  if (!state.selected) return;
  const asked = ++historyAsked;
  const holding = state.selected;
  if (!holdingPath(holding)) {
    state.history = [];
    historyOf = holding;
    $('#chart-error').hidden = true;
    renderChart(NOT_BY_PATH);
    return;
  }
  let history;
  try {
    history = await getJson(`${holdingPath(holding)}/history`);
  } catch (e) {
    if (asked !== historyAsked) return;
    // the chart drawn stays, said to be out of date, until a read answers
    const note = $('#chart-error');
    note.hidden = false;
    note.textContent = historyOf === holding
      ? `chart not updated at ${when(new Date())} — ${describe(e)}`
      : `history not loaded at ${when(new Date())} — ${describe(e)}`;
    if (historyOf !== holding) renderChart('history not loaded');
    return;
  }
  if (asked !== historyAsked) return;
  state.history = history;
  historyOf = holding;
  $('#chart-error').hidden = true;
  renderChart();
}

async function refreshReservations() {
  if (!state.selected) return;
  const asked = ++reservationsAsked;
  const holding = state.selected;
  const body = $('#reservations tbody');
  if (!holdingPath(holding)) {
    reservationsOf = holding;
    markFresh('reservations');
    body.innerHTML = `<tr><td colspan="8" class="muted">${esc(NOT_BY_PATH)}</td></tr>`;
    return;
  }
  let reservations;
  try {
    reservations = await getJson(`${holdingPath(holding)}/reservations`);
  } catch (e) {
    if (asked !== reservationsAsked) return;
    // rebalancing (503) or any other error: what is shown of this holding stays, marked stale, and is asked again
    const empty = reservationsOf !== holding;
    markStale('reservations', e, empty);
    if (empty) body.innerHTML = `<tr><td colspan="8" class="muted">not loaded: ${esc(describe(e))}</td></tr>`;
    return;
  }
  if (asked !== reservationsAsked) return;
  reservationsOf = holding;
  markFresh('reservations');
  if (!reservations.length) {
    body.innerHTML = '<tr><td colspan="8" class="muted">no open reservations</td></tr>';
    return;
  }
  // the oldest first, and no more than MAX_RESERVATIONS rows: a holding with thousands of open reservations would
  // push the rest of the page out of reach and take seconds to draw, every 5 s
  const more = reservations.length - MAX_RESERVATIONS;
  body.innerHTML = reservations.slice(0, MAX_RESERVATIONS).map((r) => `<tr data-order-id="${esc(r.orderId)}"${r.ageSeconds > 86400 ? ' class="stale"' : ''}>
    <td>${idText(r.orderId)}</td><td>${esc(r.kind)}</td><td>${windowOf(r)}</td><td class="num">${shares(r.quantity)}</td>
    <td class="num">${shares(r.taken)}</td><td class="num">${shares(r.rest)}</td><td>${esc(when(r.openedAt))}</td>
    <td class="num" title="${esc(r.ageSeconds)} s">${age(r.ageSeconds)}</td></tr>`).join('')
    + (more > 0 ? `<tr class="more"><td colspan="8" class="muted">and ${shares(more)} more, newer (the API's `
      + '/reservations of the holding lists every one)</td></tr>' : '');
}
/**
 * The selected holding's decisions, newest first: the latest this instance keeps of it (its API lists them by the
 * query, which a holding whose id is '.' or '..' can be asked for by, unlike a path). The page-wide feed shows every
 * holding's latest, where one holding's may be out of sight.
 */
async function refreshHoldingDecisions() {
  if (!state.selected) return;
  const asked = ++holdingDecisionsAsked;
  const holding = state.selected;
  const [investor, security] = holding.split('/');
  const list = $('#holding-decisions');
  let decisions;
  try {
    decisions = await getJson(`/api/decisions?investorId=${encodeURIComponent(investor)}`
      + `&securityId=${encodeURIComponent(security)}&limit=${HOLDING_DECISIONS}`);
  } catch (e) {
    if (asked !== holdingDecisionsAsked) return;
    const empty = holdingDecisionsOf !== holding;
    markStale('holding-decisions', e, empty);
    if (empty) list.innerHTML = `<li class="muted">not loaded: ${esc(describe(e))}</li>`;
    return;
  }
  if (asked !== holdingDecisionsAsked) return;
  holdingDecisionsOf = holding;
  markFresh('holding-decisions');
  list.innerHTML = decisions.length ? '' : '<li class="muted">no decisions of it listed (this instance keeps the '
    + 'newest 1,000 of all holdings)</li>';
  for (const d of decisions) {
    const item = document.createElement('li');
    item.dataset.orderId = d.orderId;
    item.dataset.holding = `${d.investorId}/${d.securityId}`;
    if (d.repeated) item.classList.add('repeated');
    item.innerHTML = decisionHtml(d);
    list.appendChild(item);
  }
}
const HOLDING_DECISIONS = 50;
let holdingDecisionsAsked = 0;
let holdingDecisionsOf = null;

const refreshSelectedSoon = throttle(() => { refreshHistory(); refreshReservations(); refreshHoldingDecisions(); },
  300);

function renderCalendar() {
  const p = state.holdings.find((h) => key(h) === state.selected);
  if (!p) {
    $('#calendar').innerHTML = ''; // not listed (any more): no other holding's dates under its title
    return;
  }
  const rows = [
    ['lock-up ends (FRD)', ...zoned(p.firstReleaseAt, p.timeZone)],
    ['Second Release Date', ...zoned(p.secondReleaseAt, p.timeZone)],
    ['Rule 144 date', p.rule144Date, p.timeZone],
    ['window now', windowOf(p)],
    ['next release', ...(p.nextReleaseAt ? zoned(p.nextReleaseAt, p.timeZone) : [`none: ${allUsed(p)}`])],
    ['at next release', shares(p.availableAtNextRelease)],
    ['total shares', shares(p.totalShares)],
    ['sold', shares(p.soldToDate)],
    ['reserved', shares(p.reservedNow)],
    ['available now', shares(p.availableNow)],
    ['agreement', p.agreementVersion ? `version ${p.agreementVersion}` : '–',
      p.termsHash ? `terms hash ${p.termsHash.slice(0, 12)}…` : null],
  ];
  $('#calendar').innerHTML = rows.map(([k, v, under]) => `<dt>${k}</dt><dd>${esc(v)}${under
    ? `<br><span class="muted">${esc(under)}</span>` : ''}</dd>`).join('');
}

/**
 * The step between the chart's ticks: 1, 2 or 5 times a power of ten, a whole number of shares, that splits
 * {@code highest} into 4 parts at most, so that no two ticks read the same (an all-zero holding: 0 and 1).
 */
function tickStep(highest) {
  const rough = Math.max(1, highest / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
}

/**
 * The chart's labels of shares, each at most 7 characters or so (the axis leaves 64 px for them, where 10^15 as a
 * whole number showed as "00,000,000"): as a whole number below ten million, else all in the one unit of the
 * highest, millions (M), billions (B), trillions (T) or quadrillions (Q), up to 10,000Q (2^63 is 9.2 thousand Q).
 */
function axisLabels(highest) {
  const units = [[1e15, 'Q'], [1e12, 'T'], [1e9, 'B'], [1e6, 'M']];
  const [unit, suffix] = highest < 1e7 ? [1, ''] : units.find(([size]) => highest >= size);
  const inUnit = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
  return (v) => (unit === 1 ? fmt.format(v) : `${inUnit.format(v / unit)}${v ? suffix : ''}`);
}

/**
 * The holding over time: sold, reserved and available now stacked, within the released-to-date
 * line (released = sold + reserved + what the letter lets go now). Each value holds until the next point, the
 * latest until now: the axis ends at the page's clock (or at a later point), so that the holding as it is now has
 * width (an axis ending at the latest point drew it as a line of no width); at most half the span shown past its
 * latest point, lest its history be one flat band. Unless "all time" is ticked, the chart shows the 400 days up to
 * then: the holding now, however old its agreement, starting from the value that held when the window opens.
 */
/** {@code instead}: a word shown instead of the chart (loading, or why there is none). */
function renderChart(instead) {
  const svg = $('#chart');
  if (typeof instead === 'string') {
    svg.innerHTML = `<text x="380" y="150" text-anchor="middle">${esc(instead)}</text>`;
    return;
  }
  const W = 760, H = 300, left = 70, right = 14, top = 12, bottom = 34;
  let points = state.history.map((p) => ({ ...p, reservedNow: p.reservedNow || 0, t: Date.parse(p.asOf) }));
  // the axis runs to now, where what held since the latest point still holds, but no further past the latest point
  // than half the 400 days shown (or, for all time, than the history lasted, if longer): a holding unchanged longer would
  // show one flat band up to now (a history all in 2003, say), its history squeezed to a sliver at the left
  const shownDays = 400 * 86400e3;
  const latest = points.length ? points[points.length - 1].t : 0;
  const allTime = $('#all-time').checked;
  const tail = allTime && points.length ? Math.max(latest - points[0].t, shownDays / 2) : shownDays / 2;
  const end = Math.max(latest, Math.min(Date.now(), latest + tail));
  if (points.length && !allTime) {
    const start = end - shownDays;
    const before = points.filter((p) => p.t < start).pop();
    points = points.filter((p) => p.t >= start);
    if (before) points.unshift({ ...before, t: start }); // what held when the window opens
  }
  if (!points.length) { svg.innerHTML = `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no history yet</text>`; return; }
  const t0 = points[0].t, t1 = Math.max(end, t0 + 86400e3);
  svg.dataset.from = new Date(t0).toISOString();
  svg.dataset.to = new Date(t1).toISOString();
  const sold = (p) => p.soldToDate;
  const used = (p) => p.soldToDate + p.reservedNow;
  const usable = (p) => used(p) + p.availableNow;
  const highest = Math.max(...points.map((p) => Math.max(p.releasedToDate, usable(p))));
  const yStep = tickStep(highest);
  const yMax = yStep * Math.max(1, Math.ceil(highest / yStep)); // the axis ends on a tick
  const x = (t) => left + (t - t0) / (t1 - t0) * (W - left - right);
  const y = (v) => H - bottom - v / yMax * (H - top - bottom);
  const corners = (f) => {
    const c = [];
    points.forEach((p, i) => { if (i) c.push([x(p.t), c[c.length - 1][1]]); c.push([x(p.t), y(f(p))]); });
    c.push([W - right, c[c.length - 1][1]]);
    return c;
  };
  const line = (c) => 'M' + c.map(([a, b]) => `${a.toFixed(1)} ${b.toFixed(1)}`).join(' L');
  const band = (lower, upper) => `${line(corners(upper))} L${corners(lower).reverse().map(([a, b]) => `${a.toFixed(1)} ${b.toFixed(1)}`).join(' L')} Z`;
  const ticks = Array.from({ length: Math.round(yMax / yStep) + 1 }, (_, i) => ({ v: i * yStep, y: y(i * yStep) }));
  const label = axisLabels(yMax);
  const months = [];
  // a label at the start of each month shown (every few months on a long chart), from the first to begin after t0
  const first = new Date(t0);
  first.setUTCHours(0, 0, 0, 0);
  first.setUTCDate(1);
  if (first.getTime() < t0) first.setUTCMonth(first.getUTCMonth() + 1);
  const step = Math.max(1, Math.ceil((t1 - t0) / 86400e3 / 30 / 8));
  for (let d = first; d.getTime() <= t1; d.setUTCMonth(d.getUTCMonth() + step)) {
    months.push({ t: d.getTime(), label: d.toISOString().slice(0, 7) });
  }
  svg.innerHTML = `
    ${ticks.map((k) => `<line class="grid" x1="${left}" x2="${W - right}" y1="${k.y}" y2="${k.y}"/>
      <g><title>${fmt.format(k.v)} shares</title>
        <text x="${left - 6}" y="${k.y + 4}" text-anchor="end">${label(k.v)}</text></g>`).join('')}
    ${months.map((m) => `<text x="${x(m.t)}" y="${H - 12}" text-anchor="middle">${m.label}</text>`).join('')}
    <path class="available" d="${band(used, usable)}"/>
    <path class="reserved" d="${band(sold, used)}"/>
    <path class="sold" d="${band(() => 0, sold)}"/>
    <path class="released" d="${line(corners((p) => p.releasedToDate))}"/>
    <line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}"/>
    <line class="axis" x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}"/>`;
}

function feedItem(dataset) {
  const feed = $('#feed');
  if (feed.querySelector(':scope > li.muted')) feed.innerHTML = '';
  const item = document.createElement('li');
  Object.assign(item.dataset, dataset);
  return item;
}

function addToFeed(item, prepend) {
  const feed = $('#feed');
  if (prepend) feed.prepend(item); else feed.appendChild(item);
  while (feed.children.length > 200) feed.lastChild.remove();
}

function renderDecision(d, prepend) {
  const item = feedItem({ orderId: d.orderId });
  // a retry answered with the order's first decision: no second approval, and no shares counted again
  if (d.repeated) item.classList.add('repeated');
  item.innerHTML = decisionHtml(d);
  addToFeed(item, prepend);
}

/** A decision's row: when, the outcome, the order, its reasons and what the holding allowed then. */
function decisionHtml(d) {
  return `<span class="when">${esc(when(d.at))}</span>
    <span class="badge ${esc(d.decision)}">${esc(d.decision)}</span>
    <span><b>${idText(d.orderId)}</b>${d.repeated ? ' <span class="retry" title="a resend of this order, answered with its first decision">retry</span>' : ''} ${idText(d.investorId)}/${idText(d.securityId)} ${esc(d.kind || '?')} ${shares(d.quantity)}
      ${d.reasons.length ? `<div class="reasons">${esc(d.reasons.join(', '))}</div>` : ''}</span>
    <span class="when">max now ${shares(d.maxAllowedNow)}</span>`;
}

/** A fill or cancel as the guard took it: what its reservation covered or gave back. */
function renderReport(r, prepend = true) {
  const item = feedItem({ executionId: r.executionId || '', reportOf: r.orderId || '' });
  item.classList.add('report');
  const what = r.result !== 'APPLIED' ? esc(r.result)
    : r.kind === 'CANCEL' ? `released ${shares(r.released)}` : `covered ${shares(r.covered)}`;
  item.innerHTML = `<span class="when">${esc(when(r.reportedAt))}</span>
    <span class="badge ${esc(r.kind || 'UNKNOWN')}">${esc(r.kind || '?')}</span>
    <span><b>${idText(r.orderId)}</b> ${idText(r.investorId)}/${idText(r.securityId)} ${r.kind === 'FILL' ? shares(r.quantity) : ''}
      <span class="muted">exec ${idText(r.executionId)}</span>
      ${r.alert ? `<div class="reasons">${esc(r.alert.type)} ${shares(r.alert.quantity)}${r.alert.breachesAgreement ? ' · breach' : ''}</div>` : ''}</span>
    <span class="when">${what}</span>`;
  addToFeed(item, prepend);
}

// What identifies a feed row, so that one listed and also sent live is shown once
function decisionKey(d) {
  return ['d', d.orderId, d.investorId, d.securityId, d.decision, d.repeated, d.evaluatedAt, d.at].join('|');
}
function reportKey(r) {
  return ['r', r.executionId, r.orderId, r.investorId, r.securityId, r.kind, r.result, r.reportedAt].join('|');
}

// While the lists load, rows that arrive live are held (else the lists, read before they were decided, would
// replace them); once shown, the rows the lists had are matched off against what arrives live for a moment,
// since the guard lists a row as it sends it. Only a moment: a retry repeats its first answer field for field, and
// a later one must show.
const LISTED_ROWS_MATCH_MS = 2_000;
const feedSync = { generation: 0, held: null, listed: new Map(), listedUntil: 0 };

function showLive(key, show) {
  if (feedSync.held) { feedSync.held.push({ key, show }); return; }
  const listed = Date.now() < feedSync.listedUntil ? feedSync.listed.get(key) || 0 : 0;
  if (listed > 0) {
    if (listed === 1) feedSync.listed.delete(key); else feedSync.listed.set(key, listed - 1);
    return;
  }
  show();
}

function showHeld() {
  const held = feedSync.held || [];
  feedSync.held = null;
  held.forEach((row) => showLive(row.key, row.show));
}

/** The latest decisions, and the fills and cancels among them, newest first as the API lists them. */
async function loadDecisions() {
  const generation = ++feedSync.generation;
  feedSync.held = feedSync.held || [];
  try {
    // reports are an addition: an instance that cannot list them (an older one, mid-upgrade) still shows decisions
    const [decisions, reports] = await Promise.all([getJson('/api/decisions?limit=50'),
      getJson('/api/reports?limit=50').catch((e) => {
        if (e.status === 404) return []; // no such list there
        throw e; // any other failure: keep the rows shown, and load again (below)
      })]);
    if (generation !== feedSync.generation) return; // a later load shows the feed
    const entries = [
      ...decisions.map((d) => ({ at: Date.parse(d.evaluatedAt || d.at), key: decisionKey(d),
        show: () => renderDecision(d, false) })),
      ...reports.map((r) => ({ at: Date.parse(r.reportedAt), key: reportKey(r), show: () => renderReport(r, false) }))];
    entries.sort((a, b) => b.at - a.at);
    $('#feed').innerHTML = entries.length ? '' : '<li class="muted">waiting for decisions…</li>';
    feedSync.listed = new Map();
    for (const entry of entries.slice(0, 50)) {
      entry.show();
      feedSync.listed.set(entry.key, (feedSync.listed.get(entry.key) || 0) + 1);
    }
    feedSync.listedUntil = Date.now() + LISTED_ROWS_MATCH_MS;
    showHeld();
  } catch (e) {
    if (generation !== feedSync.generation) return;
    showHeld(); // what came live is shown all the same
    // else after sign-in; a hidden tab loads them when shown (the feed reopens)
    if (e.status !== 401 && e.status !== 403) {
      setTimeout(() => { if (!document.hidden) loadDecisions(); }, decisionsRetry.next());
    }
    return;
  }
  decisionsRetry.reset();
}
const decisionsRetry = backoff();

function alertKey(a) { return `${a.investorId}/${a.securityId}/${a.executionId}`; }

/**
 * Adds alerts, once each (one may come both from a list and live), shown newest first by evaluation time. They are
 * taken in at most every 100 ms: a burst of thousands, each sorting the list and drawing it again, froze the page.
 */
let alertsIncoming = [];
let alertsTimer = null;
function addAlerts(alerts) {
  alertsIncoming.push(...alerts);
  if (alertsTimer === null) alertsTimer = setTimeout(takeAlerts, 100);
}

function takeAlerts() {
  alertsTimer = null;
  const incoming = alertsIncoming;
  alertsIncoming = [];
  for (const a of incoming) {
    if (state.alertKeys.has(alertKey(a))) continue;
    state.alertKeys.add(alertKey(a));
    state.alerts.push(a);
  }
  state.alerts.sort((a, b) => Date.parse(b.evaluatedAt) - Date.parse(a.evaluatedAt));
  // the oldest go, within the limit past MAX_ALERTS of them and breaches past MAX_BREACHES
  const counts = { within: 0, breach: 0 };
  state.alerts = state.alerts.filter((a) => {
    const kind = a.breachesAgreement ? 'breach' : 'within';
    if (++counts[kind] <= (a.breachesAgreement ? MAX_BREACHES : MAX_ALERTS)) return true;
    state.alertKeys.delete(alertKey(a));
    return false;
  });
  renderAlerts();
}

/** How many times the alerts were said to be away: a load clears the note only if none was said after it started. */
let alertsAwayCount = 0;

/** The alerts shown may have missed some ({@code why}) until the next load replaces them. */
function alertsAway(why) {
  alertsAwayCount++;
  if (state.alertsAway === null) {
    state.alertsAway = `${why} at ${when(new Date())}`;
    renderAlerts();
  }
}

function renderAlerts() {
  const list = $('#alerts');
  const breaches = state.alerts.filter((a) => a.breachesAgreement).length;
  const pill = $('#alert-state');
  // the page holds the latest alerts only (what it loaded, then what came live), not a count since the start
  pill.textContent = state.alerts.length
    ? `alerts: latest ${state.alerts.length}${breaches ? ` (${breaches} breach${breaches > 1 ? 'es' : ''})` : ''}`
    : state.alertsError ? 'alerts: not loaded' : state.alertsAway ? 'alerts: none as last loaded' : 'alerts: none recent';
  pill.title = `the latest compliance alerts on this page: at most ${MAX_ALERTS} within the limit and, kept apart, `
    + `the latest ${MAX_BREACHES} breaches; /metrics counts every alert since each instance started `
    + '(lockup_guard_compliance_alerts_total)';
  pill.className = 'pill ' + (breaches ? 'bad' : state.alerts.length || state.alertsError || state.alertsAway ? 'warn'
    : 'ok');
  if (!state.alerts.length) {
    // not "no alerts" when they could not be read (a token not given yet, the guard away), nor while the feed that
    // would bring them is away: that would say none happened
    list.innerHTML = state.alertsError ? `<li class="muted">alerts not loaded: ${esc(state.alertsError)}</li>`
      : state.alertsAway ? `<li class="stale-note">not current (${esc(state.alertsAway)}): none as last loaded</li>`
        : '<li class="muted">no alerts</li>';
    return;
  }
  // what it holds is as last loaded: say so above it, rather than show it as current
  const notCurrent = state.alertsError ? `not loaded again: ${state.alertsError}` : state.alertsAway;
  list.innerHTML = (notCurrent ? `<li class="stale-note">not current (${esc(notCurrent)}): the alerts below are `
    + 'as last loaded</li>' : '') + state.alerts.map((a) => `<li class="alert ${a.breachesAgreement ? 'breach' : 'warning'}"
      data-execution-id="${esc(a.executionId)}" data-holding="${esc(a.investorId)}/${esc(a.securityId)}"
      data-breach="${a.breachesAgreement}">
    <span class="when">${esc(when(a.evaluatedAt))}</span>
    <span class="label">${a.breachesAgreement ? 'breach' : 'within limit'}</span>
    <span><b>${idText(a.investorId)}/${idText(a.securityId)}</b> order <b>${idText(a.orderId)}</b> <span class="type">${esc(a.type)}</span>
      <span class="muted">exec ${idText(a.executionId)}</span></span>
    <span class="amounts"><b>${shares(a.quantity)}</b> sold without a live approval vs <b>${shares(a.allowedNow)}</b> allowed now</span>
  </li>`).join('');
}

let alertsAsked = 0;

/** Alerts the live feed brought while the latest load of them was under way (null: none is): kept when it lands. */
let alertsLiveMeanwhile = null;

async function loadAlerts() {
  const asked = ++alertsAsked;
  const awayBefore = alertsAwayCount;
  alertsLiveMeanwhile = [];
  try {
    // the breaches apart: the latest alerts may all be within the limit, and the breaches older
    const [alerts, breaches] = await Promise.all([getJson(`/api/alerts?limit=${MAX_ALERTS}`),
      getJson(`/api/alerts?breaches=true&limit=${MAX_BREACHES}`)]);
    if (asked !== alertsAsked) return; // a later load shows them (or the screen was cleared meanwhile)
    state.alertsError = null;
    // not a stall said after the load was asked for: what the guard listed before it may miss what comes meanwhile
    if (alertsAwayCount === awayBefore) state.alertsAway = null;
    // what the guard lists now replaces what the page held: a guard restarted, or another instance answering,
    // lists what it has read, and alerts the page kept from before would pass for current. That includes those not
    // taken in yet: an earlier load that landed within the last 100 ms put back what this one no longer lists
    state.alerts = [];
    state.alertKeys.clear();
    alertsIncoming = [];
    addAlerts([...alerts, ...breaches, ...alertsLiveMeanwhile]);
    alertsLiveMeanwhile = null;
    alertsRetry.reset();
  } catch (e) {
    if (asked !== alertsAsked) return;
    alertsLiveMeanwhile = null;
    state.alertsError = describe(e);
    renderAlerts();
    if (e.status !== 401 && e.status !== 403) {
      setTimeout(() => { if (!document.hidden) loadAlerts(); }, alertsRetry.next());
    }
  }
}
const alertsRetry = backoff();

let events = null;
let reconnect = null;
/** Numbers each connectFeed: only the latest may open the feed, so that two calls close together open one. */
let feedAttempt = 0;
// true at first too: the lists the page loaded at once may have been read before the feed opened
let feedLost = true;
const feedRetry = backoff();
// The guard sends a quiet stream a heartbeat event every 15 s (LiveStreams.HEARTBEAT): a feed that has heard nothing
// for two of them and a margin is taken for dead (a network cut, a proxy that dropped it) and opened again.
const FEED_SILENCE_MS = 2 * 15_000 + 5_000;
let watchdog = null;

/** Something came on the feed: it is alive; the watchdog waits again. */
function heard(source) {
  clearTimeout(watchdog);
  watchdog = setTimeout(() => {
    if (events !== source) return;
    feedDown(source, `stale, nothing heard for ${FEED_SILENCE_MS / 1000} s; reconnecting…`);
  }, FEED_SILENCE_MS);
}

/** The page's feed is gone: closed, and opened again (with a new ticket) after a backoff. */
function feedDown(source, why) {
  source.close();
  clearTimeout(watchdog);
  feedLost = true;
  events = null;
  feedState(why, false);
  alertsAway(`live feed ${why}`);
  clearTimeout(reconnect);
  reconnect = setTimeout(connectFeed, feedRetry.next());
}

/** Whether the open feed said the guard reads no records now. */
let feedStalled = false;

/** Records come again on a feed that said it stalled: shown live, and what came meanwhile loaded. */
function feedResumed() {
  if (!feedStalled) return;
  feedStalled = false;
  feedState('connected', true);
  loadDecisions();
  loadAlerts();
  refreshHoldings();
}

/** {@code ok}: true green, false red, null neither (paused). */
function feedState(text, ok) {
  $('#feed-state').textContent = `live feed: ${text}`;
  $('#feed-state').title = `live feed: ${text}`; // a long reason is cut off in the pill
  $('#feed-state').className = `pill${ok === null ? '' : ok ? ' ok' : ' bad'}`;
}

/**
 * Closes the live feed while the tab is hidden. A browser holds at most 6 connections to a host over HTTP/1.1, and
 * each open feed keeps one: six tabs of the dashboard would leave none for their requests, and a seventh would not
 * load. The feed opens again, and the page reloads what it missed, once the tab is shown.
 */
function pauseFeed() {
  ++feedAttempt; // a ticket being bought meanwhile opens nothing
  clearTimeout(reconnect);
  clearTimeout(watchdog);
  if (events) { events.close(); events = null; }
  feedLost = true;
  feedState('paused while the tab is hidden', null);
  alertsAway('live feed paused while the tab was hidden');
}

/**
 * Why the guard answered the live feed's {@code url} with no stream, read with fetch; null if it opens one this time
 * (closed at once: the page opens its own, with a new ticket).
 */
async function whyRefused(url) {
  try {
    return await timedFetch(url, { headers: { Accept: 'text/event-stream' }, cache: 'no-store' }, READ_TIMEOUT_MS,
      async (answer) => {
        const type = answer.headers.get('Content-Type') || '';
        if (answer.ok && type.startsWith('text/event-stream')) {
          answer.body?.cancel();
          return null;
        }
        if (answer.ok) return `the answer is no event stream (${type || 'no Content-Type'})`;
        const body = await answer.text().then(parseJson).catch(() => ({}));
        return `${answer.status} ${body?.error || answer.statusText}`;
      });
  } catch (e) {
    return describe(e);
  }
}

/** Opens the live feed with a fresh single-use ticket; on any error, closes it and comes back with a new one. */
async function connectFeed() {
  clearTimeout(reconnect);
  clearTimeout(watchdog);
  if (document.hidden) { pauseFeed(); return; } // opened when the tab is shown
  if (events) { events.close(); events = null; }
  const attempt = ++feedAttempt;
  let ticket;
  try {
    ticket = await getJson('/api/events/ticket', { method: 'POST' });
  } catch (e) {
    if (attempt !== feedAttempt) return;
    if (e.status === 401 || e.status === 403) { feedState('needs a token', false); return; }
    feedState(`reconnecting… (${describe(e)})`, false);
    reconnect = setTimeout(connectFeed, feedRetry.next());
    return;
  }
  if (attempt !== feedAttempt) return; // connectFeed was called again while this one waited: that one connects
  const url = `/api/events?ticket=${encodeURIComponent(ticket.ticket)}`;
  const source = new EventSource(url);
  events = source;
  heard(source); // a stream that opens but never answers is given up as a silent one
  events.onopen = () => {
    heard(source);
    feedRetry.reset();
    feedStalled = false;
    feedState('connected', true);
    if (feedLost) {
      // what happened while the feed was away (the guard drops a reader that falls too far behind, or it was not
      // open yet)
      feedLost = false;
      loadDecisions();
      loadAlerts();
      refreshHoldings();
    }
  };
  events.onerror = () => {
    if (events !== source) { source.close(); return; } // one replaced since: not the page's feed any more
    // EventSource would retry with the same, spent ticket: start over instead
    if (source.readyState !== EventSource.CLOSED) { feedDown(source, 'reconnecting…'); return; }
    // closed: the guard answered, but with no stream (429 too many live streams, 503 starting), whose reason an
    // EventSource cannot read: shown 'reconnecting…' for ever. The guard does not spend a ticket on a stream it
    // refuses: the same request made with fetch reads why
    source.close();
    clearTimeout(watchdog);
    whyRefused(url).then((why) => {
      if (events === source) feedDown(source, why ? `refused: ${why}; reconnecting…` : 'reconnecting…');
    });
  };
  // every message shows the stream alive; a quiet guard sends a heartbeat event for that
  for (const type of ['heartbeat', 'decision', 'position', 'report', 'alert']) {
    events.addEventListener(type, () => { if (events === source) heard(source); });
  }
  // the stream is open, but while the guard's feed reads nothing (its brokers away, say), nothing comes on it: a
  // heartbeat says so, and the page shows it stalled, and reloads what it missed once records come again
  events.addEventListener('heartbeat', (e) => {
    if (events !== source) return;
    const beat = parseJson(e.data || '{}');
    if (beat.feed === 'down') {
      feedStalled = true;
      feedState(`stalled: ${beat.reason || 'the guard reads no records now'}`, false);
      alertsAway('live feed stalled');
    } else {
      feedResumed();
    }
  });
  for (const type of ['decision', 'position', 'report', 'alert']) {
    events.addEventListener(type, () => { if (events === source) feedResumed(); });
  }
  events.addEventListener('decision', (e) => {
    const d = parseJson(e.data);
    showLive(decisionKey(d), () => renderDecision(d, true));
    if (d.position && `${d.investorId}/${d.securityId}` === state.selected) refreshSelectedSoon();
    refreshHoldingsSoon();
  });
  events.addEventListener('position', (e) => {
    const p = parseJson(e.data);
    if (key(p) === state.selected) refreshSelectedSoon();
    refreshHoldingsSoon();
  });
  events.addEventListener('report', (e) => {
    const r = parseJson(e.data);
    showLive(reportKey(r), () => renderReport(r));
    if (`${r.investorId}/${r.securityId}` === state.selected) refreshSelectedSoon();
  });
  events.addEventListener('alert', (e) => {
    const alert = parseJson(e.data);
    if (alertsLiveMeanwhile) alertsLiveMeanwhile.push(alert);
    addAlerts([alert]);
  });
}

const orderForm = $('#order-form');
let sending = false;

/**
 * A new order id: a random UUID. crypto.randomUUID exists only in a secure context (https, or this machine), and a
 * guard may serve the page over plain http: crypto.getRandomValues works everywhere.
 */
function newOrderId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // the RFC 4122 variant
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function orderFromForm() {
  const form = new FormData(orderForm);
  const order = {
    investorId: form.get('investorId'), securityId: form.get('securityId'), kind: form.get('kind'),
    quantity: form.get('quantity').trim(),
  };
  if (form.get('orderId')) order.orderId = form.get('orderId');
  return order;
}

/**
 * The order as JSON, its quantity as typed when that is an integer: a JavaScript number past 2^53 is rounded
 * (9007199254740993 was sent as 9007199254740992), and the guard reads every digit.
 */
function orderJson(order) {
  const { quantity, ...rest } = order;
  const digits = /^[+-]?\d+$/.test(quantity) ? quantity.replace(/^\+/, '').replace(/^(-?)0+(?=\d)/, '$1')
    : JSON.stringify(Number(quantity));
  return `${JSON.stringify(rest).slice(0, -1)},"quantity":${digits}}`;
}

/** Whether an order's answer is final: decided, or refused for what it is (a resend would be refused alike). */
function settled(status) {
  return !status || (status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status));
}

/** The answer is final: an id the page made is not used again (the next order gets its own); one typed in stays. */
function forgetGeneratedId(field) {
  if (field.value === field.dataset.generated) field.value = '';
  delete field.dataset.generated;
}

function formBusy(busy) {
  sending = busy;
  orderForm.querySelectorAll('button').forEach((button) => { button.disabled = busy; });
  if (busy) orderForm.setAttribute('aria-busy', 'true'); else orderForm.removeAttribute('aria-busy');
}

/**
 * A what-if, or with {@code real} an order. An order is sent with an id: the one in the form, or one made here and
 * put into the form, where it stays until the answer is final, so that a resend after a timeout, a 502 or a 504 is
 * the same order (the guard answers it with its first decision), not a second one. Both buttons are disabled while
 * a request is under way: a double click sends one. The form is checked first (a quantity left empty is not 0).
 */
async function sendOrder(real) {
  if (sending || !orderForm.reportValidity()) return;
  const field = orderForm.elements.orderId;
  if (real && !field.value) {
    field.value = newOrderId();
    field.dataset.generated = field.value;
  }
  const order = orderFromForm();
  const result = $('#order-result');
  result.hidden = false;
  result.textContent = real ? `sending order ${order.orderId}…` : 'asking what if…';
  formBusy(true);
  try {
    const { text } = await requestJson(real ? '/api/orders' : '/api/what-if', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: orderJson(order), submit: true,
    });
    result.textContent = answerText(text);
    if (real) forgetGeneratedId(field);
  } catch (e) {
    if (e.name === 'TimeoutError' || e instanceof TypeError) {
      result.textContent = `${describe(e)}.` + (real ? ' The order may have been sent: send it again, with the'
        + ` same order id (${order.orderId}, kept in the form), for its decision.` : '');
    } else {
      result.textContent = `${e.status || ''} ${e.text ? answerText(e.text) : JSON.stringify(e.message)}`;
    }
    if (real && e.body && e.body.orderId) field.value = e.body.orderId; // the order to resend, as the guard names it
    if (real && e.status && settled(e.status)) forgetGeneratedId(field);
  } finally {
    formBusy(false);
    // disabled while the request was under way, the button pressed lost the focus to the page: it gets it back
    if (document.activeElement === document.body) $(real ? '#submit' : '#what-if').focus();
  }
}

// Enter in the form submits it with its default button, 'What if?': only 'Submit order' places a real order
orderForm.addEventListener('submit', (e) => { e.preventDefault(); sendOrder(false); });
$('#submit').addEventListener('click', () => sendOrder(true));
$('#all-time').addEventListener('change', () => renderChart());
$('#sign-in').addEventListener('submit', (e) => { e.preventDefault(); useToken($('#token').value); });
$('#sign-out').addEventListener('click', () => { clearScreen(); useToken(''); });

/**
 * Takes off the screen what the token forgotten let the page read: the holdings, the selected holding's detail, the
 * feed, the alerts and the last order's answer. Reads still under way are not shown when they answer.
 */
function clearScreen() {
  holdingsReads.shown = ++holdingsReads.asked;
  historyAsked++;
  reservationsAsked++;
  alertsAsked++;
  feedSync.generation++;
  feedSync.held = null;
  state.holdings = [];
  state.selected = null;
  state.history = [];
  state.alerts = [];
  state.alertKeys.clear();
  state.alertsError = null;
  state.alertsAway = null;
  alertsLiveMeanwhile = null;
  alertsIncoming = [];
  clearTimeout(alertsTimer);
  alertsTimer = null;
  holdingRows.clear();
  forgetCountdowns();
  filterHoldings();
  historyOf = null;
  reservationsOf = null;
  holdingDecisionsAsked++;
  holdingDecisionsOf = null;
  $('#holding-decisions').innerHTML = '';
  $('#holdings tbody').innerHTML = '<tr><td colspan="11" class="muted">no holdings yet</td></tr>';
  $('#detail').hidden = true;
  $('#detail-title').textContent = 'Holding';
  renderChart('');
  $('#chart-error').hidden = true;
  $('#calendar').innerHTML = '';
  $('#reservations tbody').innerHTML = '<tr><td colspan="8" class="muted">no open reservations</td></tr>';
  for (const what of ['holdings', 'reservations']) {
    staleness[what] = { since: null, updated: null };
    $(`#${what}-stale`).hidden = true;
    $(`#${what}`).classList.remove('outdated');
  }
  $('#feed').innerHTML = '<li class="muted">waiting for decisions…</li>';
  $('#alerts').innerHTML = '<li class="muted">no alerts</li>';
  $('#alert-state').textContent = 'alerts: –';
  $('#alert-state').className = 'pill';
  $('#order-result').hidden = true;
  $('#order-result').textContent = '';
}
document.addEventListener('visibilitychange', () => {
  if (document.hidden) { pauseFeed(); return; }
  // shown again: the feed reopens and, once open, reloads the decisions, alerts and holdings it missed
  refreshHealth();
  if (!auth.waiting) { refreshHoldings(); refreshSelectedSoon(); }
  connectFeed();
});

function refreshAll() {
  refreshHoldings();
  loadDecisions();
  loadAlerts();
  connectFeed();
}

refreshHealth();
refreshAll();
// no polls from a hidden tab: it is brought up to date when shown
setInterval(() => { if (!document.hidden) refreshHealth(); }, 5000);
setInterval(() => { if (!auth.waiting && !document.hidden) refreshHoldings(); }, 5000);
setInterval(() => {
  if (!auth.waiting && !document.hidden && selectedListed()) { refreshReservations(); refreshHoldingDecisions(); }
}, 5000);
setInterval(tickCountdowns, 1000);
