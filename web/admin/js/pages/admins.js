// Admins (role admin only): the accounts of this panel and the API; add
// one, change its role, reset its password (a generated one, shown once),
// release a login lock-out, delete.
import { h, clear, flash, flashAfter, fmtTime, badge } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { confirmButton } from '../confirm.js';

const locked = (a) => a.locked_until > Date.now() / 1000;

// 20 characters without look-alikes (O/0, l/1, I)
function newPassword() {
  const abc = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const r = crypto.getRandomValues(new Uint32Array(20));
  return [...r].map((x) => abc[x % abc.length]).join('');
}

export default async function admins(main, params, m) {
  if (m[1]) return editAdmin(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'Admins', path: '/admins', params, searchLabel: 'Search by username',
    head: [h('a.btn.btn-primary', { href: '#/admins/new', 'data-action': 'new-admin' }, 'New admin')],
    columns: [
      { label: 'username', cell: (a) => h('a', { href: `#/admins/${a.id}` }, a.username) },
      { label: 'role', cell: (a) => a.role },
      { label: 'last login', cell: (a) => fmtTime(a.last_login) },
      { label: 'created', cell: (a) => fmtTime(a.created_at) },
      { label: 'lock-out', cell: (a) => (locked(a) ? h('span', badge('locked'), ` until ${fmtTime(a.locked_until)}`) : '') },
    ],
  });
  return page.cleanup;
}

async function editAdmin(main, id, fresh = null) {
  const a = id ? await api.get(`/admins/${id}`) : null;
  const secret = h('div#admin-secret');
  const fields = [
    { name: 'username', label: 'Username', required: true, maxlength: 64, readonly: !!a },
    { name: 'role', label: 'Role', type: 'select', options: [{ value: 'admin', label: 'admin (everything)' }, { value: 'viewer', label: 'viewer (reads only)' }] },
  ];
  if (!a) fields.push({ name: 'password', label: 'Password (8..128; empty: generate one)', type: 'password', autocomplete: 'new-password' });
  const form = buildForm(fields, a || { role: 'viewer' }, {
    submitLabel: a ? 'Save admin' : 'Create admin',
    async onSubmit(values, changed) {
      if (a) {
        const saved = await api.patch(`/admins/${id}`, changed);
        flash('ok', `admin ${saved.username} saved (role ${saved.role})`);
        return;
      }
      const pw = values.password || newPassword();
      const saved = await api.post('/admins', { ...values, password: pw });
      // the new admin's page, the generated password handed over in memory
      history.replaceState(null, '', `#/admins/${saved.id}`);
      await editAdmin(main, saved.id, { username: saved.username, password: values.password ? null : pw });
    },
  });
  function showSecret(user, pw) {
    if (!pw) return;
    clear(secret, h('div.card', h('h2', `Password of ${user} — shown once, copy it now`), h('span.secret', { 'data-secret': 'password' }, pw)));
  }
  const info = h('p.muted');
  const actions = h('div.row#admin-actions');
  function showInfo(x) {
    info.textContent = `id ${x.id} · created ${fmtTime(x.created_at)} · last login ${fmtTime(x.last_login)}`
      + (locked(x) ? ` · locked out until ${fmtTime(x.locked_until)}` : '');
    clear(actions,
      h('button.btn', { type: 'button', 'data-action': 'reset-admin-password', on: { click: async () => {
        const pw = newPassword();
        try { await api.patch(`/admins/${id}`, { password: pw }); showSecret(x.username, pw); flash('ok', `new password for ${x.username}; their sessions have ended`); } catch (e) { flash('error', e.describe()); }
      } } }, 'Reset password'),
      locked(x) ? h('button.btn', { type: 'button', 'data-action': 'unlock', on: { click: async () => {
        try { const r = await api.post(`/admins/${id}/unlock`); flash('ok', `${r.username} can log in again`); showInfo(r); } catch (e) { flash('error', e.describe()); }
      } } }, 'Release lock-out') : null,
      confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/admins/${id}`); flashAfter('ok', `admin ${x.username} deleted`); location.hash = '#/admins'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-admin'));
  }
  clear(main,
    h('div.page-head', h('h1', a ? `Admin ${a.username}` : 'New admin'), h('a', { href: '#/admins' }, '← all admins')),
    secret,
    a ? h('section.card', info, actions) : null,
    h('section.card', form.el));
  if (a) showInfo(a);
  if (fresh) {
    flash('ok', `admin ${fresh.username} created`);
    showSecret(fresh.username, fresh.password);
  }
  return null;
}
