// Settings: every row of the settings table, each editable, saved
// together (PATCH /settings with what changed); a new name can be added
// and a setting removed (null).  Checks are the server's: its error names
// the setting (field), which is marked here.  What each setting does:
// docs/SETTINGS.md.
import { h, clear, flash } from '../dom.js';
import * as api from '../api.js';
import { canWrite } from '../session.js';

export default async function settings(main) {
  const ro = !canWrite();
  let items = (await api.get('/settings')).items || {};
  const tbody = h('tbody');
  const errorBox = h('p.form-error', { role: 'alert', hidden: true });
  const rows = new Map();          // name -> {tr, input, removed}

  function row(name, value, fresh) {
    const input = h('input', { value, maxlength: 1024, readonly: ro, 'data-setting': name, 'aria-label': name });
    const msg = h('span.field-msg');
    const r = { input, msg, removed: false, fresh };
    const del = ro ? null : h('button.btn.btn-small.btn-danger', { type: 'button', 'data-action': 'remove-setting', on: { click: () => {
      r.removed = !r.removed;
      r.tr.classList.toggle('removed', r.removed);
      del.textContent = r.removed ? 'Keep' : 'Remove';
    } } }, 'Remove');
    r.tr = h('tr', { 'data-name': name }, h('td', h('code', name)), h('td', input, msg), h('td', del));
    rows.set(name, r);
    return r.tr;
  }
  function render() {
    rows.clear();
    clear(tbody, ...Object.keys(items).sort().map((k) => row(k, items[k], false)));
    if (!Object.keys(items).length) tbody.append(h('tr', h('td.empty', { colspan: 3 }, 'no setting stored yet')));
  }
  render();

  const newName = h('input#new-setting-name', { placeholder: 'name (a-z, 0-9, _)', maxlength: 64, 'aria-label': 'new setting name' });
  const newValue = h('input#new-setting-value', { placeholder: 'value', maxlength: 1024, 'aria-label': 'new setting value' });
  const add = h('button.btn', { type: 'button', 'data-action': 'add-setting', on: { click: () => {
    const n = newName.value.trim();
    if (!n) return;
    if (rows.has(n)) { rows.get(n).input.value = newValue.value; } else tbody.append(row(n, newValue.value, true));
    newName.value = ''; newValue.value = '';
  } } }, 'Add');
  const save = h('button.btn.btn-primary', { type: 'button', 'data-action': 'save-settings', on: { click: async () => {
    const body = {};
    for (const [n, r] of rows) {
      if (r.removed) { if (!r.fresh) body[n] = null; } else if (r.fresh || r.input.value !== items[n]) body[n] = r.input.value;
    }
    for (const r of rows.values()) { r.tr.classList.remove('field-error'); r.msg.textContent = ''; }
    errorBox.hidden = true;
    if (!Object.keys(body).length) { flash('info', 'nothing changed'); return; }
    save.disabled = true;
    try {
      items = (await api.patch('/settings', body)).items || {};
      render();
      flash('ok', `settings saved: ${Object.keys(body).join(', ')}`);
    } catch (e) {
      clear(errorBox, e.describe ? e.describe() : e.message);
      errorBox.hidden = false;
      const r = e.field && rows.get(String(e.field).replace(/[[.].*$/, ''));
      if (r) { r.tr.classList.add('field-error'); r.msg.textContent = e.message; r.input.focus(); }
    } finally { save.disabled = false; }
  } } }, 'Save settings');

  clear(main,
    h('div.page-head', h('h1', 'Settings')),
    h('section.card',
      h('p.muted', 'Stored settings (the settings table); xtreamd checks each value when you save, and its players see a change within about a second. What each one does: docs/SETTINGS.md in the source tree.'),
      errorBox,
      h('div.table-wrap', h('table.list.settings#settings', h('thead', h('tr', h('th', 'name'), h('th', 'value'), h('th', ''))), tbody)),
      ro ? null : h('div.row', { style: null }, newName, newValue, add),
      ro ? null : h('div.form-actions', save)));
  return null;
}
