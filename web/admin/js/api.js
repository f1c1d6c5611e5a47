// The admin API client (docs/ADMIN-API.md): JSON in and out, the session
// cookie is sent by the browser (HttpOnly, SameSite=Strict), and every
// change carries the session's CSRF token in X-CSRF-Token.

const BASE = '/admin/api';
let csrfToken = '';
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
  // the text a person reads: "max_connections: must be ..." already names
  // the field in most messages; add it when it does not
  describe() {
    let m = this.message || `HTTP ${this.status}`;
    if (this.field && !m.startsWith(this.field)) m = `${this.field}: ${m}`;
    if (this.code === 'locked' && this.retryAfter && !/try again/.test(m)) m += ` (try again in ${this.retryAfter} s)`;
    return m;
  }
}

export function setCsrf(token) { csrfToken = token || ''; }
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const opt = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (method !== 'GET') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body === undefined ? {} : body);
  }
  let res;
  try {
    res = await fetch(BASE + path, opt);
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the admin API: ${e.message}`);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) {
    if (data === null && text) throw new ApiError(res.status, 'bad_answer', 'the admin API sent something that is not JSON');
    return data ?? {};
  }
  const e = data && data.error;
  const err = e && typeof e === 'object'
    ? new ApiError(res.status, e.code, e.message, e.field)
    : new ApiError(res.status, 'http', res.status === 502 || res.status === 504
      ? `the admin API is not answering (HTTP ${res.status} from nginx)`
      : `HTTP ${res.status} ${res.statusText}`);
  err.retryAfter = res.headers.get('Retry-After');
  // a session that ended (expired, logged out elsewhere) sends us to login;
  // a wrong password on the login form is 401 bad_login and stays there
  if (res.status === 401 && err.code === 'unauthorized') onUnauthorized(err);
  throw err;
}

export const get = (path, query) => request('GET', path + qs(query));
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

export function qs(query) {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

// every item of a list endpoint (for selects: bouquets, categories, ...)
export async function all(path, query = {}) {
  const items = [];
  for (let offset = 0; ; offset += 500) {
    const page = await get(path, { ...query, limit: 500, offset });
    items.push(...page.items);
    if (items.length >= page.total || page.items.length === 0) return items;
  }
}
