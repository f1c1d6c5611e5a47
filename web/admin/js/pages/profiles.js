// Transcode profiles: copy (remux) or an ABR ladder of 1..6 rungs, each
// rung a name, a height and video/audio bitrates; the ladder editor adds,
// removes and moves rungs.  A profile in use cannot be deleted (409).
import { h, clear, flash, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { listPage } from '../list-page.js';
import { buildForm } from '../form.js';
import { canWrite } from '../session.js';
import { confirmButton } from '../confirm.js';

const MAX_RUNGS = 6;

export default async function profiles(main, params, m) {
  if (m[1]) return editProfile(main, m[1] === 'new' ? null : Number(m[1]));
  const page = listPage(main, {
    title: 'Transcode profiles', path: '/profiles', params,
    head: canWrite() ? [h('a.btn.btn-primary', { href: '#/profiles/new', 'data-action': 'new-profile' }, 'New profile')] : [],
    columns: [
      { label: 'id', num: true, cell: (p) => String(p.id) },
      { label: 'name', clip: true, cell: (p) => h('a', { href: `#/profiles/${p.id}` }, p.name) },
      { label: 'mode', cell: (p) => p.mode },
      { label: 'ladder', cell: (p) => (p.ladder ? p.ladder.map((r) => `${r.name} ${r.height}p ${r.video_kbps}k`).join(' · ') : 'copy') },
      { label: 'preset', cell: (p) => p.preset },
      { label: 'segment', num: true, cell: (p) => `${p.segment_seconds} s × ${p.window_segments}` },
    ],
  });
  return page.cleanup;
}

// the ladder as a table of inputs; value() gives the API's array
function ladderEditor(rungs, ro) {
  const tbody = h('tbody');
  const addBtn = h('button.btn.btn-small', { type: 'button', 'data-action': 'add-rung', hidden: ro }, 'Add rung');
  const num = (name, v, min, max) => h('input', { type: 'number', name, value: v ?? '', min, max, readonly: ro, 'aria-label': name });
  function rung(r = {}) {
    const tr = h('tr.ladder-row',
      h('td', h('input', { name: 'name', value: r.name ?? '', maxlength: 16, readonly: ro, 'aria-label': 'rung name', placeholder: '720p' })),
      h('td', num('height', r.height, 144, 2160)), h('td', num('video_kbps', r.video_kbps, 64, 50000)),
      h('td', num('audio_kbps', r.audio_kbps ?? 128, 32, 512)),
      h('td', ro ? null : h('div.row',
        h('button.btn.btn-small', { type: 'button', title: 'move up', on: { click: () => { if (tr.previousSibling) tr.after(tr.previousSibling); } } }, '↑'),
        h('button.btn.btn-small.btn-danger', { type: 'button', 'data-action': 'remove-rung', on: { click: () => { tr.remove(); sync(); } } }, 'Remove'))));
    return tr;
  }
  function sync() { addBtn.disabled = tbody.children.length >= MAX_RUNGS; }
  addBtn.addEventListener('click', () => {
    const last = tbody.lastElementChild;
    const h0 = last ? Number(last.querySelector('[name=height]').value) || 720 : 720;
    tbody.append(rung({ name: `${Math.round(h0 * 2 / 3)}p`, height: Math.round(h0 * 2 / 3), video_kbps: 1200, audio_kbps: 96 }));
    sync();
  });
  for (const r of rungs || []) tbody.append(rung(r));
  sync();
  const el = h('div.ladder#ladder', h('div.table-wrap', h('table.list',
    h('thead', h('tr', ['name', 'height', 'video kbit/s', 'audio kbit/s', ''].map((x) => h('th', x)))), tbody)), addBtn);
  return {
    el,
    value() {
      return [...tbody.children].map((tr) => {
        const v = (n) => tr.querySelector(`[name=${n}]`).value;
        const n = (k) => (v(k) === '' ? null : Number(v(k)));
        return { name: v('name'), height: n('height'), video_kbps: n('video_kbps'), audio_kbps: n('audio_kbps') };
      });
    },
    // "ladder[1].height: ..." marks that rung
    mark(field) {
      for (const tr of tbody.children) tr.classList.remove('field-error');
      const i = /^ladder\[(\d+)\]/.exec(field || '');
      if (i && tbody.children[Number(i[1])]) tbody.children[Number(i[1])].classList.add('field-error');
    },
  };
}

async function editProfile(main, id) {
  const p = id ? await api.get(`/profiles/${id}`) : null;
  const ro = !canWrite();
  const fields = [
    { name: 'name', label: 'Name', required: true, maxlength: 64 },
    { name: 'mode', label: 'Mode', type: 'select', options: [{ value: 'copy', label: 'copy (remux, no transcoding)' }, { value: 'abr', label: 'abr (transcode to the ladder)' }] },
    { name: 'preset', label: 'x264 preset (abr)', type: 'select', options: ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow'].map((x) => ({ value: x, label: x })) },
    { name: 'segment_seconds', label: 'HLS segment (seconds)', type: 'number', min: 1, max: 30 },
    { name: 'window_segments', label: 'Live window (segments)', type: 'number', min: 2, max: 100 },
  ];
  const v = p || { mode: 'copy', preset: 'veryfast', segment_seconds: 4, window_segments: 6, ladder: null };
  const ladder = ladderEditor(v.ladder || [{ name: '720p', height: 720, video_kbps: 2500, audio_kbps: 128 }], ro);
  const ladderCard = h('div.wide', h('h2', 'Ladder'), ladder.el);
  const form = buildForm(fields, v, {
    submitLabel: id ? 'Save profile' : 'Create profile', readOnly: ro,
    async onSubmit(values, changed) {
      const body = id ? changed : values;
      const mode = values.mode;
      body.ladder = mode === 'abr' ? ladder.value() : null;
      if (id && mode === 'copy' && p.mode === 'copy') delete body.ladder;
      ladder.mark(null);
      try {
        const saved = id ? await api.patch(`/profiles/${id}`, body) : await api.post('/profiles', body);
        if (id) flash('ok', `profile ${saved.name} saved`);
        else { flashAfter('ok', `profile ${saved.name} created`); location.hash = `#/profiles/${saved.id}`; }
      } catch (e) { ladder.mark(e.field); throw e; }
    },
  });
  const syncMode = () => { ladderCard.hidden = form.input('mode').value !== 'abr'; };
  form.input('mode').addEventListener('change', syncMode);
  form.el.querySelector('.form-actions').before(ladderCard);
  syncMode();
  clear(main,
    h('div.page-head', h('h1', p ? `Profile ${p.name}` : 'New transcode profile'), h('a', { href: '#/profiles' }, '← all profiles'),
      p && !ro ? confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/profiles/${id}`); flashAfter('ok', `profile ${p.name} deleted`); location.hash = '#/profiles'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-profile') : null),
    h('section.card', form.el));
  return null;
}
