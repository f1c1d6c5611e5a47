// VOD (movies): searchable list, create and edit.
import { h, clear, flash, fmtDuration, badge, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

export default async function vod(main, params, m) {
  if (m[1]) return editMovie(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'VOD', path: '/movies', params,
    filters: [{ name: 'enabled', label: 'enabled', options: [{ value: '', label: 'enabled or not' },
      { value: 'true', label: 'enabled' }, { value: 'false', label: 'disabled' }] }],
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/vod/new', 'data-action': 'new-movie' }, 'New movie')] : [],
    columns: [
      { label: 'id', num: true, cell: (v) => String(v.id) },
      { label: 'name', clip: true, cell: (v) => h('a', { href: `#/vod/${v.id}` }, v.name) },
      { label: 'file', cell: (v) => h('code', v.path) },
      { label: 'length', num: true, cell: (v) => (v.duration_secs ? fmtDuration(v.duration_secs) : '—') },
      { label: 'rating', cell: (v) => v.rating },
      { label: '', cell: (v) => (v.enabled ? '' : badge('disabled')) },
    ],
  });
  return page.cleanup;
}

async function editMovie(main, id) {
  const [mv, cats] = await Promise.all([id ? api.get(`/movies/${id}`) : null, api.all('/categories', { type: 'movie' })]);
  const ro = !canWrite();
  const t = (name, label, extra = {}) => ({ name, label, readonly: ro, ...extra });
  const fields = [
    t('name', 'Title', { required: true }),
    t('category_id', 'Category', { type: 'select', options: [{ value: null, label: '— none —' }, ...cats.map((c) => ({ value: c.id, label: c.name }))] }),
    t('path', 'File, relative to the VOD root', { required: true, placeholder: 'films/title.mp4' }),
    t('container_extension', 'Container', { placeholder: 'mp4' }),
    t('duration_secs', 'Length (seconds)', { type: 'number', min: 0 }),
    t('release_date', 'Release date', { placeholder: 'YYYY-MM-DD' }),
    t('rating', 'Rating'), t('genre', 'Genre'), t('director', 'Director'), t('cast', 'Cast'),
    t('tmdb_id', 'TMDB id', { type: 'number', min: 0 }), t('youtube_trailer', 'Trailer (YouTube id)'),
    t('icon', 'Poster URL'), t('sort_order', 'Sort order', { type: 'number' }),
    t('is_adult', 'Adult', { type: 'bool' }), t('enabled', 'Enabled', { type: 'bool' }),
    t('plot', 'Plot', { type: 'textarea' }), t('backdrop', 'Backdrop URLs, one per line', { type: 'lines' }),
  ];
  const form = buildForm(fields, mv || { enabled: true, container_extension: 'mp4', backdrop: [], category_id: null }, {
    submitLabel: id ? 'Save movie' : 'Add movie', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = id ? await api.patch(`/movies/${id}`, changed) : await api.post('/movies', values);
      if (id) flash('ok', `movie ${saved.name} saved`);
      else { flashAfter('ok', `movie ${saved.name} saved`); location.hash = `#/vod/${saved.id}`; }
    },
  });
    clear(main,
    h('div.page-head', h('h1', mv ? mv.name : 'New movie'), h('a', { href: '#/vod' }, '← all VOD'),
      mv && !ro ? confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/movies/${id}`); flashAfter('ok', `movie ${mv.name} deleted`); location.hash = '#/vod'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-movie') : null),
    h('section.card', form.el));
  return null;
}
