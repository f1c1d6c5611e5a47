// Who is logged in (set by app.js from GET /session or POST /login).
export const session = { user: null };
export const canWrite = () => session.user && session.user.role === 'admin';
