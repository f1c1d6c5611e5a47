// Who is logged in (set by app.js from GET /session or POST /login).
export const session = { user: null };
export const canWrite = () => session.user && session.user.role === 'admin';

// Line credentials for stream previews, kept in this tab only (never in
// localStorage): the panel learns a line password only when it creates or
// resets one, or when the operator types one on the stream page.
const KEY = 'xt-preview-line';
export function previewLine() {
  try { return JSON.parse(sessionStorage.getItem(KEY)) || null; } catch { return null; }
}
export function setPreviewLine(username, password) {
  sessionStorage.setItem(KEY, JSON.stringify({ username, password }));
}
