// The web panel in a real browser (Debian's chromium, driven by
// playwright-core), against a real nginx + module + panel + admin API proxy,
// xtreamd with its admin API, MariaDB and an ffmpeg-made stream, all started
// by t/510-panel-browser.t, which passes:
//   XT_URL          http://127.0.0.1:PORT  (nginx)
//   XT_ADMIN_USER / XT_ADMIN_PASS          an admin account
//   XT_VIEWER_USER / XT_VIEWER_PASS        a viewer (read-only) account
//   XT_SOURCE       source URL of the stream the test adds (file:///...)
//   XT_PROFILE      transcode profile name to pick (1 s segments)
//   XT_BOUQUET      an existing bouquet the new line gets and the stream joins
//   XT_EXPIRING_LINE a line that expires within 7 days (dashboard)
//   XT_SHOTS        directory for the screenshots (docs/screenshots), or empty
// Prints TAP; exit status 0 only when every step passed.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { step, ok, note, finish, until, StopRun } from './tap.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repo, 'web/package.json'));
const { chromium } = require('playwright-core');

const env = (k) => { const v = process.env[k]; if (v === undefined) throw new Error(`${k} is not set`); return v; };
const URL0 = env('XT_URL');
const ADMIN = env('XT_ADMIN_USER');
const ADMIN_PASS = env('XT_ADMIN_PASS');
const SOURCE = env('XT_SOURCE');
const PROFILE = env('XT_PROFILE');
const BOUQUET = env('XT_BOUQUET');
const VIEWER = env('XT_VIEWER_USER');
const VIEWER_PASS = env('XT_VIEWER_PASS');
const EXPIRING = env('XT_EXPIRING_LINE');
const SHOTS = process.env.XT_SHOTS || '';
const LINE = `panel-line-${process.pid}`;
const STREAM = 'Panel Test Channel';

const problems = [];        // page errors, CSP violations, changes without a CSRF token
const changes = [];         // every non-GET API request the panel sent
let ctx = null;
let page = null;
let tsReq = null;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xt-chromium-'));

async function shot(name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  const tmp = path.join(SHOTS, `.${name}.tmp.png`);
  await page.screenshot({ path: tmp, fullPage: false });
  fs.renameSync(tmp, path.join(SHOTS, `${name}.png`));
}

const go = (hash) => page.evaluate((h) => { location.hash = h; }, hash);
const text = (sel) => page.locator(sel).first().innerText();
const flashText = () => page.locator('#flash').innerText();

function getJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { b += c; });
      res.on('end', () => { try { resolve({ status: res.statusCode, json: JSON.parse(b) }); } catch (e) { reject(new Error(`${url}: HTTP ${res.statusCode}, not JSON: ${b.slice(0, 200)}`)); } });
    }).on('error', reject);
  });
}

