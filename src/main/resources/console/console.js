// The NimbusVerse console: reads the JSON API next to this page (every URL relative, so any path prefix works) and
// redraws the current view every two seconds, without reloading the page.
'use strict';

const REFRESH_MS = 2000;
const STEPS = ['claimed', 'converted', 'uploaded', 'loaded', 'completed'];
let csrf = null;
let timer = null;
let shown = null;

function escapeHtml(value) {
  return String(value == null ? '' : value).replace(/[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function ago(instant) {
  if (!instant) return '-';
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(instant)) / 1000));
  if (seconds < 120) return seconds + ' s ago';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min ago';
  return seconds < 172800 ? Math.round(seconds / 3600) + ' h ago' : Math.round(seconds / 86400) + ' days ago';
}

function time(instant) {
  return instant ? new Date(instant).toLocaleTimeString() : '';
}

function counts(map) {
  return Object.entries(map || {}).map(([k, v]) => escapeHtml(k) + ' ' + v).join(', ');
}

async function api(path, options) {
  const response = await fetch('api/' + path, Object.assign({ headers: { Accept: 'application/json' } }, options));
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  return body;
}

async function act(action, params) {
  const query = new URLSearchParams(params).toString();
  const post = async () => {
    if (!csrf) csrf = (await api('session')).csrf;
    return api('actions/' + action + '?' + query, { method: 'POST', headers: { 'X-Nimbus-Csrf': csrf } });
  };
  try {
    let answer;
    try {
      answer = await post();
    } catch (e) {
      // the instance restarted since the page read its session: read it again, once
      if (e.status !== 403) throw e;
      csrf = null;
      answer = await post();
    }
    say(answer.done, false);
  } catch (e) {
    say(e.message, true);
  }
  refresh();
}

function say(text, error) {
  const message = document.getElementById('message');
  message.textContent = text;
  message.className = 'shown' + (error ? ' error' : '');
}

function timeline(batch) {
  return batch.timeline.map(step => '<td class="step' + (step.at ? ' reached' : '') + '" data-step="' + step.name
    + '" title="' + escapeHtml(step.at || 'not yet') + '">' + (step.at ? time(step.at) : '&hellip;') + '</td>').join('');
}

function itemRow(item) {
  const actions = (item.actions || []).map(a => '<button class="action ' + a + '" data-action="' + a + '" data-key="'
    + escapeHtml(item.key) + '">' + (a === 'replay' ? 'Replay' : 'Reload') + '</button>').join(' ');
  return '<tr data-key="' + escapeHtml(item.key) + '"><td><a href="#/item/' + encodeURIComponent(item.key) + '">'
    + escapeHtml(item.name) + '</a></td><td><span class="status ' + escapeHtml(item.status) + '">'
    + escapeHtml(item.status) + '</span></td><td>' + escapeHtml(item.itemClass) + '<br><span class="muted">'
    + escapeHtml(item.mediaType) + '</span></td><td class="num">' + item.size + '</td><td>'
    + escapeHtml(item.table || '') + '</td><td class="num">' + (item.rows == null ? '' : item.rows) + '</td><td>'
    + (item.batchId ? '<a href="#/batch/' + encodeURIComponent(item.batchId) + '">' + escapeHtml(item.batchId)
      + '</a>' : '') + '</td><td class="detail"><code>' + escapeHtml(item.s3Key) + '</code><br>'
    + escapeHtml(item.detail) + '</td><td>' + actions + '</td></tr>';
}

function itemTable(id, items) {
  if (!items.length) return '<p class="muted" id="' + id + '-empty">Nothing here.</p>';
  return '<table id="' + id + '"><thead><tr><th>Name</th><th>Status</th><th>Class</th><th>Bytes</th><th>Table</th>'
    + '<th>Rows</th><th>Batch</th><th>S3 key and detail</th><th></th></tr></thead><tbody>' + items.map(itemRow).join('') + '</tbody></table>';
}

