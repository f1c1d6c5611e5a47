// Live connections (who watches what, from where, since when), refreshed
// every 3 s, with a kill button.  The module has no per-connection channel:
// a kill ends every connection of that line (docs/ADMIN-API.md).
import { h, flash, fmtDuration, fmtTime, clip } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

export default async function connections(main, params) {
  const columns = [
    { label: 'line', cell: (c) => h('a', { href: `#/lines/${c.line_id}` }, c.username) },
    { label: 'stream', cell: (c) => clip(c.kind === 'live' || c.kind === 'hls' || c.kind === 'timeshift'
      ? h('a', { href: `#/streams/${c.stream_id}` }, c.stream_name || `#${c.stream_id}`) : (c.stream_name || `#${c.stream_id}`)) },
    { label: 'kind', cell: (c) => c.kind },
    { label: 'from', cell: (c) => c.ip },
    { label: 'player', cell: (c) => h('span.muted', { title: c.user_agent }, c.user_agent.length > 40 ? `${c.user_agent.slice(0, 40)}…` : c.user_agent) },
    { label: 'since', cell: (c) => fmtTime(c.started) },
    { label: 'for', num: true, cell: (c) => fmtDuration(c.duration) },
  ];
  let page;
  if (canWrite()) {
    columns.push({ label: '', cell: (c) => confirmButton('Kill', 'Kill all of this line?', async () => {
      try {
        await api.del(`/connections/${encodeURIComponent(c.conn_key)}`);
        flash('ok', `kill sent: every connection of ${c.username} ends within a second or two`);
        page.reload();
      } catch (e) { flash('error', `kill: ${e.describe()}`); }
    }, 'kill') });
  }
  page = listPage(main, {
    title: 'Live connections', path: '/connections', params, refreshMs: 3000, searchLabel: 'Search by line',
    rowId: (c) => c.conn_key,
    filters: [{ name: 'kind', label: 'kind', options: [{ value: '', label: 'any kind' },
      ...['live', 'hls', 'movie', 'episode', 'timeshift'].map((k) => ({ value: k, label: k }))] }],
    columns,
  });
  return page.cleanup;
}
