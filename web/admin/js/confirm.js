// A button that asks twice: the first click arms it ("Really delete?"),
// the second within 6 s acts.  No window.confirm (it blocks the page and
// a strict CSP panel should not depend on it).  An armed button carries
// the class "armed": an auto-refreshing list (list-page.js) holds its
// refresh while one is armed, so the second click finds the same button.
import { h } from './dom.js';

export function confirmButton(label, armedLabel, onConfirm, action) {
  let armed = null;
  const b = h('button.btn.btn-danger', { type: 'button', 'data-action': action });
  b.textContent = label;
  b.addEventListener('click', async () => {
    if (!armed) {
      b.textContent = armedLabel;
      b.classList.add('armed');
      armed = setTimeout(() => { armed = null; b.textContent = label; b.classList.remove('armed'); }, 6000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    b.disabled = true;
    try { await onConfirm(); } finally {
      b.disabled = false;
      b.textContent = label;
      b.classList.remove('armed');
    }
  });
  return b;
}
