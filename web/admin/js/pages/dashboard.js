// Dashboard: counts from /stats, running streams, live connections, lines
// expiring within a week; refreshed every 5 s.
import { h, clear, flash, fmtKbps, fmtDuration, fmtTime, badge, clip } from '../dom.js';
import { get } from '../api.js';

const WEEK = 7 * 86400;

function stat(label, value, sub, id) {
  return h('div.card.stat', { 'data-stat': id }, h('div.value', value), h('div.label', label), sub ? h('div.muted', sub) : null);
}

function table(headers, rows, empty) {
  if (!rows.length) return h('p.empty', empty);
  return h('div.table-wrap', h('table.list', h('thead', h('tr', headers.map((x) => h('th', x)))),
    h('tbody', rows.map((r) => h('tr', r.map((c) => h('td', c)))))));
}

export default async function dashboard(main) {
  const cards = h('div.cards');
  const running = h('div');
  const conns = h('div');
  const expiring = h('div');
  clear(main,
    h('div.page-head', h('h1', 'Dashboard'), h('span.muted#dash-time')),
    cards,
    h('div.grid2',
      h('section.card', h('h2', h('a', { href: '#/streams?status=running' }, 'Running streams')), running),
      h('section.card', h('h2', h('a', { href: '#/connections' }, 'Live connections')), conns),
      h('section.card', h('h2', h('a', { href: `#/lines?expiring_within=${WEEK}` }, 'Lines expiring within 7 days')), expiring)));

  async function load() {
    let st, rs, cs, ex;
    try {
      [st, rs, cs, ex] = await Promise.all([
        get('/stats'),
        get('/streams', { status: 'running', limit: 10 }),
        get('/connections', { limit: 10 }),
        get('/lines', { expiring_within: WEEK, limit: 10 }),
      ]);
    } catch (e) {
      flash('error', `dashboard: ${e.describe ? e.describe() : e.message}`);
      return false;
    }
    clear(cards,
      stat('running streams', `${st.streams.running} / ${st.streams.total}`,
        st.streams.error ? `${st.streams.error} in error` : 'none in error', 'streams'),
      stat('live connections', String(st.connections), null, 'connections'),
      stat('stream bitrate', fmtKbps(st.bitrate_kbps), 'sum over running streams', 'bitrate'),
      stat('active lines', `${st.lines.active} / ${st.lines.total}`, null, 'lines'),
      stat('expiring within 7 days', String(st.lines.expiring_7d), null, 'expiring'));
    clear(running, table(['stream', 'state', 'uptime', 'bitrate', 'fps'],
      rs.items.map((s) => [clip(h('a', { href: `#/streams/${s.id}` }, s.name)), badge(s.status.state),
        fmtDuration(s.status.uptime), fmtKbps(s.status.bitrate_kbps), String(s.status.fps)]),
      'no stream is running'));
    clear(conns, table(['line', 'stream', 'kind', 'from', 'for'],
      cs.items.map((c) => [c.username, clip(c.stream_name || String(c.stream_id)), c.kind, c.ip, fmtDuration(c.duration)]),
      'nobody is watching'));
    clear(expiring, table(['line', 'expires', 'status'],
      ex.items.map((l) => [h('a', { href: `#/lines/${l.id}` }, l.username), fmtTime(l.exp_date), badge(l.status)]),
      'no line expires within 7 days'));
    const t = document.getElementById('dash-time');
    if (t) t.textContent = `as of ${fmtTime(st.time)}`;
    return true;
  }
  await load();
  const timer = setInterval(load, 5000);
  return () => clearInterval(timer);
}
