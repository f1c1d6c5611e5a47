// Categories of live streams, movies and series: list by type, create,
// rename, re-parent, reorder, delete (409 while something uses it).
import { h, clear, flash, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

const TYPES = ['live', 'movie', 'series'];

export default async function categories(main, params, m) {
  if (m[1]) return editCategory(main, m[1] === 'new' ? null : Number(m[1]), params);
  const page = listPage(main, {
    title: 'Categories', path: '/categories', params,
    filters: [{ name: 'type', label: 'type', options: [{ value: '', label: 'any type' }, ...TYPES.map((t) => ({ value: t, label: t }))] }],
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/categories/new', 'data-action': 'new-category' }, 'New category')] : [],
    columns: [
      { label: 'id', num: true, cell: (c) => String(c.id) },
      { label: 'name', clip: true, cell: (c) => h('a', { href: `#/categories/${c.id}` }, c.name) },
      { label: 'type', cell: (c) => c.type },
      { label: 'parent', num: true, cell: (c) => (c.parent_id ? String(c.parent_id) : '') },
      { label: 'order', num: true, cell: (c) => String(c.sort_order) },
    ],
  });
  return page.cleanup;
}

async function editCategory(main, id, params) {
  const [c, all] = await Promise.all([id ? api.get(`/categories/${id}`) : null, api.all('/categories')]);
  const ro = !canWrite();
  const type = c ? c.type : (TYPES.includes(params.type) ? params.type : 'live');
  // parents are categories of the same type; the list follows the type
  // chosen for a new one
  const parentOpts = [];
  const fillParents = (t) => parentOpts.splice(0, parentOpts.length, { value: 0, label: '— none —' },
    ...all.filter((x) => x.id !== id && x.type === t).map((p) => ({ value: p.id, label: p.name })));
  fillParents(type);
  const fields = [
    { name: 'name', label: 'Name', required: true, maxlength: 255 },
    { name: 'type', label: c ? 'Type (fixed once created)' : 'Type', type: 'select', readonly: !!c,
      options: TYPES.map((t) => ({ value: t, label: t })) },
    { name: 'parent_id', label: 'Parent (a category of the same type)', type: 'select', options: parentOpts },
    { name: 'sort_order', label: 'Sort order', type: 'number' },
  ];
  const form = buildForm(fields, c || { type, parent_id: 0, sort_order: 0 }, {
    submitLabel: id ? 'Save category' : 'Create category', readOnly: ro,
    async onSubmit(values, changed) {
      const saved = id ? await api.patch(`/categories/${id}`, changed) : await api.post('/categories', values);
      if (id) flash('ok', `category ${saved.name} saved`);
      else { flashAfter('ok', `category ${saved.name} created (${saved.type})`); location.hash = `#/categories/${saved.id}`; }
    },
  });
  if (!c) {
    form.input('type').addEventListener('change', (ev) => {
      fillParents(ev.target.value);
      clear(form.input('parent_id'), ...parentOpts.map((o) => h('option', { value: String(o.value) }, o.label)));
    });
  }
  clear(main,
    h('div.page-head', h('h1', c ? `Category ${c.name}` : 'New category'), h('a', { href: '#/categories' }, '← all categories'),
      c && !ro ? confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/categories/${id}`); flashAfter('ok', `category ${c.name} deleted`); location.hash = '#/categories'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-category') : null),
    h('section.card', form.el));
  return null;
}
