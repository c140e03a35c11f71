// PIBL dashboard: polls status (GET /admin/status, relative so a path prefix still works) once a
// second and draws it. Everything from the API is written with textContent, never as HTML.
'use strict';

(() => {
  const POLL_MS = 1000;
  const TIMEOUT_MS = 3000;
  const HISTORY = 60;
  const MAX_ERROR_ROWS = 25;
  const TOKEN_KEY = 'pibl.admin.token';
  const SVG = 'http://www.w3.org/2000/svg';

  /** The total tiles: the value's element id (also its history's name), label, and the line under it. */
  const TILES = [
    ['rps', 'requests / s', 'total-requests'],
    ['eps', 'errors / s', 'error-share'],
    ['p50', 'p50 latency', null],
    ['p99', 'p99 latency', null],
    ['clients', 'client conns', 'bytes-in'],
    ['upstreams', 'upstream conns', 'bytes-out'],
  ];

  const $ = (id) => document.getElementById(id);
  const totals = Object.fromEntries(TILES.map(([id]) => [id, []]));
  const perBackend = new Map();
  const hitRatios = [];
  let lastSuccess = null;
  let failingSince = null;

  // ---- formatting -------------------------------------------------------------------------

  const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

  function isNumber(v) {
    return typeof v === 'number' && Number.isFinite(v);
  }

  function count(v) {
    return isNumber(v) ? integer.format(v) : '–';
  }

  function rate(v) {
    if (!isNumber(v)) return '–';
    if (v === 0) return '0';
    if (v < 10) return v.toFixed(1);
    return integer.format(v);
  }

  /** A percentile; 0 means no request in the window, so there is nothing to show. */
  function millis(v) {
    if (!isNumber(v) || v === 0) return '–';
    if (v >= 1000) return (v / 1000).toFixed(2) + ' s';
    if (v >= 100) return v.toFixed(0) + ' ms';
    if (v >= 10) return v.toFixed(1) + ' ms';
    return v.toFixed(2) + ' ms';
  }

  function bytes(v) {
    if (!isNumber(v)) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return (i === 0 ? v.toFixed(0) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function duration(seconds) {
    if (!isNumber(seconds)) return '–';
    const s = Math.floor(seconds);
    const d = Math.floor(s / 86400);
    const h = Math.floor((s % 86400) / 3600);
    const m = Math.floor((s % 3600) / 60);
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + String(m).padStart(2, '0') + 'm';
    if (m > 0) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
    return s + 's';
  }

  function clock(date) {
    return date.toLocaleTimeString('en-GB', { hour12: false });
  }

  // ---- DOM helpers ------------------------------------------------------------------------

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function cell(row, text, className) {
    const td = el('td', className, text);
    row.appendChild(td);
    return td;
  }

  function setText(id, text) {
    $(id).textContent = text;
  }

  function valueWithUnit(id, text) {
    // "4.50 ms" shows its unit smaller than the number.
    const node = $(id);
    node.textContent = '';
    const space = text.lastIndexOf(' ');
    if (space < 0) {
      node.textContent = text;
      return;
    }
    node.appendChild(document.createTextNode(text.slice(0, space)));
    node.appendChild(el('span', 'unit', text.slice(space + 1)));
  }

  function push(series, v) {
    series.push(isNumber(v) ? v : 0);
    if (series.length > HISTORY) series.shift();
  }

  /**
   * Draws a line and the area under it, newest on the right. The y axis ends at the series'
   * maximum and starts at its minimum or at 60 % of the maximum, whichever is lower: small
   * wobbles stay small, and a drop to zero still reaches the bottom.
   */
  function sparkline(chart, series) {
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    if (series.length < 2) return;
    const w = 120;
    const h = 30;
    const max = Math.max(...series);
    const min = Math.min(Math.min(...series), max * 0.6);
    const span = max - min || 1;
    const step = w / (HISTORY - 1);
    const x0 = w - (series.length - 1) * step;
    const points = series.map((v, i) =>
      (x0 + i * step).toFixed(1) + ',' + (h - 1.5 - ((v - min) / span) * (h - 4)).toFixed(1));
    const area = document.createElementNS(SVG, 'polygon');
    area.setAttribute('class', 'area');
    area.setAttribute('points', x0.toFixed(1) + ',' + h + ' ' + points.join(' ') + ' ' + w + ',' + h);
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('class', 'line');
    line.setAttribute('points', points.join(' '));
    chart.appendChild(area);
    chart.appendChild(line);
  }

  function svg(className) {
    const node = document.createElementNS(SVG, 'svg');
    node.setAttribute('class', className);
    node.setAttribute('viewBox', '0 0 120 30');
    node.setAttribute('preserveAspectRatio', 'none');
    node.setAttribute('aria-hidden', 'true');
    return node;
  }

  function miniSparkline(series) {
    const node = svg('spark mini');
    sparkline(node, series);
    return node;
  }

  function bar(fraction) {
    const outer = el('div', 'bar');
    const fill = el('div', 'fill');
    // CSSOM, not a style attribute: the Content-Security-Policy allows this.
    fill.style.width = (Math.max(0, Math.min(1, fraction)) * 100).toFixed(1) + '%';
    outer.appendChild(fill);
    return outer;
  }

  function replaceRows(tbody, rows) {
    tbody.textContent = '';
    rows.forEach((r) => tbody.appendChild(r));
  }

  // ---- panels -----------------------------------------------------------------------------

  function buildTiles() {
    const box = $('totals');
    TILES.forEach(([id, label, subId]) => {
      const tile = el('div', 'tile');
      tile.appendChild(el('span', 'label', label));
      const value = el('div', 'value', '–');
      value.id = id;
      tile.appendChild(value);
      const sub = el('span', 'sub');
      if (subId) sub.id = subId;
      tile.appendChild(sub);
      const spark = svg('spark');
      spark.dataset.series = id;
      tile.appendChild(spark);
      box.appendChild(tile);
    });
  }

  function renderHeader(s) {
    setText('version', s.version ? 'v' + s.version : '');
    setText('listening', s.listening || '–');
    setText('policy', s.policy || '–');
    setText('generation', isNumber(s.generation) ? String(s.generation) : '–');
    setText('uptime', duration(s.uptimeSeconds));
    const ready = $('ready');
    ready.dataset.ready = String(s.ready === true);
    ready.textContent = s.ready === true ? 'ready' : 'not ready';
    const reason = $('ready-reason');
    reason.hidden = s.ready === true || !s.notReadyReason;
    reason.textContent = s.ready === true ? '' : String(s.notReadyReason || '');
    document.title = 'PIBL ' + (s.listening || '') + ' · dashboard';
  }

  function renderTotals(t) {
    t = t || {};
    push(totals.rps, t.requestsPerSecond);
    push(totals.eps, t.errorsPerSecond);
    push(totals.p50, t.p50Millis);
    push(totals.p99, t.p99Millis);
    push(totals.clients, t.clientConnections);
    push(totals.upstreams, t.upstreamConnections);

    setText('rps', rate(t.requestsPerSecond));
    setText('total-requests', count(t.requests) + ' total');
    setText('eps', rate(t.errorsPerSecond));
    const share = isNumber(t.errorsPerSecond) && t.requestsPerSecond > 0
      ? (100 * t.errorsPerSecond / t.requestsPerSecond).toFixed(1) + ' % of requests' : '';
    setText('error-share', share);
    $('eps').closest('.tile').dataset.alert = String(t.errorsPerSecond > 0);
    valueWithUnit('p50', millis(t.p50Millis));
    valueWithUnit('p99', millis(t.p99Millis));
    setText('clients', count(t.clientConnections));
    setText('upstreams', count(t.upstreamConnections));
    setText('bytes-in', isNumber(t.bytesIn) ? bytes(t.bytesIn) + ' in' : '');
    setText('bytes-out', isNumber(t.bytesOut) ? bytes(t.bytesOut) + ' out' : '');
    setText('window', isNumber(t.windowSeconds)
      ? '; rates and percentiles over the last ' + Math.round(t.windowSeconds) + ' s' : '');

    document.querySelectorAll('svg.spark[data-series]').forEach((chart) => {
      sparkline(chart, totals[chart.dataset.series]);
    });
    document.querySelector('svg.spark[data-series="eps"]').classList.toggle('bad', t.errorsPerSecond > 0);
  }

  function renderBackends(backends) {
    backends = Array.isArray(backends) ? backends : [];
    setText('backend-count', backends.length === 1 ? '1 backend' : backends.length + ' backends');
    const seen = new Set();
    const rows = backends.map((b) => {
      const name = String(b.name);
      seen.add(name);
      if (!perBackend.has(name)) perBackend.set(name, []);
      const history = perBackend.get(name);
      push(history, b.requestsPerSecond);

      const health = String(b.health || 'unknown');
      const tr = el('tr');
      tr.dataset.backend = name;
      if (health === 'down' || health === 'ejected') tr.className = 'out';
      cell(tr, name, 'name');
      cell(tr, b.url, 'url');
      const badge = el('span', 'badge', health);
      badge.dataset.health = health;
      cell(tr, '').appendChild(badge);
      cell(tr, isNumber(b.weight) ? b.weight : '–', 'num');
      cell(tr, count(b.inFlight), 'num' + (b.inFlight === 0 ? ' zero' : ''));
      cell(tr, rate(b.requestsPerSecond), 'num');
      cell(tr, '', 'trend').appendChild(miniSparkline(history));
      cell(tr, millis(b.p99Millis), 'num');
      cell(tr, count(b.requests), 'num');
      cell(tr, count(b.errors), 'num' + (b.errors > 0 ? ' hot' : ' zero'));
      cell(tr, count(b.connectErrors), 'num' + (b.connectErrors > 0 ? ' hot' : ' zero'));
      const pool = b.pool || {};
      const waiting = pool.pending > 0 ? ' · ' + count(pool.pending) + ' waiting' : '';
      cell(tr, count(pool.active) + ' / ' + count(pool.idle) + waiting, 'num' + (waiting ? ' hot' : ''));
      return tr;
    });
    // A backend removed by a reload takes its history with it.
    [...perBackend.keys()].filter((n) => !seen.has(n)).forEach((n) => perBackend.delete(n));
    replaceRows($('backends'), rows);
  }

  function stat(label, value, detail) {
    const div = el('div', detail ? 'wide' : null);
    div.appendChild(el('dt', null, label));
    const dd = el('dd', null, value);
    if (detail) dd.appendChild(el('small', null, detail));
    div.appendChild(dd);
    return div;
  }

  function renderCache(c) {
    const box = $('cache');
    box.textContent = '';
    if (!c || c.enabled === false) {
      box.appendChild(el('p', 'empty', 'The response cache is off (cache.enabled: false).'));
      return;
    }
    const body = el('div', 'cache-body');
    const lookups = (c.hits || 0) + (c.misses || 0) + (c.stale || 0) + (c.revalidated || 0);
    const ratio = isNumber(c.hitRatio) ? c.hitRatio
      : (lookups > 0 ? (lookups - (c.misses || 0)) / lookups : 0);
    const line = el('div', 'ratio');
    const big = el('div', 'value', (ratio * 100).toFixed(1));
    big.appendChild(el('span', 'unit', '% hits'));
    line.appendChild(big);
    line.appendChild(bar(ratio));
    body.appendChild(line);

    const stats = el('dl', 'stats');
    stats.appendChild(stat('hits', count(c.hits)));
    stats.appendChild(stat('misses', count(c.misses)));
    stats.appendChild(stat('stale', count(c.stale)));
    stats.appendChild(isNumber(c.revalidated) ? stat('revalidated', count(c.revalidated))
      : stat('lookups', count(lookups)));
    stats.appendChild(stat('memory', count(c.memoryEntries), 'entries · ' + bytes(c.memoryBytes)));
    stats.appendChild(stat('disk', count(c.diskEntries), 'entries · ' + bytes(c.diskBytes)));
    if (isNumber(c.bytesServed)) stats.appendChild(stat('served from cache', bytes(c.bytesServed), 'since start'));
    body.appendChild(stats);

    push(hitRatios, ratio);
    const trend = el('div', 'cache-trend');
    trend.appendChild(el('span', 'label', 'hit ratio, last 60 s'));
    const chart = svg('spark');
    sparkline(chart, hitRatios);
    trend.appendChild(chart);
    body.appendChild(trend);
    box.appendChild(body);
  }

  function renderScoring(s) {
    const box = $('scoring');
    box.textContent = '';
    if (!s || s.enabled !== true) {
      box.appendChild(el('p', 'empty',
        'Score-based balancing is off: clients are not ranked. Set balancing.policy: score to turn it on.'));
      return;
    }
    const tiers = Array.isArray(s.tiers) ? s.tiers : [];
    if (tiers.length > 0) {
      const chips = el('div', 'tiers');
      tiers.forEach((t) => {
        const chip = el('span', 'chip', t.name + (t.action && t.action !== 'route' ? ' (' + t.action + ')' : ''));
        chip.appendChild(el('b', null, count(t.requests)));
        chips.appendChild(chip);
      });
      box.appendChild(chips);
    }
    const clients = Array.isArray(s.topClients) ? s.topClients : [];
    if (clients.length === 0) {
      box.appendChild(el('p', 'empty', 'No client scored yet.'));
      return;
    }
    const table = el('table');
    const head = el('tr');
    ['client', 'score', 'tier', 'requests'].forEach((h, i) => head.appendChild(el('th', i === 3 ? 'num' : null, h)));
    table.appendChild(el('thead')).appendChild(head);
    const tbody = el('tbody');
    clients.forEach((c) => {
      const tr = el('tr');
      cell(tr, c.key, 'key');
      const score = el('div', 'score');
      score.dataset.level = c.score >= 0.9 ? 'high' : c.score >= 0.5 ? 'mid' : 'low';
      score.appendChild(bar(isNumber(c.score) ? c.score : 0));
      score.appendChild(el('span', null, isNumber(c.score) ? c.score.toFixed(3) : '–'));
      cell(tr, '').appendChild(score);
      cell(tr, c.tier);
      cell(tr, count(c.requests), 'num');
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
  }

  function renderErrors(errors) {
    errors = Array.isArray(errors) ? errors.slice() : [];
    errors.sort((a, b) => String(b.time).localeCompare(String(a.time)));
    setText('error-count', errors.length > MAX_ERROR_ROWS
      ? 'latest ' + MAX_ERROR_ROWS + ' of ' + errors.length : errors.length > 0 ? String(errors.length) : '');
    $('no-errors').hidden = errors.length > 0;
    const rows = errors.slice(0, MAX_ERROR_ROWS).map((e) => {
      const tr = el('tr');
      const when = new Date(e.time);
      const time = cell(tr, Number.isNaN(when.getTime()) ? e.time : clock(when), 'mono');
      time.title = String(e.time);
      const status = el('span', 'status', e.status);
      status.dataset.class = String(e.status).charAt(0);
      cell(tr, '', 'num').appendChild(status);
      cell(tr, e.method, 'mono');
      cell(tr, e.uri, 'uri').title = String(e.uri);
      cell(tr, e.backend || '–');
      cell(tr, e.reason, 'reason').title = String(e.reason);
      cell(tr, e.requestId, 'id');
      return tr;
    });
    replaceRows($('errors'), rows);
  }

  function render(s) {
    renderHeader(s);
    renderTotals(s.totals);
    renderBackends(s.backends);
    renderCache(s.cache);
    renderScoring(s.scoring);
    renderErrors(s.recentErrors);
  }

  // ---- connection state -------------------------------------------------------------------

  function setLink(state, text, title) {
    const link = $('link');
    link.dataset.state = state;
    link.title = title || '';
    setText('link-text', text);
  }

  function connected() {
    lastSuccess = new Date();
    failingSince = null;
    setLink('live', 'live');
    $('banner').hidden = true;
    $('main').classList.remove('stale');
    setText('updated', 'last update ' + clock(lastSuccess));
  }

  function disconnected(reason) {
    if (failingSince === null) failingSince = new Date();
    setLink('disconnected', 'disconnected', reason);
    $('banner').hidden = false;
    setText('banner-text', reason + ' (since ' + clock(failingSince) + '). Retrying every second'
      + (lastSuccess ? '; the figures below are from ' + clock(lastSuccess) + '.' : '.'));
    $('main').classList.add('stale');
  }

  function askForToken(refused) {
    setLink('token', 'token needed');
    $('banner').hidden = true;
    $('main').hidden = true;
    $('login').hidden = false;
    $('login-error').hidden = !refused;
    $('token').focus();
  }

  function token() {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch (e) {
      return null;
    }
  }

  function showForgetButton() {
    $('forget-token').hidden = token() === null;
  }

  // ---- polling ----------------------------------------------------------------------------

  async function poll() {
    const started = Date.now();
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    const headers = { Accept: 'application/json' };
    const stored = token();
    if (stored) headers.Authorization = 'Bearer ' + stored;
    let waitForUser = false;
    try {
      const response = await fetch('status', { headers, cache: 'no-store', signal: abort.signal });
      if (response.status === 401) {
        if (stored) sessionStorage.removeItem(TOKEN_KEY);
        showForgetButton();
        askForToken(stored !== null);
        waitForUser = true;
        return;
      }
      if (!response.ok) {
        throw new Error('/admin/status answered ' + response.status + ' ' + response.statusText);
      }
      const status = await response.json();
      $('login').hidden = true;
      $('main').hidden = false;
      render(status);
      connected();
    } catch (e) {
      disconnected(e.name === 'AbortError'
        ? 'No answer from /admin/status within ' + TIMEOUT_MS / 1000 + ' s'
        : e.name === 'TypeError' ? 'Cannot reach PIBL\'s admin listener' : String(e.message || e));
    } finally {
      clearTimeout(timer);
      if (!waitForUser) setTimeout(poll, Math.max(0, POLL_MS - (Date.now() - started)));
    }
  }

  function start() {
    buildTiles();
    $('login').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      $('login').hidden = true;
      $('main').hidden = false;
      showForgetButton();
      setLink('connecting', 'connecting…');
      poll();
    });
    $('forget-token').addEventListener('click', () => {
      sessionStorage.removeItem(TOKEN_KEY);
      showForgetButton();
    });
    showForgetButton();
    poll();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
