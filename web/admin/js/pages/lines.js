// Lines (subscribers): searchable list, create (the password is shown
// once), edit, and the actions: reset password, extend, ban/unban, kill
// connections, delete.
import { h, clear, flash, fmtTime, badge, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

export default async function lines(main, params, m) {
  if (m[1] === 'new') return editLine(main, null);
  if (m[1]) return editLine(main, Number(m[1]));
  const page = listPage(main, {
    title: 'Lines', path: '/lines', params, searchLabel: 'Search by username',
    filters: [{ name: 'status', label: 'status', options: [
      { value: '', label: 'any status' }, { value: 'active', label: 'active' },
      { value: 'disabled', label: 'disabled' }, { value: 'banned', label: 'banned' },
      { value: 'expired', label: 'expired' }] }],
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/lines/new', 'data-action': 'new-line' }, 'New line')] : [],
    columns: [
      { label: 'username', cell: (l) => h('a', { href: `#/lines/${l.id}` }, l.username) },
      { label: 'status', cell: (l) => badge(l.expired ? 'expired' : l.status) },
      { label: 'expires', cell: (l) => (l.exp_date === null ? 'never' : fmtTime(l.exp_date)) },
      { label: 'max conn.', num: true, cell: (l) => (l.max_connections === 0 ? '∞' : String(l.max_connections)) },
      { label: 'live', num: true, cell: (l) => String(l.connections) },
      { label: 'bouquets', num: true, cell: (l) => String(l.bouquets.length) },
      { label: 'trial', cell: (l) => (l.is_trial ? 'yes' : '') },
    ],
  });
  return page.cleanup;
}

async function editLine(main, id, fresh = null) {
  const [line, bouquets] = await Promise.all([
    id ? api.get(`/lines/${id}`) : Promise.resolve(null),
    api.all('/bouquets'),
  ]);
  const v = line || { status: 'active', max_connections: 1, outputs: ['ts', 'm3u8'], bouquets: [], exp_date: null };
  const ro = !canWrite();
  const fields = [
    { name: 'username', label: 'Username', required: true, maxlength: 64, readonly: ro },
    { name: 'password', label: id ? 'New password (empty: keep)' : 'Password (empty: generate one)', type: 'password', maxlength: 64, autocomplete: 'new-password', readonly: ro },
    { name: 'status', label: 'Status', type: 'select', readonly: ro, options: [
      { value: 'active', label: 'active' }, { value: 'disabled', label: 'disabled' }, { value: 'banned', label: 'banned' }] },
    { name: 'exp_date', label: 'Expires (UTC, empty: never)', type: 'date', readonly: ro },
    { name: 'max_connections', label: 'Max connections (0: unlimited)', type: 'number', min: 0, max: 1000000, readonly: ro },
    { name: 'is_trial', label: 'Trial line', type: 'bool', readonly: ro },
    { name: 'outputs', label: 'Outputs', type: 'multi', options: ['ts', 'm3u8', 'rtmp'].map((o) => ({ value: o, label: o })) },
    { name: 'bouquets', label: 'Bouquets', type: 'multi', empty: 'no bouquet yet', options: bouquets.map((b) => ({ value: b.id, label: b.name })) },
    { name: 'allowed_ips', label: 'Allowed addresses (one per line, CIDR allowed; empty: any)', type: 'lines' },
    { name: 'allowed_uas', label: 'Allowed User-Agents (one per line; empty: any)', type: 'lines' },
    { name: 'message', label: 'Message to the player', wide: true },
    { name: 'notes', label: 'Notes (admins only)', type: 'textarea' },
  ];
  const secretBox = h('div#line-secret');
  const actions = h('div.row#line-actions');
  const info = h('p.muted');
  const form = buildForm(fields, v, {
    submitLabel: id ? 'Save line' : 'Create line', readOnly: ro,
    async onSubmit(values, changed) {
      if (ro) return;
      if (id) {
        const saved = await api.patch(`/lines/${id}`, changed);
        flash('ok', `line ${saved.username} saved`);
        showInfo(saved);
      } else {
        const created = await api.post('/lines', values);
        // the password is in this answer only (generated or as typed)
        const pw = created.password ?? values.password;
        // show the new line's page without a hashchange, so the password
        // is handed over in memory and never stored
        history.replaceState(null, '', `#/lines/${created.id}`);
        await editLine(main, created.id, { username: created.username, password: pw });
      }
    },
  });
  
  function showInfo(l) {
    if (!l) return;
    info.textContent = `id ${l.id} · created ${fmtTime(l.created_at)} · ${l.connections} live connection(s)`
      + (l.expired ? ' · expired' : '');
    clear(actions);
    if (!canWrite()) return;
    actions.append(
      h('button.btn', { type: 'button', 'data-action': 'reset-password', on: { click: () => act('password', {}, (r) => showSecret(l.username, r.password, 'New password')) } }, 'Reset password'),
      h('button.btn', { type: 'button', 'data-action': 'extend', on: { click: () => act('extend', { days: 30 }, (r) => { flash('ok', `${r.username} now expires ${fmtTime(r.exp_date)}`); refresh(); }) } }, 'Extend 30 days'),
      l.status === 'banned'
        ? h('button.btn', { type: 'button', 'data-action': 'unban', on: { click: () => act('unban', {}, () => { flash('ok', `${l.username} unbanned`); refresh(); }) } }, 'Unban')
        : h('button.btn.btn-danger', { type: 'button', 'data-action': 'ban', on: { click: () => act('ban', {}, () => { flash('ok', `${l.username} banned`); refresh(); }) } }, 'Ban'),
      confirmButton('Kill connections', 'Kill all?', () => act('kill', {}, () => flash('ok', `kill sent: every connection of ${l.username} ends within a second or two`)), 'kill-line'),
      confirmButton('Delete line', 'Really delete?', async () => {
        try { await api.del(`/lines/${l.id}`); flashAfter('ok', `line ${l.username} deleted`); location.hash = '#/lines'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-line'));
  }
  async function act(what, body, done) {
    try { done(await api.post(`/lines/${id}/${what}`, body)); } catch (e) { flash('error', `${what}: ${e.describe()}`); }
  }
  async function refresh() {
    try {
      const l = await api.get(`/lines/${id}`);
      showInfo(l);
      const st = form.input('status');
      if (st) st.value = l.status;
    } catch (e) { flash('error', e.describe()); }
  }
  function showSecret(username, password, what) {
    clear(secretBox, h('div.card',
      h('h2', `${what} of ${username} — shown once, copy it now`),
      h('div.row', h('span.secret', { 'data-secret': 'password' }, password)),
      h('p.muted', 'Player URL: ', h('code', `${location.origin}/player_api.php?username=${username}&password=…`))));
  }

  clear(main,
    h('div.page-head', h('h1', line ? `Line ${line.username}` : 'New line'), h('a', { href: '#/lines' }, '← all lines')),
    secretBox,
    line ? h('section.card', info, actions) : null,
    h('section.card', form.el));
  if (line) showInfo(line);
  if (fresh) {
    flash('ok', `line ${fresh.username} created`);
    if (fresh.password) showSecret(fresh.username, fresh.password, 'Password');
  }
  return null;
}