const views = {
  async batches(params) {
    const page = await api('batches?limit=25&before=' + encodeURIComponent(params.get('before') || ''));
    const rows = page.batches.map(b => '<tr data-batch="' + escapeHtml(b.batchId) + '"><td><a href="#/batch/'
      + encodeURIComponent(b.batchId) + '">' + escapeHtml(b.batchId) + '</a></td><td><span class="status '
      + escapeHtml(b.status) + '">' + escapeHtml(b.status) + '</span></td><td>' + ago(b.createdAt) + '</td><td>'
      + counts(b.byClass) + '</td><td>' + counts(b.byStatus) + (b.movedOn ? (b.items ? ', ' : '') + 'moved on '
      + b.movedOn : '') + '</td><td class="num">' + b.rows + '</td>'
      + timeline(b) + '</tr>').join('');
    return '<h1>Batches <span class="muted">(' + page.total + ')</span></h1><table id="batches"><thead><tr>'
      + '<th>Batch</th><th>Status</th><th>Age</th><th>Items by class</th><th>Items by status</th><th>Rows</th>'
      + STEPS.map(s => '<th>' + s + '</th>').join('') + '</tr></thead><tbody>' + rows + '</tbody></table>'
      + (page.next ? '<p><a id="older" href="#/?before=' + encodeURIComponent(page.next) + '">Older batches</a></p>' : '');
  },

  async batch(params, id) {
    const detail = await api('batch?id=' + encodeURIComponent(id));
    const b = detail.summary;
    const retry = b.status === 'FAILED' || b.status === 'TIMED_OUT'
      ? '<button class="action" id="retry" data-action="retry" data-batch="' + escapeHtml(b.batchId) + '">Retry</button>'
      : '';
    const reload = detail.items.some(i => (i.actions || []).includes('reload'))
      ? '<button class="action" id="reload-batch" data-action="reload" data-batch="' + escapeHtml(b.batchId)
        + '">Reload every file</button>' : '';
    return '<h1>Batch ' + escapeHtml(b.batchId) + ' <span class="status ' + escapeHtml(b.status) + '" id="batch-status">'
      + escapeHtml(b.status) + '</span> ' + retry + ' ' + reload + '</h1>'
      + '<table id="timeline"><thead><tr>' + STEPS.map(s => '<th>' + s + '</th>').join('') + '</tr></thead><tbody><tr>'
      + timeline(b) + '</tr></tbody></table><p>' + b.items + ' items (' + counts(b.byClass) + '); ' + b.rows
      + ' rows loaded.</p><h2>Items</h2>' + itemTable('batch-items', detail.items)
      + (detail.movedOn.length ? '<h2>Moved on to a later batch (replayed or reloaded)</h2>'
        + itemTable('batch-moved', detail.movedOn) : '');
  },

  async item(params, key) {
    const answer = await api('item?key=' + encodeURIComponent(key));
    const i = answer.item;
    const fields = [['Name', i.name], ['Key', i.key], ['Status', i.status], ['Batch', i.batchId], ['Source', i.source],
      ['Class', i.itemClass], ['Media type', i.mediaType], ['Size', i.size + ' bytes'], ['Table', i.table],
      ['Rows', i.rows], ['S3 key', i.s3Key], ['Claimed', i.claimedAt], ['Updated', i.updatedAt], ['Detail', i.detail]];
    return '<h1>' + escapeHtml(i.name) + '</h1>' + itemTable('item', [i]) + '<table id="item-fields">'
      + fields.map(([k, v]) => '<tr><th>' + k + '</th><td>' + escapeHtml(v == null ? '' : v) + '</td></tr>').join('')
      + '</table>' + (answer.metadata ? '<h2>Metadata JSON</h2><pre id="metadata">'
      + escapeHtml(JSON.stringify(answer.metadata, null, 2)) + '</pre>' : '');
  },

  async quarantine(params) {
    const page = await api('quarantine?limit=50&before=' + encodeURIComponent(params.get('before') || ''));
    return '<h1>Quarantine <span class="muted">(' + page.total + ')</span></h1>'
      + '<p class="muted">Fix the file in the quarantine folder, or the configuration, then Replay it.</p>'
      + itemTable('quarantine', page.items)
      + (page.next ? '<p><a href="#/quarantine?before=' + encodeURIComponent(page.next) + '">More</a></p>' : '');
  },

  async search(params) {
    const q = params.get('q') || '';
    document.getElementById('search').value = q;
    const answer = await api('search?limit=50&q=' + encodeURIComponent(q));
    return '<h1>Found for &ldquo;' + escapeHtml(q) + '&rdquo;</h1>' + itemTable('search-results', answer.items);
  },

  async tables() {
    const answer = await api('tables');
    const rows = answer.tables.map(t => '<tr data-table="' + escapeHtml(t.table) + '"><td>' + escapeHtml(t.table)
      + '</td><td>' + escapeHtml(t.watermark || '(flags in the table)') + '</td><td>' + escapeHtml(t.key || '')
      + '</td><td class="num">' + t.chunksOnTheirWay + '</td><td>' + ago(t.lastPoll) + '</td></tr>').join('');
    return '<h1>SQL tables</h1><table id="tables"><thead><tr><th>Table</th><th>Watermark</th><th>Last key</th>'
      + '<th>Chunks on their way</th><th>Last poll</th></tr></thead><tbody>' + rows + '</tbody></table>';
  }
};

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/');
  const params = new URLSearchParams(query || '');
  const name = parts[0] || 'batches';
  return { view: views[name] ? name : 'batches', arg: parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : null, params };
}

async function refresh() {
  clearTimeout(timer);
  const current = route();
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active',
    a.id === 'nav-' + current.view));
  try {
    const html = await views[current.view](current.params, current.arg);
    const still = JSON.stringify(current) === JSON.stringify(route());
    // redrawn only when something changed: a selection, or a button under the pointer, stays put
    if (still && html !== shown) {
      document.getElementById('view').innerHTML = html;
      shown = html;
    }
    if (still) {
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    }
  } catch (e) {
    say(e.message, true);
  }
  timer = setTimeout(refresh, REFRESH_MS);
}

document.addEventListener('click', event => {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const params = button.dataset.key ? { key: button.dataset.key } : { batch: button.dataset.batch };
  act(button.dataset.action, params);
});

document.getElementById('search-form').addEventListener('submit', event => {
  event.preventDefault();
  location.hash = '#/search?q=' + encodeURIComponent(document.getElementById('search').value);
});

window.addEventListener('hashchange', () => { say('', false); document.getElementById('message').className = ''; refresh(); });
refresh();
