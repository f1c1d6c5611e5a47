// A button that asks twice: the first click arms it ("Really delete?"),
// the second within 4 s acts.  No window.confirm (it blocks the page and
// a strict CSP panel should not depend on it).
import { h } from './dom.js';

export function confirmButton(label, armedLabel, onConfirm, action) {
  let armed = null;
  const b = h('button.btn.btn-danger', { type: 'button', 'data-action': action });
  b.textContent = label;
  b.addEventListener('click', async () => {
    if (!armed) {
      b.textContent = armedLabel;
      b.classList.add('armed');
      armed = setTimeout(() => { armed = null; b.textContent = label; b.classList.remove('armed'); }, 4000);
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
