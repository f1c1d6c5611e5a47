// A searchable, paged list of one API resource: search box (q), filter
// selects, a table, prev/next.  Filters start from the page's hash query
// (#/lines?expiring_within=604800) so the dashboard can link into a list.
import { h, clear, flash, clip } from './dom.js';
import { get } from './api.js';

const LIMIT = 25;

// opts: {title, path, columns:[{label, cell(item), num, clip}], filters:[{name,label,options}],
//        head:[nodes], params, searchLabel, rowId(item), refreshMs}
export function listPage(main, opts) {
  const state = { q: opts.params.q || '', offset: Number(opts.params.offset) || 0, filters: {} };
  for (const f of opts.filters || []) state.filters[f.name] = opts.params[f.name] ?? f.initial ?? '';
  for (const [k, v] of Object.entries(opts.params)) {
    if (k !== 'q' && k !== 'offset' && !(k in state.filters)) state.filters[k] = v;  // hidden filters
  }

  const search = h('input.search', { type: 'search', placeholder: opts.searchLabel || 'Search by name',
    value: state.q, 'aria-label': 'search', 'data-role': 'search' });
  const selects = (opts.filters || []).map((f) => {
    const s = h('select', { 'aria-label': f.label, 'data-filter': f.name },
      f.options.map((o) => h('option', { value: o.value, selected: String(o.value) === String(state.filters[f.name]) }, o.label)));
    s.addEventListener('change', () => { state.filters[f.name] = s.value; state.offset = 0; load(); });
    return s;
  });
  const hidden = Object.keys(state.filters).filter((k) => !(opts.filters || []).some((f) => f.name === k));
  const chips = hidden.map((k) => h('span.badge', `${k}=${state.filters[k]}`));
  const tbody = h('tbody');
  const table = h('table.list', { 'data-list': opts.path },
    h('thead', h('tr', opts.columns.map((c) => h('th', c.label)))), tbody);
  const info = h('span');
  const prev = h('button.btn.btn-small', { type: 'button', on: { click: () => { state.offset = Math.max(0, state.offset - LIMIT); load(); } } }, '‹ Prev');
  const next = h('button.btn.btn-small', { type: 'button', on: { click: () => { state.offset += LIMIT; load(); } } }, 'Next ›');

  clear(main,
    h('div.page-head', h('h1', opts.title), ...chips, search, ...selects, ...(opts.head || [])),
    h('div.table-wrap', table),
    h('div.pager', prev, info, next));

  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = search.value.trim(); state.offset = 0; load(); }, 250);
  });

  let seq = 0;
  async function load() {
    const mine = ++seq;
    let page;
    try {
      page = await get(opts.path, { limit: LIMIT, offset: state.offset, q: state.q, ...state.filters });
    } catch (e) {
      if (mine === seq) flash('error', `${opts.title}: ${e.describe ? e.describe() : e.message}`);
      return;
    }
    if (mine !== seq) return;           // an older answer arriving late
    tbody.replaceChildren();
    if (!page.items.length) {
      tbody.append(h('tr', h('td.empty', { colspan: opts.columns.length }, state.q ? `nothing matches “${state.q}”` : 'nothing here yet')));
    }
    for (const item of page.items) {
      const tr = h('tr', { 'data-id': opts.rowId ? opts.rowId(item) : item.id });
      for (const c of opts.columns) tr.append(h('td', { class: c.num ? 'num' : null }, c.clip ? clip(c.cell(item, load)) : c.cell(item, load)));
      tbody.append(tr);
    }
    const from = page.total ? page.offset + 1 : 0;
    info.textContent = `${from}–${page.offset + page.items.length} of ${page.total}`;
    prev.disabled = page.offset === 0;
    next.disabled = page.offset + page.items.length >= page.total;
  }
  load();
  // an armed confirmation (Kill, Delete) would be replaced by the new rows
  // and lose its first click: hold the refresh until it acts or disarms
  const tick = () => { if (!table.querySelector('.armed')) load(); };
  const every = opts.refreshMs ? setInterval(tick, opts.refreshMs) : null;
  // query: the list's current search and filters (for an export)
  const query = () => ({ q: state.q, ...state.filters });
  return { reload: load, query, cleanup: () => { clearInterval(every); clearTimeout(timer); } };
}
