// Series: searchable list; a series page with its settings, its seasons
// and its episodes (searchable by title).
import { h, clear, flash, fmtDuration, badge, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

export default async function series(main, params, m) {
  if (m[1]) return editSeries(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'Series', path: '/series', params,
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/series/new', 'data-action': 'new-series' }, 'New series')] : [],
    columns: [
      { label: 'id', num: true, cell: (s) => String(s.id) },
      { label: 'name', cell: (s) => h('a', { href: `#/series/${s.id}` }, s.name) },
      { label: 'genre', cell: (s) => s.genre },
      { label: 'rating', cell: (s) => s.rating },
      { label: '', cell: (s) => (s.enabled ? '' : badge('disabled')) },
    ],
  });
  return page.cleanup;
}

async function editSeries(main, id) {
  const [se, cats] = await Promise.all([id ? api.get(`/series/${id}`) : null, api.all('/categories', { type: 'series' })]);
  const ro = !canWrite();
  const t = (name, label, extra = {}) => ({ name, label, readonly: ro, ...extra });
  const fields = [
    t('name', 'Name', { required: true }),
    t('category_id', 'Category', { type: 'select', options: [{ value: null, label: '— none —' }, ...cats.map((c) => ({ value: c.id, label: c.name }))] }),
    t('genre', 'Genre'), t('rating', 'Rating'), t('release_date', 'Release date'), t('director', 'Director'), t('cast', 'Cast'),
    t('episode_run_time', 'Episode length (minutes)', { type: 'number', min: 0 }), t('tmdb_id', 'TMDB id', { type: 'number', min: 0 }),
    t('cover', 'Cover URL'), t('youtube_trailer', 'Trailer (YouTube id)'), t('sort_order', 'Sort order', { type: 'number' }),
    t('enabled', 'Enabled', { type: 'bool' }), t('plot', 'Plot', { type: 'textarea' }),
    t('backdrop', 'Backdrop URLs, one per line', { type: 'lines' }),
  ];
  const form = buildForm(fields, se || { enabled: true, backdrop: [], category_id: null }, {
    submitLabel: id ? 'Save series' : 'Add series', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = id ? await api.patch(`/series/${id}`, changed) : await api.post('/series', values);
      if (id) flash('ok', `series ${saved.name} saved`);
      else { flashAfter('ok', `series ${saved.name} saved`); location.hash = `#/series/${saved.id}`; }
    },
  });
    const head = h('div.page-head', h('h1', se ? se.name : 'New series'), h('a', { href: '#/series' }, '← all series'),
    se && !ro ? confirmButton('Delete', 'Really delete?', async () => {
      try { await api.del(`/series/${id}`); flashAfter('ok', `series ${se.name} deleted`); location.hash = '#/series'; } catch (e) { flash('error', e.describe()); }
    }, 'delete-series') : null);
  if (!se) { clear(main, head, h('section.card', form.el)); return null; }

  const seasons = await api.get(`/series/${id}/seasons`);
  const epBox = h('div');
  clear(main, head,
    h('section.card', form.el),
    h('section.card', h('h2', 'Seasons'), seasons.items.length
      ? h('div.table-wrap', h('table.list', h('thead', h('tr', ['season', 'name', 'aired'].map((x) => h('th', x)))),
        h('tbody', seasons.items.map((s) => h('tr', h('td', String(s.season_number)), h('td', s.name), h('td', s.air_date || '—'))))))
      : h('p.empty', 'no season yet')),
    h('section.card', epBox));
  const eps = listPage(epBox, {
    title: 'Episodes', path: '/episodes', params: { series_id: String(id) }, searchLabel: 'Search by title',
    columns: [
      { label: 'S', num: true, cell: (e) => String(e.season_number) },
      { label: 'E', num: true, cell: (e) => String(e.episode_num) },
      { label: 'title', cell: (e) => e.title },
      { label: 'file', cell: (e) => h('code', e.path) },
      { label: 'length', num: true, cell: (e) => (e.duration_secs ? fmtDuration(e.duration_secs) : '—') },
    ],
  });
  return eps.cleanup;
}
