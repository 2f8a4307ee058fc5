// The console's router: one page per hash (#try, #models, ...), each a module with render(main, params).
import { keys } from './api.js';
import * as tryPage from './try.js';
import * as models from './models.js';
import * as datasets from './datasets.js';
import * as jobs from './jobs.js';
import * as serving from './serving.js';
import * as keysPage from './keys.js';

const PAGES = { try: tryPage, models, datasets, jobs, serving, keys: keysPage };
let leave = null;

export function keyStatus() {
  document.getElementById('key-status').textContent = keys.get()
    ? 'Key: set for this browser session' : 'Key: none (open or protected mode)';
}

async function route() {
  const [name, ...rest] = (location.hash.replace(/^#/, '') || 'try').split('/');
  const page = PAGES[name] || tryPage;
  if (leave) { try { leave(); } catch { /* the old page is gone anyway */ } }
  leave = null;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.dataset.page === (PAGES[name] ? name : 'try')) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  main.replaceChildren();
  main.dataset.page = PAGES[name] ? name : 'try';
  document.title = `Tagger console: ${main.dataset.page}`;
  leave = await page.render(main, rest.map(decodeURIComponent)) || null;
  keyStatus();
}

window.addEventListener('hashchange', () => { route(); document.getElementById('main').focus(); });
route();
