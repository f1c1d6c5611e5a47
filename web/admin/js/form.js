// A form from a field list; reads values back as the API's JSON types and
// shows the API's error on the field it names.
import { h, clear } from './dom.js';

// field: {name, label, type, options:[{value,label}], required, min, max,
//         maxlength, placeholder, wide, help, readonly}
// maxlength and min/max are checked on submit and shown on the field: an
// input never cuts what is typed or pasted (a silently shortened username
// would be saved as another name)
// types: text password number bool select multi lines(textarea, one item
//        per line -> array) textarea date(unix seconds or null)
// readOnly: every field read-only or disabled and no submit button (what a
// viewer gets)
export function buildForm(fields, values = {}, { submitLabel = 'Save', onSubmit, extraButtons = [], readOnly = false } = {}) {
  if (readOnly) fields = fields.map((f) => ({ ...f, readonly: true }));
  const errorBox = h('p.form-error', { role: 'alert', hidden: true });
  const inputs = {};
  const wraps = {};
  const form = h('form.form', { novalidate: true });
  form.append(errorBox);
  errorBox.classList.add('wide');
  for (const f of fields) {
    const id = `f-${f.name}`;
    const input = makeInput(f, values[f.name], id);
    inputs[f.name] = input;
    const msg = h('span.field-msg', { id: `${id}-msg` });
    const wrap = f.type === 'bool'
      ? h('label.check', { for: id }, input, f.label)
      : h('label', { for: id }, f.label, input, f.help ? h('span.muted', f.help) : null);
    wrap.append(msg);
    if (f.wide || f.type === 'multi' || f.type === 'lines' || f.type === 'textarea') wrap.classList.add('wide');
    wraps[f.name] = wrap;
    form.append(wrap);
  }
  const submit = h('button.btn.btn-primary', { type: 'submit', 'data-action': 'submit', hidden: readOnly }, submitLabel);
  form.append(h('div.form-actions', submit, ...extraButtons));

  const api = {
    el: form,
    values() {
      const out = {};
      for (const f of fields) {
        if (f.readonly) continue;
        const v = readInput(f, inputs[f.name]);
        if (v !== undefined) out[f.name] = v;
      }
      return out;
    },
    // only what the user changed since the form was built (for PATCH:
    // the audit log then records the real change, and untouched fields are
    // never re-validated)
    changed() {
      const now = api.values();
      const out = {};
      for (const [k, v] of Object.entries(now)) {
        if (JSON.stringify(v) !== JSON.stringify(initial[k])) out[k] = v;
      }
      return out;
    },
    showError(err) {
      for (const w of Object.values(wraps)) {
        w.classList.remove('field-error');
        w.querySelector('.field-msg').textContent = '';
      }
      if (!err) { errorBox.hidden = true; return; }
      const text = err.describe ? err.describe() : String(err.message || err);
      clear(errorBox, text);
      errorBox.hidden = false;
      const top = err.field ? String(err.field).replace(/[[.].*$/, '') : null;
      if (top && wraps[top]) {
        wraps[top].classList.add('field-error');
        wraps[top].querySelector('.field-msg').textContent = err.message;
        inputs[top].focus();
      }
    },
    input: (name) => inputs[name],
  };
  const initial = api.values();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    api.showError(null);
    if (readOnly) return;
    const bad = checkBounds(fields, inputs);
    if (bad) { api.showError(bad); return; }
    submit.disabled = true;
    try {
      await onSubmit(api.values(), api.changed(), api);
    } catch (e) {
      api.showError(e);
    } finally {
      submit.disabled = false;
    }
  });
  return api;
}

// an option's value attribute: null (none) is the empty string
const key = (v) => (v === null || v === undefined ? '' : String(v));

function makeInput(f, value, id) {
  const common = { id, name: f.name, 'aria-describedby': `${id}-msg` };
  switch (f.type) {
    case 'bool':
      return h('input', { ...common, type: 'checkbox', checked: !!value, disabled: f.readonly });
    case 'number':
      return h('input', { ...common, type: 'number', value: value ?? '', min: f.min, max: f.max,
        step: f.step || 1, required: f.required, readonly: f.readonly });
    case 'select': {
      const s = h('select', { ...common, disabled: f.readonly });
      for (const o of f.options) {
        s.append(h('option', { value: key(o.value), selected: key(o.value) === key(value) }, o.label));
      }
      return s;
    }
    case 'multi': {
      // checkboxes keep the order of the options; values are ids (numbers)
      // unless the option values are strings
      const box = h('div.row', { ...common, role: 'group' });
      const chosen = new Set((value || []).map(String));
      if (!f.options.length) box.append(h('span.muted', f.empty || 'none yet'));
      for (const o of f.options) {
        box.append(h('label.check', h('input', { type: 'checkbox', value: String(o.value),
          'data-multi': f.name, checked: chosen.has(String(o.value)), disabled: f.readonly }), o.label));
      }
      return box;
    }
    case 'lines':
      return h('textarea', { ...common, rows: f.rows || 3, placeholder: f.placeholder,
        value: (value || []).join('\n'), readonly: f.readonly });
    case 'textarea':
      return h('textarea', { ...common, rows: f.rows || 3, value: value ?? '', readonly: f.readonly });
    case 'date':
      return h('input', { ...common, type: 'datetime-local', readonly: f.readonly,
        value: value ? new Date(value * 1000).toISOString().slice(0, 16) : '' });
    default:
      return h('input', { ...common, type: f.type === 'password' ? 'password' : 'text', value: value ?? '',
        required: f.required, placeholder: f.placeholder,
        autocomplete: f.autocomplete || 'off', readonly: f.readonly });
  }
}

// the first field over its bounds, as an error naming it (like the API's)
function checkBounds(fields, inputs) {
  for (const f of fields) {
    if (f.readonly) continue;
    const v = readInput(f, inputs[f.name]);
    if (f.maxlength && typeof v === 'string' && [...v].length > f.maxlength) {
      return { field: f.name, message: `${f.label}: at most ${f.maxlength} characters (this has ${[...v].length})` };
    }
    if (f.type === 'number' && typeof v === 'number'
        && ((f.min !== undefined && v < f.min) || (f.max !== undefined && v > f.max))) {
      return { field: f.name, message: `${f.label}: a number from ${f.min ?? '…'} to ${f.max ?? '…'}` };
    }
  }
  return null;
}

function readInput(f, input) {
  switch (f.type) {
    case 'bool': return input.checked;
    case 'number': {
      if (input.value.trim() === '') return f.nullable ? null : undefined;
      const n = Number(input.value);
      return Number.isFinite(n) ? n : input.value;  // the API names the field if it is not a number
    }
    case 'select': {
      const o = f.options.find((x) => key(x.value) === input.value);
      return o ? o.value : input.value;
    }
    case 'multi':
      return [...input.querySelectorAll('input[type=checkbox]:checked')].map((c) => {
        const o = f.options.find((x) => String(x.value) === c.value);
        return o ? o.value : c.value;
      });
    case 'lines':
      return input.value.split('\n').map((s) => s.trim()).filter(Boolean);
    case 'date': {
      if (!input.value) return null;
      // datetime-local is read as UTC, as the panel shows times in UTC
      const t = Date.parse(`${input.value}:00Z`);
      return Number.isFinite(t) ? Math.floor(t / 1000) : input.value;
    }
    case 'password':
      return input.value === '' ? undefined : input.value;
    default:
      return input.value;
  }
}
