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
//   XT_LOCK_USER    an admin account the run locks out and releases
//   XT_GUIDE        an XMLTV file (channels panel1.tv, panel2.tv) for the EPG page
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
const LOCK_USER = env('XT_LOCK_USER');
const GUIDE = env('XT_GUIDE');
const LONG_NAME = `Long${'N'.repeat(247)}${String(process.pid % 10000).padStart(4, '0')}`;   // 255 characters, no space to wrap at
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
    // a CSP violation, or any console error but the browser's note on an
    // API answer with an error status (401 before login, 400/409/429 the
    // test provokes on purpose)
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
      else if (!/^Failed to load resource: the server responded with a status of (400|401|404|409|429)\b/.test(m.text())) problems.push(`console error: ${m.text()}`);
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

  await step(`five wrong passwords lock ${LOCK_USER} out: the message says "try again in N s" once`, async () => {
    const attempt = async (pw) => {
      await page.fill('#login-username', LOCK_USER);
      await page.fill('#login-password', pw);
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/admin/api/login')), page.click('#login-submit')]);
      await page.locator('#login-error').waitFor({ state: 'visible' });
      return res.status();
    };
    for (let i = 0; i < 5; i++) {
      const st = await attempt(`wrong-${i}`);
      if (st !== 401) throw new Error(`attempt ${i + 1}: HTTP ${st}`);
    }
    const st = await attempt('wrong-again');
    if (st !== 429) throw new Error(`the 6th attempt got HTTP ${st}`);
    const t = await text('#login-error');
    const n = (t.match(/try again/g) || []).length;
    if (n !== 1 || !/try again in \d+ s/.test(t)) throw new Error(`message "${t}"`);
    await shot('login-locked');
    return t;
  });

  await step('log in as the admin: dashboard with counts', async () => {
    await page.fill('#login-username', ADMIN);
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
    await until(10, 'the "added" message on the new stream\'s page', async () => flashText().then((t) => t.includes(`stream ${STREAM} added`)));
    return `id ${streamId}; a bad source first got "${bad}"; then "${(await flashText()).split('\n')[0]}"`;
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

  await step('the HLS preview plays from a signed URL, no line password typed (hls.js): readyState and currentTime advance', async () => {
    // no line password typed: the admin API signs the URL
    await page.click('[data-action=preview]');
    const v = () => page.evaluate(() => { const e = document.getElementById('preview'); return { rs: e.readyState, t: e.currentTime, err: document.getElementById('preview-status').textContent }; });
    const first = await until(60, 'readyState >= 3 and currentTime > 0', async () => {
      const s = await v();
      if (/failed/.test(s.err)) throw new Error(s.err);
      return s.rs >= 3 && s.t > 0 ? s : null;
    });
    const later = await until(30, 'currentTime to advance 1.5 s', async () => { const s = await v(); return s.t >= first.t + 1.5 ? s : null; });
    await shot('stream');
    return `${await text('#preview-line')}, readyState ${later.rs}, currentTime ${first.t.toFixed(2)} -> ${later.t.toFixed(2)} s`;
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
    // the list refreshes every 3 s: the armed button must survive that
    await page.waitForTimeout(3600);
    const armedText = await kill.innerText();
    if (armedText !== 'Kill all of this line?') throw new Error(`after 3.6 s (one auto-refresh) the button reads "${armedText}"`);
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


  await step('a movie created from the VOD page: the "saved" message shows on its page', async () => {
    await go('#/vod/new');
    await page.locator('#f-name').waitFor();
    await page.fill('#f-name', 'Panel Movie');
    await page.fill('#f-path', 'films/panel.mp4');
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/vod\/\d+$/.test(location.hash));
    await until(10, 'the saved message', async () => (await flashText()).includes('movie Panel Movie saved'));
    return (await flashText()).split('\n')[0];
  });

  let longId;
  await step('a 255-character stream name is cut with an ellipsis: no column pushed off the Streams list or the dashboard', async () => {
    await go('#/streams/new');
    await page.locator('#f-name').waitFor();
    await page.fill('#f-name', LONG_NAME);
    await page.selectOption('#f-transcode_profile_id', await page.locator('#f-transcode_profile_id option', { hasText: PROFILE }).getAttribute('value'));
    await page.fill('#f-sources', SOURCE);
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/streams\/\d+$/.test(location.hash));
    longId = Number((await page.evaluate(() => location.hash)).split('/')[2]);
    const overflow = () => page.$$eval('.table-wrap', (els) => els.map((e) => e.scrollWidth - e.clientWidth));
    await go('#/streams');
    await page.locator('table.list td', { hasText: 'LongNNN' }).first().waitFor();
    const o1 = await overflow();
    const th = await page.locator('table.list th', { hasText: 'bitrate' }).boundingBox();
    if (o1.some((x) => x > 1) || th.x + th.width > 1280) throw new Error(`Streams list overflows: ${o1.join(',')} px, bitrate header ends at ${th.x + th.width}`);
    await go('#/dashboard');
    await until(90, 'the long-named stream among the running ones', async () => (await page.locator('section.card', { hasText: 'Running streams' }).locator('td', { hasText: 'LongNNN' }).count()) > 0, 500);
    const o2 = await overflow();
    if (o2.some((x) => x > 1)) throw new Error(`dashboard tables overflow: ${o2.join(',')} px`);
    await go(`#/streams/${longId}`);
    const del = page.locator('[data-action=delete-stream]');
    await del.click();
    await del.click();
    await page.waitForFunction(() => location.hash === '#/streams');
    await until(10, 'the deleted message on the list', async () => (await flashText()).includes('deleted'));
    return `overflow streams ${o1.join(',')} px, dashboard ${o2.join(',')} px; deleted again`;
  });

  let epgId;
  await step('EPG page: add a source, watch its import finish (status ok, programmes counted)', async () => {
    await go('#/epg');
    await page.click('[data-action=new-epg]');
    await page.fill('#f-name', 'Panel guide');
    await page.fill('#f-url', GUIDE);
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/epg\/\d+$/.test(location.hash));
    epgId = Number((await page.evaluate(() => location.hash)).split('/')[2]);
    await until(10, 'the added message', async () => (await flashText()).includes('EPG source Panel guide added'));
    await until(90, 'last result ok', async () => (await text('#epg-status [data-field=last_result]')) === 'ok', 500);
    const progs = Number(await text('#epg-status [data-field=programmes]'));
    if (progs < 1) throw new Error(`programmes ${progs}`);
    // import again on demand
    await page.click('[data-action=import]');
    await until(10, 'the import-asked message', async () => /import of Panel guide asked/.test(await flashText()));
    await until(60, 'the second import to finish', async () => (await text('#epg-status [data-field=next_due]')) !== 'now' && (await text('#epg-status [data-field=state]')) === 'idle', 500);
    await shot('epg-source');
    return `${progs} programmes, ${await text('#epg-status [data-field=channels]')} channels`;
  });

  await step('EPG list: the source with its result; both guide channels listed as unused by any stream', async () => {
    await go('#/epg');
    await page.locator('table.list tbody tr', { hasText: 'Panel guide' }).first().waitFor();
    await page.locator('#unmapped-channels td', { hasText: 'panel1.tv' }).waitFor();
    await page.locator('#unmapped-streams td', { hasText: STREAM }).first().waitFor();
    await shot('epg');
  });

  await step('the stream form picks a channel id from the imported guide', async () => {
    await go(`#/streams/${streamId}`);
    await page.locator('#epg-pick').waitFor();
    const n = await page.locator('#epg-pick option').count();
    await page.selectOption('#epg-pick', 'panel1.tv');
    if ((await page.inputValue('#f-epg_channel_id')) !== 'panel1.tv') throw new Error('the id field did not take the pick');
    await page.click('[data-action=submit]');
    await until(15, 'the saved message', async () => (await flashText()).includes(`stream ${STREAM} saved`));
    await go('#/epg');
    await page.locator('#unmapped-channels td', { hasText: 'panel2.tv' }).waitFor();
    if (await page.locator('#unmapped-channels td', { hasText: 'panel1.tv' }).count()) throw new Error('panel1.tv still listed as unused');
    return `${n - 1} guide channels offered`;
  });

  await step('Categories page: create a live category, it is listed', async () => {
    await go('#/categories');
    await page.click('[data-action=new-category]');
    await page.fill('#f-name', 'Panel Category');
    await page.selectOption('#f-type', 'live');
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/categories\/\d+$/.test(location.hash));
    await until(10, 'the created message', async () => (await flashText()).includes('category Panel Category created (live)'));
    await go('#/categories?type=live');
    await page.locator('table.list td', { hasText: 'Panel Category' }).waitFor();
    await shot('categories');
  });

  await step('Profiles page: an ABR profile with a two-rung ladder; a bad rung is named', async () => {
    await go('#/profiles');
    await page.click('[data-action=new-profile]');
    await page.fill('#f-name', 'panel-abr');
    await page.selectOption('#f-mode', 'abr');
    await page.click('[data-action=add-rung]');
    const rows = page.locator('#ladder tbody tr');
    if ((await rows.count()) !== 2) throw new Error(`${await rows.count()} rungs`);
    await rows.nth(1).locator('[name=height]').fill('99999');
    await page.click('[data-action=submit]');
    await page.locator('.form-error').first().waitFor({ state: 'visible' });
    const bad = await text('.form-error');
    if (!/ladder\[1\]/.test(bad)) throw new Error(`error "${bad}"`);
    if (!(await rows.nth(1).evaluate((e) => e.classList.contains('field-error')))) throw new Error('the bad rung is not marked');
    await rows.nth(1).locator('[name=height]').fill('480');
    await page.click('[data-action=submit]');
    await page.waitForFunction(() => /^#\/profiles\/\d+$/.test(location.hash));
    await until(10, 'the created message', async () => (await flashText()).includes('profile panel-abr created'));
    await page.locator('#ladder tbody tr').nth(1).waitFor();
    await shot('profile');
    await go('#/profiles');
    await page.locator('table.list td', { hasText: '480p' }).first().waitFor();
    await shot('profiles');
    return `a bad rung got "${bad}"`;
  });

  await step('Activity page: the line\'s watching listed; CSV export of the filtered rows', async () => {
    await go('#/activity');
    await page.fill('[data-role=search]', LINE);
    // the search applies after its 250 ms pause: wait for the filtered list
    await until(30, 'only rows of the line', async () => {
      const rows = await page.locator('table.list tbody tr').allInnerTexts();
      return rows.length > 0 && rows.every((r) => r.includes(LINE));
    }, 500);
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=export-csv]')]);
    const csv = fs.readFileSync(await dl.path(), 'utf8').split('\r\n');
    if (!csv[0].startsWith('id,line_id,username,kind,stream_id,stream_name')) throw new Error(`CSV header "${csv[0]}"`);
    if (!csv.slice(1).some((l) => l.includes(LINE))) throw new Error('no row of the line in the CSV');
    if (csv.slice(1).some((l) => l && !l.includes(LINE))) throw new Error('the CSV has rows the search excluded');
    await shot('activity');
    return `${csv.filter(Boolean).length - 1} CSV row(s), file ${dl.suggestedFilename()}`;
  });

  await step('Audit page: filtered to profiles, the create is there', async () => {
    await go('#/audit');
    await page.selectOption('[data-filter=resource]', 'profiles');
    // the resource column (5th) of every row, once the filtered list is in
    const rows = await until(10, 'only profiles rows, one a create', async () => {
      const r = await page.$$eval('table.list tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      return r.length && r.every((c) => c[4] === 'profiles') && r.some((c) => c[3] === 'create') ? r : null;
    });
    await shot('audit');
    return `${rows.length} row(s)`;
  });

  await step(`Admins page: ${LOCK_USER} shows locked; release the lock-out; add a viewer (password shown once) and reset its password`, async () => {
    await go('#/admins');
    const row = page.locator('table.list tbody tr', { hasText: LOCK_USER });
    await row.locator('[data-status=locked]').waitFor();
    await shot('admins');
    await row.locator('a').first().click();
    await page.click('[data-action=unlock]');
    await until(10, 'the released message', async () => (await flashText()).includes(`${LOCK_USER} can log in again`));
    if (await page.locator('[data-action=unlock]').count()) throw new Error('still offers the release');
    await go('#/admins/new');
    await page.locator('#f-username').waitFor();
    await page.fill('#f-username', `panel-viewer-${process.pid}`);
    await page.selectOption('#f-role', 'viewer');
    await page.click('[data-action=submit]');
    await page.locator('[data-secret=password]').waitFor();
    const pw1 = await text('[data-secret=password]');
    await page.click('[data-action=reset-admin-password]');
    await until(10, 'a new password', async () => (await text('[data-secret=password]')) !== pw1);
    if (/[O0lI1]/.test(pw1)) throw new Error(`generated password has look-alikes: ${pw1}`);
    return `generated ${pw1.length} characters`;
  });

  await step('Settings page: change a setting; a bad name gets the API\'s error on its row', async () => {
    await go('#/settings');
    await page.locator('#settings').waitFor();
    await page.fill('#new-setting-name', 'Bad Name');
    await page.fill('#new-setting-value', 'x');
    await page.click('[data-action=add-setting]');
    await page.click('[data-action=save-settings]');
    await page.locator('.form-error').first().waitFor({ state: 'visible' });
    const bad = await text('.form-error');
    const marked = await page.locator('#settings tr[data-name="Bad Name"]').evaluate((e) => e.classList.contains('field-error'));
    if (!marked) throw new Error('the bad row is not marked');
    await page.locator('#settings tr[data-name="Bad Name"] [data-action=remove-setting]').click();
    await page.fill('#new-setting-name', 'server_name');
    await page.fill('#new-setting-value', 'Panel Hotel');
    await page.click('[data-action=add-setting]');
    await page.click('[data-action=save-settings]');
    await until(10, 'the saved message', async () => (await flashText()).includes('settings saved: server_name'));
    if ((await page.inputValue('[data-setting=server_name]')) !== 'Panel Hotel') throw new Error('the saved value is not shown');
    await shot('settings');
    return `a bad name got "${bad}"`;
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
    // every field of a line is read-only for a viewer, not only Save hidden
    await go('#/lines');
    await page.locator('table.list tbody tr a').first().click();
    await page.locator('#f-exp_date').waitFor();
    const editable = await page.$$eval('form.form input, form.form textarea, form.form select',
      (els) => els.filter((e) => !e.disabled && !e.readOnly).map((e) => e.name || e.dataset.multi || e.id));
    if (editable.length) throw new Error(`a viewer can edit: ${editable.join(', ')}`);
    if (await page.locator('a[data-page=admins]').isVisible()) throw new Error('a viewer gets the Admins link');
    await go('#/settings');
    await page.locator('#settings').waitFor();
    if (await page.locator('[data-action=save-settings]').count()) throw new Error('a viewer gets "Save settings"');
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
