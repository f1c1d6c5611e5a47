// One stream: live status (refreshed every 2 s), start/stop/restart,
// an HLS preview through a line's player URL, and the edit form.
import { h, clear, flash, fmtKbps, fmtDuration, fmtTime, badge, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { streamForm } from '../stream-form.js';
import { canWrite, previewLine, setPreviewLine } from '../session.js';
import { createPreview, playerUrl } from '../preview.js';
import { confirmButton } from '../confirm.js';

export default async function stream(main, _params, m) {
  const id = Number(m[1]);
  let s = await api.get(`/streams/${id}`);
  const title = h('h1');
  const state = h('span');
  const dl = h('dl.kv#stream-status');
  const actions = h('div.row');
  const preview = createPreview();

  function render() {
    title.textContent = s.name;
    state.replaceChildren(badge(s.enabled ? s.status.state : 'disabled'));
    const st = s.status;
    const rows = [
      ['state', st.state], ['uptime', st.state === 'running' ? fmtDuration(st.uptime) : '—'],
      ['bitrate', fmtKbps(st.bitrate_kbps)], ['fps', String(st.fps)], ['speed', `${st.speed}×`],
      ['video', st.video_codec ? `${st.video_codec} ${st.width}×${st.height}` : '—'],
      ['audio', st.audio_codec || '—'], ['restarts', String(st.restarts)], ['worker pid', st.pid ? String(st.pid) : '—'],
      ['last error', st.last_error || '—'], ['status updated', fmtTime(st.updated_at)],
      ['mode', s.on_demand ? 'on demand' : 'always on'], ['sources', s.sources.length ? s.sources.join('\n') : 'none (RTMP push only)'],
    ];
    dl.replaceChildren(...rows.flatMap(([k, v]) => [h('dt', k), h('dd', { 'data-field': k.replace(/\s+/g, '_') }, v)]));
  }

  async function act(what) {
    try {
      await api.post(`/streams/${id}/${what}`);
      flash('info', `${what} asked; the supervisor acts within a second`);
      setTimeout(refresh, 500);
    } catch (e) { flash('error', `${what}: ${e.describe()}`); }
  }
  if (canWrite()) {
    actions.append(
      h('button.btn', { type: 'button', 'data-action': 'start', on: { click: () => act('start') } }, 'Start'),
      h('button.btn', { type: 'button', 'data-action': 'restart', on: { click: () => act('restart') } }, 'Restart'),
      confirmButton('Stop', 'Stop it?', () => act('stop'), 'stop'),
      confirmButton('Delete', 'Really delete?', async () => {
        try { await api.del(`/streams/${id}`); flashAfter('ok', `stream ${s.name} deleted`); location.hash = '#/streams'; } catch (e) { flash('error', e.describe()); }
      }, 'delete-stream'));
  }

  // preview: which line to play it as
  const pl = previewLine() || { username: '', password: '' };
  const pu = h('input#preview-username', { placeholder: 'line username', value: pl.username, autocomplete: 'off', 'aria-label': 'line username' });
  const pp = h('input#preview-password', { type: 'password', placeholder: 'line password', value: pl.password, autocomplete: 'off', 'aria-label': 'line password' });
  const playBtn = h('button.btn.btn-primary', { type: 'submit', 'data-action': 'preview' }, 'Play preview');
  const stopBtn = h('button.btn', { type: 'button', 'data-action': 'preview-stop', on: { click: () => preview.stop() } }, 'Stop preview');
  const previewForm = h('form.row', { autocomplete: 'off' }, pu, pp, playBtn, stopBtn);
  previewForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!pu.value || !pp.value) { flash('error', 'preview: give the username and password of a line that has this stream in its bouquets'); return; }
    setPreviewLine(pu.value, pp.value);
    preview.play(playerUrl(pu.value, pp.value, id));
  });

  const form = await streamForm(s, (saved) => { s = saved; render(); flash('ok', `stream ${saved.name} saved`); });
  clear(main,
    h('div.page-head', title, state, h('a', { href: '#/streams' }, '← all streams')),
    h('div.grid2',
      h('section.card', h('h2', 'Status'), dl, h('div.row', actions)),
      h('section.card', h('h2', 'Preview'),
        h('div.video-box', preview.video), preview.status,
        previewForm,
        h('p.muted', 'Plays the stream as a player of that line would (HLS, token-signed segments); it counts as one of the line\'s connections.'))),
    h('section.card', h('h2', 'Settings'), form.el));
  render();

  async function refresh() {
    try { s = await api.get(`/streams/${id}`); render(); } catch (e) { if (e.status !== 401) flash('error', e.describe()); }
  }
  const timer = setInterval(refresh, 2000);
  return () => { clearInterval(timer); preview.stop(); };
}