async function main() {
  await step('chromium starts (Debian /usr/bin/chromium, fresh profile)', async () => {
    ctx = await chromium.launchPersistentContext(dataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 860 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--autoplay-policy=no-user-gesture-required'],
    });
    page = ctx.pages()[0] || await ctx.newPage();
    page.setDefaultTimeout(30000);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // every change the panel sends must carry the session's CSRF token
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (!u.pathname.startsWith('/admin/api/') || r.method() === 'GET') return;
      changes.push(`${r.method()} ${u.pathname}`);
      if (u.pathname !== '/admin/api/login' && !/^[0-9a-f]{64}$/.test(r.headers()['x-csrf-token'] || '')) {
        problems.push(`no X-CSRF-Token on ${r.method()} ${u.pathname}`);
      }
    });
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
    });
    return ctx.browser() ? ctx.browser().version() : 'persistent context';
  });

  await step('GET /admin/ serves the panel with a strict CSP; the login form shows', async () => {
    const res = await page.goto(`${URL0}/admin/`);
    if (res.status() !== 200) throw new Error(`HTTP ${res.status()}`);
    const csp = res.headers()['content-security-policy'] || '';
    if (!/script-src 'self'/.test(csp) || /unsafe-inline|unsafe-eval/.test(csp)) throw new Error(`CSP is "${csp}"`);
    await page.locator('#login-form').waitFor({ state: 'visible' });
    await shot('login');
    return csp.split(';')[0];
  });

  await step('a wrong password gets a clear message and no session', async () => {
    await page.fill('#login-username', ADMIN);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await page.locator('#login-error').waitFor({ state: 'visible' });
    const t = await text('#login-error');
    if (t !== 'Wrong username or password.') throw new Error(`message "${t}"`);
    if (await page.locator('#app').isVisible()) throw new Error('the app shows without a session');
    return t;
  });

  await step('log in as the admin: dashboard with counts', async () => {
    await page.fill('#login-password', ADMIN_PASS);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    const who = await text('#whoami-name');
    if (who !== ADMIN) throw new Error(`whoami "${who}"`);
    await page.locator('[data-stat=streams] .value').waitFor();
    return `streams ${await text('[data-stat=streams] .value')}`;
  });

  let password;
  await step(`create line ${LINE} in bouquet ${BOUQUET}: the password is shown once`, async () => {
    await go('#/lines');
    await page.click('[data-action=new-line]');
    await page.fill('#f-username', LINE);
    await page.fill('#f-max_connections', '4');
    await page.locator('#f-bouquets label', { hasText: BOUQUET }).locator('input').check();
    await page.click('[data-action=submit]');
    await page.locator('[data-secret=password]').waitFor();
    password = await text('[data-secret=password]');
    if (!/^\S{8,}$/.test(password)) throw new Error(`password "${password}"`);
    await page.click('[data-action=use-for-preview]');
    await shot('line-created');
    return `generated password of ${password.length} characters`;
  });

  await step('extend the line by 30 days from its page', async () => {
    await page.click('[data-action=extend]');
    await until(15, 'the extended flash', async () => /now expires 20\d\d-/.test(await flashText()));
    return (await flashText()).split('\n').find((l) => /now expires/.test(l));
  });

  await step('creating the same username again: 409 named on the username field', async () => {
    await go('#/lines/new');
    await page.locator('#f-username').waitFor();
    await page.fill('#f-username', LINE);
    await page.click('[data-action=submit]');
    await page.locator('.form-error').first().waitFor({ state: 'visible' });
    const t = await text('.form-error');
    if (!/username/.test(t)) throw new Error(`error text "${t}"`);
    const marked = await page.locator('label:has(#f-username)').evaluate((e) => e.classList.contains('field-error'));
    if (!marked) throw new Error('the username field is not marked');
    return t;
  });

  await step('a 300-character username: a visible error on the field, nothing cut; max connections up to the API\'s 1000000', async () => {
    // issue 18: the input used to cut it to 64 silently, and the number
    // field capped max connections at 10000 while the API takes 1000000
    await go('#/lines/new');
    await page.locator('#f-username').waitFor();
    await page.fill('#f-username', 'u'.repeat(300));
    await page.click('[data-action=submit]');
    await page.locator('.form-error').first().waitFor({ state: 'visible' });
    const t = await text('.form-error');
    if (!/at most 64 characters \(this has 300\)/.test(t)) throw new Error(`error text "${t}"`);
    if (!(await page.locator('label:has(#f-username)').evaluate((e) => e.classList.contains('field-error')))) {
      throw new Error('the username field is not marked');
    }
    const kept = (await page.inputValue('#f-username')).length;
    if (kept !== 300) throw new Error(`the input holds ${kept} characters, not 300`);
    await page.fill('#f-username', 'big-cap-line');
    await page.fill('#f-max_connections', '1000001');
    await page.click('[data-action=submit]');
    await until(10, 'the max connections error', async () => /from 0 to 1000000/.test(await text('.form-error')));
    await page.fill('#f-max_connections', '1000000');
    await page.click('[data-action=submit]');
    await page.locator('[data-secret=password]').waitFor();
    return `${t}; 1000000 saved`;
  });

  let streamId;
  await step(`add stream "${STREAM}" (${PROFILE}, source ${SOURCE})`, async () => {
    await go('#/streams/new');
    await page.locator('#f-name').waitFor();
    await page.fill('#f-name', STREAM);
    const opt = page.locator('#f-transcode_profile_id option', { hasText: PROFILE });
    await page.selectOption('#f-transcode_profile_id', await opt.getAttribute('value'));
    // a source the API refuses first: the message names the field
    await page.fill('#f-sources', 'gopher://example.invalid/x');
    await page.click('[data-action=submit]');
    await page.locator('.form-error').first().waitFor({ state: 'visible' });
    const bad = await text('.form-error');
    if (!/^sources/.test(bad)) throw new Error(`error for a bad source: "${bad}"`);
    if (!(await page.locator('label:has(#f-sources)').evaluate((e) => e.classList.contains('field-error')))) throw new Error('the sources field is not marked');
    if (!/^#\/streams\/new$/.test(await page.evaluate(() => location.hash))) throw new Error('left the form after an error');
    await page.fill('#f-sources', SOURCE);
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/streams\/\d+$/.test(location.hash));
    streamId = Number((await page.evaluate(() => location.hash)).split('/')[2]);
    return `id ${streamId}; a bad source first got "${bad}"`;
  });

  await step(`put the stream into bouquet ${BOUQUET} (search, edit, save)`, async () => {
    await go('#/bouquets');
    await page.fill('[data-role=search]', BOUQUET);
    await page.locator('table.list a', { hasText: BOUQUET }).first().click();
    await page.locator(`#f-live input[value="${streamId}"]`).check();
    await page.click('[data-action=submit]');
    await until(20, 'the saved flash', async () => /bouquet .* saved: [1-9]\d* live/.test(await flashText()));
    return (await flashText()).split('\n')[0];
  });

  await step(`the line logs in through player_api.php and lists the new stream`, async () => {
    const base = `${URL0}/player_api.php?username=${encodeURIComponent(LINE)}&password=${encodeURIComponent(password)}`;
    const t0 = Date.now();
    await until(30, 'auth 1 for the new line', async () => (await getJson(base)).json.user_info?.auth === 1);
    await until(30, 'the stream in get_live_streams', async () => {
      const r = await getJson(`${base}&action=get_live_streams`);
      return Array.isArray(r.json) && r.json.some((s) => Number(s.stream_id) === streamId);
    });
    return `after ${((Date.now() - t0) / 1000).toFixed(1)} s`;
  });

  await step('the stream page shows the status turn running', async () => {
    await go(`#/streams/${streamId}`);
    await page.locator('#stream-status [data-field=state]').waitFor();
    const t0 = Date.now();
    await until(90, 'state running', async () => (await text('#stream-status [data-field=state]')) === 'running', 500);
    await until(20, 'a bitrate', async () => /\d/.test(await text('#stream-status [data-field=bitrate]')));
    return `running after ${((Date.now() - t0) / 1000).toFixed(1)} s, ${await text('#stream-status [data-field=video]')}`;
  });

  await step('the HLS preview plays (hls.js): readyState and currentTime advance', async () => {
    const u = await page.inputValue('#preview-username');
    if (u !== LINE) throw new Error(`preview line is "${u}"`);
    await page.click('[data-action=preview]');
    const v = () => page.evaluate(() => { const e = document.getElementById('preview'); return { rs: e.readyState, t: e.currentTime, err: document.getElementById('preview-status').textContent }; });
    const first = await until(60, 'readyState >= 3 and currentTime > 0', async () => {
      const s = await v();
      if (/failed/.test(s.err)) throw new Error(s.err);
      return s.rs >= 3 && s.t > 0 ? s : null;
    });
    const later = await until(30, 'currentTime to advance 1.5 s', async () => { const s = await v(); return s.t >= first.t + 1.5 ? s : null; });
    await shot('stream');
    return `readyState ${later.rs}, currentTime ${first.t.toFixed(2)} -> ${later.t.toFixed(2)} s`;
  });

  let tsBytes = 0;
  let tsEnded = null;
  await step('a TS connection as the line streams video/mp2t', async () => {
    await new Promise((resolve, reject) => {
      tsReq = http.get(`${URL0}/live/${encodeURIComponent(LINE)}/${encodeURIComponent(password)}/${streamId}.ts`,
        { headers: { 'User-Agent': 'xtream-panel-test/1' } }, (res) => {
          if (res.statusCode !== 200) { reject(new Error(`HTTP ${res.statusCode}`)); return; }
          res.on('data', (c) => {
            if (tsBytes === 0 && c[0] !== 0x47) reject(new Error('not MPEG-TS (no 0x47 sync byte)'));
            tsBytes += c.length;
            if (tsBytes > 50000) resolve();
          });
          const done = (why) => { if (!tsEnded) tsEnded = { why, at: Date.now() }; };
          res.on('end', () => done('end'));
          res.on('close', () => done('close'));
          res.on('error', () => done('error'));
        });
      tsReq.on('error', reject);
      setTimeout(() => reject(new Error(`only ${tsBytes} bytes in 30 s`)), 30000);
    });
    return `${tsBytes} bytes so far`;
  });

  await step('the connection appears on the connections page', async () => {
    await go('#/connections');
    const row = page.locator('table.list tbody tr', { hasText: LINE }).filter({ hasText: 'xtream-panel-test/1' });
    await until(30, 'a row of the line with the test user agent', async () => (await row.count()) > 0, 500);
    const kinds = await page.locator('table.list tbody tr', { hasText: LINE }).allInnerTexts();
    return `${kinds.length} connection(s) of the line listed`;
  });

  await step('the dashboard counts the live connection and lists the line expiring soon', async () => {
    await go('#/dashboard');
    await until(20, 'connections >= 1', async () => Number(await text('[data-stat=connections] .value')) >= 1);
    await page.locator('section.card', { hasText: 'Live connections' }).locator('td', { hasText: LINE }).first().waitFor();
    await page.locator('section.card', { hasText: 'Lines expiring within 7 days' }).locator('td', { hasText: EXPIRING }).first().waitFor();
    if (Number(await text('[data-stat=expiring] .value')) < 1) throw new Error('expiring count is 0');
    await shot('dashboard');
    return `connections ${await text('[data-stat=connections] .value')}, running ${await text('[data-stat=streams] .value')}, ${EXPIRING} listed as expiring`;
  });

  await step('kill it from the connections page: the TS connection ends', async () => {
    await go('#/connections');
    const row = page.locator('table.list tbody tr', { hasText: 'xtream-panel-test/1' });
    await row.first().waitFor();
    await shot('connections');
    const before = tsBytes;
    const kill = row.first().locator('[data-action=kill]');
    await kill.click();                 // arms the button
    const t0 = Date.now();
    await kill.click();                 // confirms
    await until(15, 'the kill flash', async () => /kill sent: every connection of/.test(await flashText()));
    await until(30, 'the TS response to end', async () => tsEnded !== null, 200);
    return `${(await flashText()).split('\n')[0]}; TS ended (${tsEnded.why}) ${((tsEnded.at - t0) / 1000).toFixed(1)} s after the click, ${tsBytes - before} bytes after the screenshot`;
  });

  await step('the killed connection leaves the connections list', async () => {
    const row = page.locator('table.list tbody tr', { hasText: 'xtream-panel-test/1' });
    await until(30, 'no row with the test user agent', async () => (await row.count()) === 0, 500);
  });

  await step('ban the line from its page: player_api refuses it; unban: it logs in again', async () => {
    const api = `${URL0}/player_api.php?username=${encodeURIComponent(LINE)}&password=${encodeURIComponent(password)}`;
    await go('#/lines');
    await page.fill('[data-role=search]', LINE);
    await page.locator('table.list a', { hasText: LINE }).first().click();
    await page.click('[data-action=ban]');
    await page.locator('[data-action=unban]').waitFor();
    const banned = await until(15, 'player_api to refuse the banned line', async () => {
      const r = await getJson(api);
      const ui = r.json.user_info;
      return ui && (ui.auth === 0 || ui.status === 'Banned') ? `auth ${ui.auth}${ui.status ? `, status ${ui.status}` : ''}` : null;
    });
    await page.click('[data-action=unban]');
    await page.locator('[data-action=ban]').waitFor();
    await until(15, 'player_api to accept the line again', async () => {
      const r = await getJson(api);
      return r.json.user_info?.auth === 1 && r.json.user_info.status === 'Active';
    });
    return `banned: ${banned}`;
  });

  await step('lines page: search finds the new line only', async () => {
    await go('#/lines');
    await page.fill('[data-role=search]', LINE);
    await until(10, 'one row', async () => {
      const rows = await page.locator('table.list tbody tr').allInnerTexts();
      return rows.length === 1 && rows[0].includes(LINE);
    });
    await shot('lines');
  });

  await step('streams, VOD, series (with its episodes) and bouquets pages list what the store has', async () => {
    for (const [hash, name, want] of [['#/streams', 'streams', STREAM], ['#/vod', 'vod', null], ['#/series', 'series', null], ['#/series/1', 'series-episodes', 'Pilot'], ['#/bouquets', 'bouquets', BOUQUET]]) {
      await go(hash);
      await page.locator('table.list tbody tr').first().waitFor();
      if (want) await page.locator('table.list tbody td', { hasText: want }).first().waitFor();
      await shot(name);
    }
  });

  await step('log out: back to the login form, the session is gone', async () => {
    await page.click('#logout');
    await page.locator('#login-form').waitFor({ state: 'visible' });
    const st = await page.evaluate(async () => (await fetch('/admin/api/session')).status);
    if (st !== 401) throw new Error(`GET /admin/api/session after logout: ${st}`);
    return 'session 401';
  });

  await step('a viewer sees the pages but no button that changes anything', async () => {
    await page.fill('#login-username', VIEWER);
    await page.fill('#login-password', VIEWER_PASS);
    await page.click('#login-submit');
    await page.locator('#app').waitFor({ state: 'visible' });
    if ((await text('#whoami-role')) !== 'viewer') throw new Error(`role "${await text('#whoami-role')}"`);
    await go('#/lines');
    await page.locator('table.list tbody tr').first().waitFor();
    if (await page.locator('[data-action=new-line]').count()) throw new Error('a viewer gets "New line"');
    await go(`#/streams/${streamId}`);
    await page.locator('#stream-status [data-field=state]').waitFor();
    for (const a of ['start', 'restart', 'stop', 'delete-stream']) {
      if (await page.locator(`[data-action=${a}]`).count()) throw new Error(`a viewer gets "${a}"`);
    }
    if (await page.locator('[data-action=submit]').isVisible()) throw new Error('a viewer gets "Save stream"');
    await page.click('#logout');
    await page.locator('#login-form').waitFor({ state: 'visible' });
  });

  ok(changes.length >= 8, `the panel sent its changes through the API (${changes.length} non-GET requests)`, changes.join('\n'));
  ok(problems.length === 0, 'every change carried X-CSRF-Token; no page error and no CSP violation in the whole run', problems.join('\n'));
}

let rc = 1;
try {
  await main();
  rc = finish();
} catch (e) {
  if (!(e instanceof StopRun)) ok(false, 'browser test', e.stack || String(e));
  if (problems.length) note(`page problems:\n${problems.join('\n')}`);
  if (page) {
    try { note(`page at ${page.url()}:\n${(await page.locator('body').innerText()).slice(0, 1500)}`); } catch { /* page gone */ }
  }
  finish();
  rc = 1;
} finally {
  if (tsReq) tsReq.destroy();
  if (ctx) await ctx.close().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(rc);
