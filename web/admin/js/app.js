// Panel start-up: learn the session (GET /session), show the login form or
// the page named by the hash (#/lines, #/streams/12, ...).
import { clear, flash, setFlashBox, clearFlash, h } from './dom.js';
import * as api from './api.js';
import { session } from './session.js';
import dashboard from './pages/dashboard.js';
import lines from './pages/lines.js';
import streams from './pages/streams.js';
import stream from './pages/stream.js';
import vod from './pages/vod.js';
import series from './pages/series.js';
import bouquets from './pages/bouquets.js';
import connections from './pages/connections.js';
import epg from './pages/epg.js';
import categories from './pages/categories.js';
import profiles from './pages/profiles.js';
import activity from './pages/activity.js';
import audit from './pages/audit.js';
import admins from './pages/admins.js';
import settings from './pages/settings.js';

// [section, pattern, page(main, params, match)]
const routes = [
  ['dashboard', /^dashboard$/, dashboard],
  ['lines', /^lines(?:\/(new|\d+))?$/, lines],
  ['streams', /^streams(?:\/new)?$/, streams],
  ['streams', /^streams\/(\d+)$/, stream],
  ['vod', /^vod(?:\/(new|\d+))?$/, vod],
  ['series', /^series(?:\/(new|\d+))?$/, series],
  ['bouquets', /^bouquets(?:\/(new|\d+))?$/, bouquets],
  ['connections', /^connections$/, connections],
  ['epg', /^epg(?:\/(new|\d+))?$/, epg],
  ['categories', /^categories(?:\/(new|\d+))?$/, categories],
  ['profiles', /^profiles(?:\/(new|\d+))?$/, profiles],
  ['activity', /^activity$/, activity],
  ['audit', /^audit$/, audit],
  ['admins', /^admins(?:\/(new|\d+))?$/, admins],
  ['settings', /^settings$/, settings],
];

const $ = (id) => document.getElementById(id);
let cleanup = null;
let routeSeq = 0;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  return { path: path || 'dashboard', params: Object.fromEntries(new URLSearchParams(query || '')) };
}

async function route() {
  if (!session.user) return;
  if (cleanup) { try { cleanup(); } catch { /* a page's own timers */ } cleanup = null; }
  clearFlash();
  const { path, params } = parseHash();
  // each visit renders into a view of its own: a page still loading when
  // the user moves on finishes into a detached element, never over the
  // next page
  const seq = ++routeSeq;
  const view = h('div.view');
  clear($('main'), view);
  for (const [section, re, page] of routes) {
    const m = re.exec(path);
    if (!m) continue;
    for (const a of $('nav').querySelectorAll('a')) a.classList.toggle('active', a.dataset.page === section);
    document.title = `xtream admin · ${section}`;
    clear(view, h('p.muted', 'Loading…'));
    let r = null;
    try {
      r = await page(view, params, m);
    } catch (e) {
      if (seq === routeSeq) {
        clear(view);
        flash('error', e.describe ? e.describe() : e.message);
      }
    }
    if (seq === routeSeq) cleanup = typeof r === 'function' ? r : null;
    else if (typeof r === 'function') r();       // left already: stop its timers
    return;
  }
  clear(view, h('h1', 'Not found'), h('p', 'No page at ', h('code', `#/${path}`), '.'));
}

function showApp() {
  $('login').hidden = true;
  $('app').hidden = false;
  $('whoami-name').textContent = session.user.username;
  $('whoami-role').textContent = session.user.role;
  document.body.dataset.role = session.user.role;
  route();
}

function showLogin(message) {
  if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
  session.user = null;
  api.setCsrf('');
  $('app').hidden = true;
  $('login').hidden = false;
  const err = $('login-error');
  err.hidden = !message;
  err.textContent = message || '';
  document.title = 'xtream admin · log in';
  $('login-username').focus();
}

function setSession(s) {
  session.user = { username: s.username, role: s.role, expires: s.expires };
  api.setCsrf(s.csrf_token);
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const btn = $('login-submit');
  btn.disabled = true;
  try {
    const s = await api.post('/login', { username: $('login-username').value, password: $('login-password').value });
    $('login-password').value = '';
    setSession(s);
    showApp();
  } catch (e) {
    showLogin(e.code === 'bad_login' ? 'Wrong username or password.' : e.describe());
  } finally {
    btn.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try { await api.post('/logout'); } catch (e) { if (e.status !== 401) { flash('error', e.describe()); return; } }
  showLogin('');
});

api.setUnauthorizedHandler(() => showLogin('Your session has ended; please log in again.'));
window.addEventListener('hashchange', route);
setFlashBox($('flash'));

(async () => {
  try {
    setSession(await api.get('/session'));
    showApp();
  } catch (e) {
    showLogin(e.code === 'unauthorized' ? '' : e.describe());
  }
})();
