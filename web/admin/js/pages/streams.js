// Live streams: searchable list with live status, and the new-stream form.
import { h, clear, fmtKbps, fmtDuration, badge, flash, flashAfter } from '../dom.js';
import { listPage } from '../list-page.js';
import { streamForm } from '../stream-form.js';
import { canWrite } from '../session.js';

export default async function streams(main, params, m) {
  if (m[0].endsWith('/new')) {
    const form = await streamForm(null, (s) => { flashAfter('ok', `stream ${s.name} added`); location.hash = `#/streams/${s.id}`; });
    clear(main, h('div.page-head', h('h1', 'New stream'), h('a', { href: '#/streams' }, '← all streams')),
      h('section.card', form.el));
    return null;
  }
  const page = listPage(main, {
    title: 'Streams', path: '/streams', params, refreshMs: 5000,
    filters: [
      { name: 'status', label: 'state', options: [{ value: '', label: 'any state' },
        ...['running', 'starting', 'stopped', 'error'].map((s) => ({ value: s, label: s }))] },
      { name: 'enabled', label: 'enabled', options: [{ value: '', label: 'enabled or not' },
        { value: 'true', label: 'enabled' }, { value: 'false', label: 'disabled' }] }],
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/streams/new', 'data-action': 'new-stream' }, 'New stream')] : [],
    columns: [
      { label: 'id', num: true, cell: (s) => String(s.id) },
      { label: 'name', clip: true, cell: (s) => h('a', { href: `#/streams/${s.id}` }, s.name) },
      { label: 'state', cell: (s) => badge(s.enabled ? s.status.state : 'disabled') },
      { label: 'uptime', cell: (s) => (s.status.state === 'running' ? fmtDuration(s.status.uptime) : '—') },
      { label: 'bitrate', num: true, cell: (s) => (s.status.bitrate_kbps ? fmtKbps(s.status.bitrate_kbps) : '—') },
      { label: 'fps', num: true, cell: (s) => (s.status.fps ? String(s.status.fps) : '—') },
      { label: 'video', cell: (s) => (s.status.width ? `${s.status.video_codec} ${s.status.width}×${s.status.height}` : '') },
      { label: 'restarts', num: true, cell: (s) => String(s.status.restarts) },
      { label: 'mode', cell: (s) => (s.on_demand ? 'on demand' : 'always on') },
    ],
  });
  return page.cleanup;
}
