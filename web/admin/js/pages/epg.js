// EPG sources: the XMLTV guides the import reads.  The list shows each
// source's last result, skip counts and a running import's progress
// (refreshed every 2 s); below it the two "unmapped" lists: guide channels
// no stream uses, streams whose channel id the guide does not know.  A
// source's page: edit, Import now, delete.
import { h, clear, flash, flashAfter, fmtTime, fmtBytes, badge, clip } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

const skips = (s) => Object.entries(s.skipped_detail || {}).map(([k, v]) => `${k}: ${v}`).join(', ');

function progress(s) {
  if (s.progress_state && s.progress_state !== 'idle') {
    const pct = s.progress_total ? ` ${Math.floor(100 * s.progress_bytes / s.progress_total)} %` : '';
    return h('span', { 'data-progress': s.progress_state }, badge(s.progress_state), ` ${s.progress_programmes} programmes${pct}`);
  }
  return h('span', { 'data-progress': 'idle' }, badge(s.last_status));
}

export default async function epg(main, params, m) {
  if (m[1]) return editSource(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'EPG sources', path: '/epg-sources', params, refreshMs: 2000, searchLabel: 'Search by name or URL',
    filters: [{ name: 'last_status', label: 'last result', options: [{ value: '', label: 'any result' },
      ...['never', 'ok', 'not_modified', 'unchanged', 'error'].map((x) => ({ value: x, label: x }))] }],
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/epg/new', 'data-action': 'new-epg' }, 'New source')] : [],
    columns: [
      { label: 'name', clip: true, cell: (s) => h('a', { href: `#/epg/${s.id}` }, s.name) },
      { label: 'url', clip: true, cell: (s) => h('code', s.url) },
      { label: 'state', cell: (s) => (s.enabled ? progress(s) : badge('disabled')) },
      { label: 'last import', cell: (s) => fmtTime(s.last_import) },
      { label: 'channels', num: true, cell: (s) => String(s.channels) },
      { label: 'programmes', num: true, cell: (s) => String(s.programmes) },
      { label: 'skipped', num: true, cell: (s) => h('span', { title: skips(s) }, String(s.skipped)) },
      { label: 'last error', clip: true, cell: (s) => s.last_error || '' },
    ],
  });
  const chans = h('div');
  const streams = h('div');
  main.append(h('div.grid2.unmapped',
    h('section.card', h('h2', 'Guide channels no stream uses'), chans),
    h('section.card', h('h2', 'Streams without a guide channel'), streams)));
  try {
    const [c, s] = await Promise.all([api.get('/epg-channels', { mapped: 'false', limit: 100 }),
      api.get('/streams', { epg_mapped: 'false', limit: 100 })]);
    clear(chans, c.items.length ? h('table.list#unmapped-channels', h('tbody', c.items.map((x) => h('tr',
      h('td', h('code', x.epg_channel_id)), h('td', clip(x.display_name)), h('td.muted', x.source_name))))) : h('p.empty', 'every guide channel has a stream'),
    c.total > c.items.length ? h('p.muted', `${c.total - c.items.length} more`) : null);
    clear(streams, s.items.length ? h('table.list#unmapped-streams', h('tbody', s.items.map((x) => h('tr',
      h('td', clip(h('a', { href: `#/streams/${x.id}` }, x.name))), h('td', x.epg_channel_id ? h('code', x.epg_channel_id) : h('span.muted', 'no id')))))) : h('p.empty', 'every stream has a guide channel'),
    s.total > s.items.length ? h('p.muted', `${s.total - s.items.length} more`) : null);
  } catch (e) { flash('error', `unmapped: ${e.describe ? e.describe() : e.message}`); }
  return page.cleanup;
}

async function editSource(main, id) {
  let src = id ? await api.get(`/epg-sources/${id}`) : null;
  const ro = !canWrite();
  const fields = [
    { name: 'name', label: 'Name', required: true, maxlength: 255 },
    { name: 'url', label: 'XMLTV URL or file (http(s)://, file:///abs/path, /abs/path; plain or gzip)', required: true, wide: true, maxlength: 2048 },
    { name: 'refresh_interval', label: 'Refresh every (seconds)', type: 'number', min: 60, max: 31622400 },
    { name: 'lang', label: 'Preferred language (empty: the config\'s epg_lang)', maxlength: 16 },
    { name: 'enabled', label: 'Enabled', type: 'bool' },
  ];
  const form = buildForm(fields, src || { enabled: true, refresh_interval: 86400, lang: '' }, {
    submitLabel: id ? 'Save source' : 'Add source', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = id ? await api.patch(`/epg-sources/${id}`, changed) : await api.post('/epg-sources', values);
      if (id) { src = saved; render(); flash('ok', `EPG source ${saved.name} saved`); } else { flashAfter('ok', `EPG source ${saved.name} added; its first import starts within seconds`); location.hash = `#/epg/${saved.id}`; }
    },
  });
  const dl = h('dl.kv#epg-status');
  function render() {
    if (!src) return;
    const rows = [
      ['state', src.progress_state], ['last result', src.last_status], ['last error', src.last_error || '—'],
      ['last import', fmtTime(src.last_import)], ['last attempt', fmtTime(src.last_attempt)],
      ['took', src.last_duration_ms ? `${(src.last_duration_ms / 1000).toFixed(1)} s` : '—'],
      ['file', `${src.format || '—'}, ${fmtBytes(src.bytes)}`], ['channels', String(src.channels)],
      ['programmes', String(src.programmes)], ['outside the window', String(src.outside_window)],
      ['skipped', src.skipped ? `${src.skipped} (${skips(src)})` : '0'],
      ['progress', src.progress_state === 'idle' ? '—' : `${src.progress_programmes} programmes, ${fmtBytes(src.progress_bytes)}${src.progress_total ? ` of ${fmtBytes(src.progress_total)}` : ''}`],
      ['next due', src.next_due ? fmtTime(src.next_due) : 'now'],
    ];
    dl.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', k), h('dd', { 'data-field': k.replace(/\s+/g, '_') }, v)]));
  }
  const actions = h('div.row');
  if (src && !ro) {
    actions.append(
      h('button.btn.btn-primary', { type: 'button', 'data-action': 'import', on: { click: async () => {
        try { src = await api.post(`/epg-sources/${id}/import`); render(); flash('info', `import of ${src.name} asked; xtreamd starts it within a few seconds`); } catch (e) { flash('error', `import: ${e.describe()}`); }
      } } }, 'Import now'),
      confirmButton('Delete', 'Delete it and its guide?', async () => {
        try { await api.del(`/epg-sources/${id}`); flashAfter('ok', `EPG source ${src.name} deleted`); location.hash = '#/epg'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-epg'));
  }
  clear(main,
    h('div.page-head', h('h1', src ? `EPG source ${src.name}` : 'New EPG source'), h('a', { href: '#/epg' }, '← all EPG sources')),
    src ? h('section.card', h('h2', 'Import'), dl, actions) : null,
    h('section.card', form.el));
  render();
  if (!src) return null;
  const timer = setInterval(async () => {
    try { src = await api.get(`/epg-sources/${id}`); render(); } catch (e) { if (e.status !== 401) flash('error', e.describe()); }
  }, 2000);
  return () => clearInterval(timer);
}
