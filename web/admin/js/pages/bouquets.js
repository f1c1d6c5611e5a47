// Bouquets: searchable list; create/edit with the live streams, movies and
// series it holds, listed in the bouquet's order (the order players see).
import { h, clear, flash, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

export default async function bouquets(main, params, m) {
  if (m[1]) return editBouquet(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'Bouquets', path: '/bouquets', params,
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/bouquets/new', 'data-action': 'new-bouquet' }, 'New bouquet')] : [],
    columns: [
      { label: 'id', num: true, cell: (b) => String(b.id) },
      { label: 'name', cell: (b) => h('a', { href: `#/bouquets/${b.id}` }, b.name) },
      { label: 'live', num: true, cell: (b) => String(b.live.length) },
      { label: 'movies', num: true, cell: (b) => String(b.movies.length) },
      { label: 'series', num: true, cell: (b) => String(b.series.length) },
      { label: 'order', num: true, cell: (b) => String(b.sort_order) },
    ],
  });
  return page.cleanup;
}

async function editBouquet(main, id) {
  const [b, live, movies, series] = await Promise.all([
    id ? api.get(`/bouquets/${id}`) : null, api.all('/streams'), api.all('/movies'), api.all('/series')]);
  const ro = !canWrite();
  // the bouquet's own items first, in its order (saving keeps that order),
  // then the rest of the catalogue
  const opts = (list, chosen = []) => {
    const pos = new Map((chosen || []).map((cid, i) => [cid, i]));
    const sorted = [...list].sort((x, y) => (pos.get(x.id) ?? Infinity) - (pos.get(y.id) ?? Infinity) || x.id - y.id);
    return sorted.map((x) => ({ value: x.id, label: x.name }));
  };
  const fields = [
    { name: 'name', label: 'Name', required: true, readonly: ro },
    { name: 'sort_order', label: 'Sort order', type: 'number', readonly: ro },
    { name: 'live', label: 'Live streams', type: 'multi', options: opts(live, b && b.live), empty: 'no stream yet' },
    { name: 'movies', label: 'Movies', type: 'multi', options: opts(movies, b && b.movies), empty: 'no movie yet' },
    { name: 'series', label: 'Series', type: 'multi', options: opts(series, b && b.series), empty: 'no series yet' },
  ];
  const form = buildForm(fields, b || { sort_order: 0, live: [], movies: [], series: [] }, {
    submitLabel: id ? 'Save bouquet' : 'Create bouquet', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = id ? await api.patch(`/bouquets/${id}`, changed) : await api.post('/bouquets', values);
      if (id) flash('ok', `bouquet ${saved.name} saved: ${saved.live.length} live, ${saved.movies.length} movies, ${saved.series.length} series`);
      else { flashAfter('ok', `bouquet ${saved.name} saved: ${saved.live.length} live, ${saved.movies.length} movies, ${saved.series.length} series`); location.hash = `#/bouquets/${saved.id}`; }
    },
  });
    clear(main,
    h('div.page-head', h('h1', b ? `Bouquet ${b.name}` : 'New bouquet'), h('a', { href: '#/bouquets' }, '← all bouquets'),
      b && !ro ? confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/bouquets/${id}`); flashAfter('ok', `bouquet ${b.name} deleted`); location.hash = '#/bouquets'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-bouquet') : null),
    h('section.card', form.el));
  return null;
}
