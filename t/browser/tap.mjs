// A small TAP producer for the browser test: steps run in order, the first
// failing one ends the run (later steps depend on it); `1..N` comes last.
let n = 0;
let failed = 0;

export function ok(cond, name, detail) {
  n++;
  console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!cond) {
    failed++;
    if (detail) for (const l of String(detail).split('\n')) console.log(`#   ${l}`);
  }
  return cond;
}

export function note(text) {
  for (const l of String(text).split('\n')) console.log(`# ${l}`);
}

// run fn; a throw is a failed test named `name` and stops the run
export async function step(name, fn) {
  try {
    const r = await fn();
    ok(true, name + (typeof r === 'string' && r ? ` (${r})` : ''));
    return r;
  } catch (e) {
    ok(false, name, e && e.stack ? e.stack : String(e));
    throw new StopRun(name);
  }
}

export class StopRun extends Error {}

export function finish() {
  console.log(`1..${n}`);
  return failed ? 1 : 0;
}

// poll pred() (async) until it returns a truthy value, up to secs
export async function until(secs, what, pred, everyMs = 250) {
  const end = Date.now() + secs * 1000;
  let last;
  while (Date.now() < end) {
    try {
      const v = await pred();
      if (v) return v;
    } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${secs} s waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
