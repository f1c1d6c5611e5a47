// DOM helpers.  Every text from the API goes in through textContent or an
// attribute, never through innerHTML, so a stream called "<img onerror=...>"
// stays text; handlers are attached with addEventListener (strict CSP: no
// inline handlers, no eval).

// h('tag.class#id', {attr: value, on: {click: fn}}, child, ...)
export function h(spec, props, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(spec);
  if (!m) throw new Error(`bad element spec ${spec}`);
  const el = document.createElement(m[1]);
  for (const part of m[2].match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (props && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' || k === 'checked' || k === 'disabled' || k === 'selected') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmtTime(unix) {
  if (unix === null || unix === undefined || unix === 0) return '—';
  const d = new Date(unix * 1000);
  return d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function fmtDuration(secs) {
  if (secs === null || secs === undefined || secs < 0) return '—';
  secs = Math.floor(secs);
  const d = Math.floor(secs / 86400), hh = Math.floor(secs % 86400 / 3600);
  const mm = Math.floor(secs % 3600 / 60), ss = secs % 60;
  if (d) return `${d}d ${hh}h`;
  if (hh) return `${hh}h ${mm}m`;
  if (mm) return `${mm}m ${ss}s`;
  return `${ss}s`;
}

export function fmtKbps(kbps) {
  if (kbps === null || kbps === undefined) return '—';
  if (kbps >= 10000) return `${(kbps / 1000).toFixed(1)} Mbit/s`;
  return `${Math.round(kbps)} kbit/s`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${u[i]}`;
}

// a status word as a coloured badge: class badge-<word>
export function badge(word) {
  const w = String(word ?? 'unknown');
  return h('span', { class: `badge badge-${w.replace(/[^a-z0-9-]/gi, '')}`, 'data-status': w }, w);
}

// a long name (a stream may have 255 characters) cut with an ellipsis, the
// whole text in its tooltip, so it never pushes the other columns away;
// takes a text or an element holding only text (a link)
export function clip(x) {
  if (x instanceof Node) {
    if (!(x instanceof Element)) return x;
    x.classList.add('clip');
    x.title = x.textContent;
    return x;
  }
  return h('span.clip', { title: String(x ?? '') }, String(x ?? ''));
}

// flash messages at the top of the main area
let flashBox = null;
let pending = [];
export function setFlashBox(el) { flashBox = el; }
export function flash(kind, text) {
  if (!flashBox) return;
  const msg = h('div.flash', { class: `flash flash-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span.flash-text', text),
    h('button.flash-close', { type: 'button', 'aria-label': 'dismiss',
      on: { click: () => msg.remove() } }, '×'));
  flashBox.append(msg);
  if (kind !== 'error') setTimeout(() => msg.remove(), 6000);
}
// a message for the page the panel is about to show (a create that moves
// to the new object's page): the route's clearFlash shows it then
export function flashAfter(kind, text) { pending.push([kind, text]); }
export function clearFlash() {
  if (flashBox) flashBox.replaceChildren();
  const p = pending;
  pending = [];
  for (const [kind, text] of p) flash(kind, text);
}
