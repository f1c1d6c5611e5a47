// Activity (watch history): who watched what, when, from where, how much;
// filters by line (search), stream id and time; CSV export of what the
// filters select (up to 20 000 rows, built in the browser).
import { h, flash, fmtTime, fmtDuration, fmtBytes, clip } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { sinceFilter } from '../since.js';

const MAX_ROWS = 20000;

function csvCell(v) {
  const s = v === null || v === undefined ? '' : String(v);
  // a leading = + - @ would be a formula to a spreadsheet
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export default async function activity(main, params) {
  const exportBtn = h('button.btn', { type: 'button', 'data-action': 'export-csv' }, 'Export CSV');
  const page = listPage(main, {
    title: 'Activity', path: '/activity', params, searchLabel: 'Search by line',
    filters: [
      { name: 'kind', label: 'kind', options: [{ value: '', label: 'any kind' },
        ...['live', 'hls', 'movie', 'episode', 'timeshift'].map((k) => ({ value: k, label: k }))] },
      sinceFilter('started since')],
    head: [exportBtn],
    columns: [
      { label: 'line', cell: (a) => h('a', { href: `#/lines/${a.line_id}` }, a.username) },
      { label: 'what', clip: true, cell: (a) => `${a.stream_name || `#${a.stream_id}`} (${a.kind})` },
      { label: 'from', cell: (a) => a.ip },
      { label: 'player', clip: true, cell: (a) => a.user_agent },
      { label: 'started', cell: (a) => fmtTime(a.started) },
      { label: 'for', num: true, cell: (a) => fmtDuration((a.ended || Date.now() / 1000) - a.started) },
      { label: 'bytes', num: true, cell: (a) => fmtBytes(a.bytes) },
      { label: '', cell: (a) => (a.ended ? '' : 'watching') },
    ],
  });
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    try {
      const q = page.query();
      const rows = [];
      for (let offset = 0; rows.length < MAX_ROWS; offset += 500) {
        const p = await api.get('/activity', { ...q, limit: 500, offset });
        rows.push(...p.items);
        if (!p.items.length || rows.length >= p.total) break;
      }
      const cols = ['id', 'line_id', 'username', 'kind', 'stream_id', 'stream_name', 'ip', 'user_agent', 'started', 'ended', 'bytes'];
      const iso = (t) => (t ? new Date(t * 1000).toISOString() : '');
      const text = [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(c === 'started' || c === 'ended' ? iso(r[c]) : r[c])).join(','))].join('\r\n') + '\r\n';
      const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
      const a = h('a', { href: url, download: `activity-${new Date().toISOString().slice(0, 10)}.csv` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      flash('ok', `exported ${rows.length} row(s)${rows.length >= MAX_ROWS ? ` (the first ${MAX_ROWS}; narrow the filters for the rest)` : ''}`);
    } catch (e) { flash('error', `export: ${e.describe ? e.describe() : e.message}`); } finally { exportBtn.disabled = false; }
  });
  return page.cleanup;
}
