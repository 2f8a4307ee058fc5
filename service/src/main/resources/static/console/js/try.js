// Try: classify one text or many; a bar per label with its threshold marked, the predicted labels highlighted.
import { get, call } from './api.js';
import { h, bars, errorMessage, show, fmt } from './ui.js';

let modelCache = null;

async function servedModel(version) {
  if (!modelCache || (version && modelCache.version !== version)) modelCache = await get('/models/current');
  return modelCache;
}

export async function render(main) {
  const texts = h('textarea', { id: 'try-texts', rows: 5, 'aria-describedby': 'try-help' },
    'Thank you so much, this made my day!');
  const perLine = h('input', { type: 'checkbox', id: 'try-per-line', checked: true });
  const threshold = h('input', { type: 'number', id: 'try-threshold', step: '0.05', placeholder: "model's" });
  const longText = h('select', { id: 'try-long-text' }, h('option', { value: '' }, "model's default"),
    h('option', { value: 'truncate' }, 'truncate'), h('option', { value: 'chunk' }, 'chunk (windows)'));
  const status = h('div', { id: 'try-status', 'aria-live': 'polite' });
  const out = h('div', { id: 'try-results' });
  const header = h('p', { id: 'try-model', class: 'muted' });

  const classify = async (e) => {
    e.preventDefault();
    const raw = texts.value;
    const list = perLine.checked ? raw.split('\n').filter((t) => t.length) : [raw];
    const body = { texts: list, all_scores: true };
    // Sent as typed: the service is the judge of a wrong value (its 422 says which field and why).
    if (threshold.value !== '') body.threshold = Number(threshold.value);
    if (longText.value) body.long_text = longText.value;
    show(status, h('p', { class: 'muted' }, 'Classifying…'));
    let r;
    try {
      r = await call('POST', '/classify', { json: body });
    } catch (err) {
      show(status, errorMessage(err));
      out.replaceChildren();
      return;
    }
    show(status, null);
    let model = null;
    try { model = await servedModel(r.model.version); } catch { /* thresholds unknown: bars without marks */ }
    header.textContent = `Model ${r.model.id}, version ${r.model.version}`;
    out.replaceChildren(...r.results.map((res, i) => {
      const items = Object.entries(res.scores).map(([name, value]) => ({
        name, value, hit: res.labels.includes(name),
        mark: body.threshold !== undefined ? body.threshold : model?.thresholds?.[name],
      }));
      const flags = [`windows: ${res.windows}`, res.truncated ? 'truncated at the token limit' : null,
        res.out_of_vocabulary ? 'mostly unknown words: do not trust these tags' : null].filter(Boolean);
      return h('section', { class: 'panel result', 'data-index': i },
        h('h3', {}, `Text ${i + 1}`),
        h('p', { class: 'mono' }, list[i].length > 300 ? list[i].slice(0, 300) + '…' : list[i]),
        h('div', { class: 'chips', 'aria-label': 'predicted labels' },
          res.labels.length ? res.labels.map((l) => h('span', { class: 'chip' }, `${l} ${fmt(res.scores[l], 2)}`))
            : h('span', { class: 'muted' }, 'no label passed its threshold')),
        h('p', { class: 'muted' }, flags.join(' · ')),
        h('p', { class: 'legend' }, 'Bar: probability; black mark: the label\'s threshold; green: predicted.'),
        bars(items, { label: `scores of text ${i + 1}` }));
    }));
  };

  main.append(h('h2', {}, 'Try the model'),
    h('form', { class: 'panel', id: 'try-form', novalidate: true, onsubmit: classify },
      h('label', { for: 'try-texts' }, 'Texts'),
      h('p', { id: 'try-help', class: 'muted' }, 'One text per line, or untick the box to send the whole box as one text.'),
      texts,
      h('div', { class: 'row' },
        h('label', { class: 'inline', for: 'try-per-line' }, perLine, 'one text per line'),
        h('div', {}, h('label', { for: 'try-threshold' }, 'Threshold for every label (optional)'), threshold),
        h('div', {}, h('label', { for: 'try-long-text' }, 'Long texts'), longText),
        h('div', {}, h('button', { type: 'submit', id: 'try-submit' }, 'Classify')))),
    status, header, out);
  try {
    const m = await servedModel();
    header.textContent = `Served: ${m.id}, version ${m.version}, ${m.labels.length} labels, token limit ${m.max_tokens}`
      + `, precision ${Object.values(m.precision || {}).join('/')}`;
  } catch (err) {
    show(status, errorMessage(err));
  }
}
