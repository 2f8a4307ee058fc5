// Keys: the key is kept in sessionStorage (this tab, until it closes) and sent as Bearer on every call.
import { keys, get, ApiError } from './api.js';
import { h, errorMessage, note, show } from './ui.js';
import { keyStatus } from './app.js';

export async function render(main) {
  const input = h('input', { type: 'password', id: 'key-input', autocomplete: 'off', size: 40,
    'aria-describedby': 'key-help' });
  const status = h('div', { id: 'key-check', 'aria-live': 'polite' });
  const check = async () => {
    show(status, note('info', 'Checking…'));
    try {
      await get('/models/current');
    } catch (e) {
      show(status, errorMessage(e));
      return;
    }
    let role = 'classify';
    try {
      await get('/datasets');
      role = 'admin';
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 403) { show(status, errorMessage(e)); return; }
    }
    show(status, note('ok', keys.get()
      ? `The key works: it has the ${role} role${role === 'classify' ? ' (Try, Models and Serving; not datasets, jobs or changes)' : ' (every page)'}.`
      : 'No key is needed: this service runs open (protected mode: loopback only, or allow-open-network).'));
  };
  main.append(h('h2', {}, 'API key'),
    h('section', { class: 'panel' },
      h('p', { id: 'key-help' }, 'The key is kept for this browser session only (sessionStorage: gone when the tab '
        + 'closes) and sent as "Authorization: Bearer". Leave it empty for a service without keys (protected mode).'),
      h('form', { onsubmit: (e) => { e.preventDefault(); keys.set(input.value.trim()); input.value = ''; keyStatus(); check(); } },
        h('label', { for: 'key-input' }, 'API key'), input,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', id: 'key-save' }, 'Use this key'),
          h('button', { type: 'button', class: 'secondary', id: 'key-clear',
            onclick: () => { keys.set(null); keyStatus(); check(); } }, 'Forget the key')))),
    status);
  check();
}
