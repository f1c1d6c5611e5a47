// HLS preview with hls.js (vendor/hls.min.js, a global `Hls`), playing the
// signed URL POST /streams/{id}/preview gives (/hls/ID/0/index.m3u8?t=...):
// the module checks it as any player's token, so what plays here is what a
// player of that line gets (and it counts as one of the line's viewers).
import { h } from './dom.js';

export function createPreview() {
  const video = h('video#preview', { controls: true, muted: true, playsinline: true, 'data-role': 'preview' });
  video.muted = true;                 // autoplay needs muted
  const status = h('p.muted#preview-status', { 'data-role': 'preview-status' }, 'not playing');
  let hls = null;

  function say(text, kind) {
    status.textContent = text;
    status.className = kind === 'error' ? 'form-error' : 'muted';
    status.dataset.state = kind || 'info';
  }

  function stop() {
    if (hls) { hls.destroy(); hls = null; }
    video.removeAttribute('src');
    video.load();
    say('not playing');
  }

  function play(url) {
    stop();
    say('loading…', 'loading');
    const Hls = window.Hls;
    if (Hls && Hls.isSupported()) {
      hls = new Hls({ lowLatencyMode: false, liveSyncDurationCount: 3, manifestLoadingMaxRetry: 2 });
      hls.on(Hls.Events.MANIFEST_PARSED, (_e, d) => {
        say(`playing · ${d.levels.length} variant(s)`, 'playing');
        video.play().catch((e) => say(`the browser would not start playback: ${e.message}`, 'error'));
      });
      hls.on(Hls.Events.ERROR, (_e, d) => {
        if (!d.fatal) return;
        const code = d.response && d.response.code;
        let why = `${d.type}: ${d.details}`;
        if (code === 401 || code === 403) why = `the server refused this line for this stream (HTTP ${code}): wrong password, the stream is not in the line's bouquets, or the line is out of connections`;
        else if (code === 404) why = 'the server has no such stream (HTTP 404): is it enabled, and has the snapshot caught up?';
        else if (code) why += ` (HTTP ${code})`;
        say(`preview failed: ${why}`, 'error');
        hls.destroy();
        hls = null;
      });
      hls.loadSource(url);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = url;             // Safari plays HLS natively
      video.play().then(() => say('playing', 'playing'), (e) => say(`preview failed: ${e.message}`, 'error'));
    } else {
      say('this browser cannot play HLS (no Media Source Extensions)', 'error');
    }
  }

  return { video, status, play, stop };
}
