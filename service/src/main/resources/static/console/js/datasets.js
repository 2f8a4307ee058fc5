// Datasets: upload (drag and drop or a file picker) with the validation errors by line, the label frequency chart
// and the text length histogram.
import { get, call, del } from './api.js';
import { h, bars, sortableTable, errorMessage, note, show, fmt, confirm } from './ui.js';

// Text lengths of files uploaded from this page, by dataset id: the browser read them, so it can draw every
// length; a dataset stored earlier shows the service's percentiles.
const lengthsById = new Map();

/** Text lengths in code points, read from the file as the service will (JSONL "text", CSV "text" column, TSV first column). */
export function textLengths(content, format) {
  const lengths = [];
  const len = (t) => [...t].length;
  if (format === 'jsonl') {
    for (const line of content.split('\n')) {
      if (!line.trim()) continue;
      try { const o = JSON.parse(line); if (typeof o.text === 'string') lengths.push(len(o.text)); } catch { /* the service reports it */ }
    }
  } else if (format === 'tsv') {
    for (const line of content.split('\n')) if (line.trim()) lengths.push(len(line.split('\t')[0]));
  } else if (format === 'csv') {
    const rows = parseCsv(content);
    const col = (rows[0] || []).findIndex((c) => c.trim().toLowerCase() === 'text');
    if (col >= 0) for (const r of rows.slice(1)) if (r.length > col) lengths.push(len(r[col]));
  }
  return lengths;
}

function parseCsv(s) {
  const rows = []; let row = []; let cell = ''; let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((x) => x.length)) rows.push(row);
      row = [];
    } else cell += c;
  }
  row.push(cell);
  if (row.some((x) => x.length)) rows.push(row);
  return rows;
}

function guessFormat(name, chosen) {
  if (chosen) return chosen;
  const n = name.toLowerCase();
  if (n.endsWith('.csv')) return 'csv';
  if (n.endsWith('.tsv')) return 'tsv';
  return 'jsonl';
}

function histogram(lengths, p) {
  if (!lengths || !lengths.length) {
    return h('div', {}, h('p', { class: 'muted' }, 'Text lengths (characters), from the service: '),
      bars([['p50', p.p50], ['p90', p.p90], ['p99', p.p99], ['max', p.max]].map(([name, value]) => ({ name, value })),
        { max: Math.max(1, p.max), digits: 0, label: 'text length percentiles' }));
  }
  const max = Math.max(...lengths);
  const n = Math.min(24, Math.max(4, Math.ceil(Math.sqrt(lengths.length))));
  const width = Math.max(1, Math.ceil((max + 1) / n));
  const counts = new Array(n).fill(0);
  for (const l of lengths) counts[Math.min(n - 1, Math.floor(l / width))]++;
  const top = Math.max(...counts);
  return h('figure', { id: 'length-histogram', 'data-texts': lengths.length },
    h('figcaption', {}, `Text length histogram: ${lengths.length} texts, ${width} characters a bin`
      + ` (p50 ${p.p50}, p90 ${p.p90}, max ${p.max})`),
    h('div', { class: 'histogram', role: 'img', 'aria-label': counts.map((c, i) => `${i * width}-${(i + 1) * width - 1}: ${c}`).join(', ') },
      counts.map((c, i) => h('div', { style: `height:${(c / top) * 100}%`, title: `${i * width}–${(i + 1) * width - 1} chars: ${c}` }))),
    h('div', { class: 'histogram-axis' }, h('span', {}, '0'), h('span', {}, `${n * width} chars`)));
}

function showDataset(out, d) {
  const counts = d.label_counts || {};
  const items = Object.entries(counts).sort((a, b) => b[1] - a[1])
    .map(([name, value]) => ({ name, value }));
  out.replaceChildren(h('section', { class: 'panel', id: 'dataset-view', 'data-dataset': d.id },
    h('h3', {}, `${d.name || d.id}`),
    h('p', { class: 'muted' }, `id ${d.id} · ${d.format} · ${d.rows} rows · ${d.labels.length} labels · `
      + `${d.unlabeled} unlabeled · ${Math.round(d.bytes / 1024)} KB`),
    h('div', { class: 'actions' }, h('a', { href: '#jobs/' + encodeURIComponent(d.id), id: 'dataset-train' }, 'Train on this dataset')),
    h('div', { class: 'grid' },
      h('div', {}, h('h3', {}, 'Label frequency'), h('p', { class: 'legend' }, 'examples per label'),
        bars(items, { max: Math.max(1, ...items.map((i) => i.value)), digits: 0, label: 'label frequency' })),
      h('div', {}, h('h3', {}, 'Text length'), histogram(lengthsById.get(d.id), d.text_length_chars)))));
}

