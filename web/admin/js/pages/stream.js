// One stream: live status (refreshed every 2 s), start/stop/restart,
// the signed HLS preview (POST /streams/{id}/preview), and the edit form.
import { h, clear, flash, fmtKbps, fmtDuration, fmtTime, badge, flashAfter } from '../dom.js';
import * as api from '../api.js';
import { streamForm } from '../stream-form.js';
import { canWrite } from '../session.js';
import { createPreview } from '../preview.js';
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

  // preview: the admin API signs a short-lived HLS URL for a line that
  // may watch the stream, bound to this browser (no password typed)
  const asLine = h('span.muted#preview-line');
  const playBtn = h('button.btn.btn-primary', { type: 'button', 'data-action': 'preview', on: { click: async () => {
    try {
      const p = await api.post(`/streams/${id}/preview`);
      asLine.textContent = `as line ${p.username}`;
      preview.play(p.url);
    } catch (e) { flash('error', `preview: ${e.describe()}`); }
  } } }, 'Play preview');
  const stopBtn = h('button.btn', { type: 'button', 'data-action': 'preview-stop', on: { click: () => preview.stop() } }, 'Stop preview');
  const previewForm = canWrite() ? h('div.row', playBtn, stopBtn, asLine) : h('p.muted', 'Previews are for role admin.');

  const form = await streamForm(s, (saved) => { s = saved; render(); flash('ok', `stream ${saved.name} saved`); });
  clear(main,
    h('div.page-head', title, state, h('a', { href: '#/streams' }, '← all streams')),
    h('div.grid2',
      h('section.card', h('h2', 'Status'), dl, h('div.row', actions)),
      h('section.card', h('h2', 'Preview'),
        h('div.video-box', preview.video), preview.status,
        previewForm,
        h('p.muted', 'Plays the stream over HLS as a player of a line that has it in its bouquets would; it counts as one of that line\'s connections.'))),
    h('section.card', h('h2', 'Settings'), form.el));
  render();

  async function refresh() {
    try { s = await api.get(`/streams/${id}`); render(); } catch (e) { if (e.status !== 401) flash('error', e.describe()); }
  }
  const timer = setInterval(refresh, 2000);
  return () => { clearInterval(timer); preview.stop(); };
}