export async function render(main, [selectedId]) {
  const status = h('div', { id: 'datasets-status', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', id: 'dataset-file', accept: '.jsonl,.json,.csv,.tsv,.txt' });
  const name = h('input', { type: 'text', id: 'dataset-name', placeholder: 'from the file name' });
  const format = h('select', { id: 'dataset-format' }, h('option', { value: '' }, 'from the file name'),
    ...['jsonl', 'csv', 'tsv'].map((f) => h('option', { value: f }, f)));
  const labels = h('input', { type: 'text', id: 'dataset-labels', placeholder: 'TSV only: a,b,c' });
  const list = h('div', { id: 'datasets-list' });
  const view = h('div', { id: 'dataset-out' });

  const upload = async (f) => {
    const fmtName = guessFormat(f.name, format.value);
    const form = new FormData();
    form.append('name', name.value.trim() || f.name.replace(/\.[^.]*$/, ''));
    if (format.value) form.append('format', format.value);
    if (labels.value.trim()) form.append('labels', labels.value.trim());
    form.append('file', f);
    show(status, note('info', `Uploading ${f.name}…`));
    let content = null;
    try { content = await f.text(); } catch { /* the histogram falls back to percentiles */ }
    try {
      const d = await call('POST', '/datasets', { body: form });
      if (content !== null) lengthsById.set(d.id, textLengths(content, fmtName));
      show(status, note('ok', `Stored ${d.name} (${d.rows} rows, id ${d.id}).`));
      await load(d.id);
    } catch (err) {
      show(status, errorMessage(err));
    }
  };

  const drop = h('div', { class: 'drop', id: 'dataset-drop', tabindex: '0', role: 'button',
    'aria-label': 'Drop a dataset file here, or press Enter to choose one',
    onclick: () => file.click(), onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); file.click(); } },
    ondragover: (e) => { e.preventDefault(); drop.classList.add('over'); },
    ondragleave: () => drop.classList.remove('over'),
    ondrop: (e) => { e.preventDefault(); drop.classList.remove('over'); if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]); },
  }, h('strong', {}, 'Drop a JSONL, CSV or TSV file here'), h('br'), h('span', { class: 'muted' }, 'or click to choose one'));
  file.addEventListener('change', () => { if (file.files.length) upload(file.files[0]); file.value = ''; });

  const load = async (id) => {
    let items;
    try { items = (await get('/datasets')).items; } catch (e) { show(status, errorMessage(e)); return; }
    list.replaceChildren(items.length ? sortableTable([
      { key: 'name', title: 'name' }, { key: 'id', title: 'id', format: (v) => h('code', {}, v) },
      { key: 'format', title: 'format' }, { key: 'rows', title: 'rows', num: true },
      { key: 'labels_n', title: 'labels', num: true },
      { key: 'created_at', title: 'created', format: (v) => (v || '').replace('T', ' ').slice(0, 19) },
      { key: 'id', title: '', format: (v, d) => h('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${d.name || v}`,
        onclick: async (e) => {
          e.stopPropagation();
          if (!await confirm(`Delete dataset ${d.name || v}?`, 'It is removed for good.', 'Delete')) return;
          try { await del('/datasets/' + encodeURIComponent(v)); show(status, note('ok', `Deleted ${d.name || v}.`)); load(); } catch (err) { show(status, errorMessage(err)); }
        } }, 'Delete') },
    ], items.map((d) => ({ ...d, labels_n: d.labels.length })), {
      caption: 'Select a row to see its charts', onRow: (d) => showDataset(view, d), selected: (d) => d.id === id,
    }) : h('p', { class: 'muted' }, 'No dataset yet.'));
    const chosen = items.find((d) => d.id === id) || items[items.length - 1];
    if (chosen) showDataset(view, chosen);
  };

  main.append(h('h2', {}, 'Datasets'),
    h('section', { class: 'panel' }, h('h3', {}, 'Upload'),
      h('p', { class: 'muted' }, 'JSONL ({"text": …, "labels": […]} a line), CSV with text and labels columns, or '
        + 'GoEmotions TSV (give the labels). A file is stored only when every row is valid; otherwise the problems are listed by line.'),
      h('div', { class: 'row' },
        h('div', {}, h('label', { for: 'dataset-name' }, 'Name'), name),
        h('div', {}, h('label', { for: 'dataset-format' }, 'Format'), format),
        h('div', {}, h('label', { for: 'dataset-labels' }, 'Labels'), labels),
        h('div', {}, h('label', { for: 'dataset-file' }, 'File'), file)),
      h('div', { style: 'margin-top:12px' }, drop)),
    status, h('section', { class: 'panel' }, h('h3', {}, 'Stored datasets'), list), view);
  await load(selectedId);
}
