// Models: every version, its card and per-label metrics (sortable table and bars), compare two versions,
// deploy and delete with confirmation, export, register from an upload.
import { get, call, download, del, post } from './api.js';
import { h, bars, sortableTable, errorMessage, note, show, fmt, confirm, definitionList, describeValue } from './ui.js';

const perLabel = (detail) => detail?.card?.metrics?.validation?.per_label || [];

export async function render(main, [selectedId]) {
  const status = h('div', { id: 'models-status', 'aria-live': 'polite' });
  const list = h('div', { id: 'models-list' });
  const detail = h('div', { id: 'model-detail' });
  const compare = h('section', { class: 'panel', id: 'models-compare' });
  const register = h('section', { class: 'panel', id: 'models-register' });
  main.append(h('h2', {}, 'Models'), status, h('section', { class: 'panel' }, h('h3', {}, 'Versions'), list), detail,
    compare, register);

  let models = [];
  const load = async () => {
    try {
      const r = await get('/models');
      models = r.items;
    } catch (e) {
      show(status, errorMessage(e));
      return false;
    }
    list.replaceChildren(sortableTable([
      { key: 'id', title: 'id', format: (v, m) => h('span', {}, v, ' ', m.serving ? h('span', { class: 'badge serving' }, 'serving') : '',
        m.default ? h('span', { class: 'badge' }, 'default') : '') },
      { key: 'version', title: 'version', format: (v) => h('code', {}, v) },
      { key: 'trained_part', title: 'trained' },
      { key: 'labels_n', title: 'labels', num: true },
      { key: 'validation_macro_f1', title: 'macro-F1', num: true, format: (v) => fmt(v, 4) },
      { key: 'created', title: 'created', format: (v) => v ? v.replace('T', ' ').slice(0, 19) : '–' },
    ], models.map((m) => ({ ...m, labels_n: m.labels.length })), {
      caption: 'Select a row to see its card',
      onRow: (m) => { location.hash = '#models/' + encodeURIComponent(m.id); },
      selected: (m) => m.id === selectedId,
    }));
    return true;
  };

  const showDetail = async (id) => {
    let d;
    try { d = await get('/models/' + encodeURIComponent(id)); } catch (e) { show(detail, errorMessage(e)); return; }
    const rows = perLabel(d);
    const card = d.card || {};
    const actions = h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'model-deploy', disabled: d.serving, onclick: async () => {
        if (!await confirm(`Deploy ${d.id}?`, `Every new request will be answered by ${d.id} (version ${d.version}). `
          + 'Requests in flight finish on the model they started with.', 'Deploy')) return;
        show(status, note('info', `Deploying ${d.id}…`));
        try {
          const served = await post(`/models/${encodeURIComponent(d.id)}/deploy`);
          show(status, note('ok', `Deployed: ${served.id} (version ${served.version}) is now served.`));
          await load();
          await showDetail(d.id);
        } catch (e) { show(status, errorMessage(e)); }
      } }, d.serving ? 'Being served' : 'Deploy'),
      h('button', { type: 'button', class: 'secondary', id: 'model-export', onclick: async () => {
        try {
          const bytes = await download(`/models/${encodeURIComponent(d.id)}/export`, `${d.id}.tar.gz`);
          show(status, note('ok', `Exported ${d.id}.tar.gz (${Math.round(bytes / 1024)} KB).`));
        } catch (e) { show(status, errorMessage(e)); }
      } }, 'Export (tar.gz)'),
      h('button', { type: 'button', class: 'danger', id: 'model-delete', disabled: d.serving || d.default, onclick: async () => {
        if (!await confirm(`Delete ${d.id}?`, 'Its files are removed for good.', 'Delete')) return;
        try {
          await del('/models/' + encodeURIComponent(d.id));
          show(status, note('ok', `Deleted ${d.id}.`));
          location.hash = '#models';
        } catch (e) { show(status, errorMessage(e)); }
      } }, 'Delete'));
    const facts = [['id', d.id], ['version', h('code', {}, d.version)], ['base', d.base ?? '–'],
      ['trained', d.trained_part ?? '–'], ['labels', d.labels.join(', ')], ['token limit', String(d.max_tokens ?? '–')],
      ['created', d.created ?? '–']];
    // Precision is a property of serving (tagger.precision, per device), known for the served model.
    let precision = 'when served: tagger.precision (int8 on CPUs by default, fp32 on GPUs)';
    if (d.serving) {
      try {
        const cur = await get('/models/current');
        precision = Object.entries(cur.precision || {}).map(([dev, p]) => `${p} on ${dev}`).join(', ');
      } catch { /* keep the general rule */ }
    }
    facts.push(['precision', h('span', { id: 'model-precision' }, precision)]);
    const sections = Object.entries(card).filter(([k, v]) => typeof v === 'object' && v !== null && k !== 'metrics');
    const metrics = card.metrics || {};
    const summary = Object.entries(metrics.validation || {}).filter(([, v]) => typeof v !== 'object');
    const estimate = metrics.estimate ? [['estimate', describeValue(metrics.estimate)]] : [];
    detail.replaceChildren(h('section', { class: 'panel', 'data-model': d.id },
      h('h3', {}, `Card: ${d.id}`), actions,
      h('div', { class: 'grid' },
        h('div', {}, h('h3', {}, 'Model'), definitionList(facts),
          h('h3', {}, 'Validation'), definitionList([...summary.map(([k, v]) => [k, String(v)]), ...estimate])),
        h('div', {}, sections.map(([k, v]) => [h('h3', {}, k), describeValue(v)]))),
      rows.length ? [
        h('h3', { id: 'per-label' }, 'Per label (validation)'),
        h('div', { class: 'grid' },
          sortableTable([
            { key: 'label', title: 'label' },
            { key: 'precision', title: 'precision', num: true, format: (v) => fmt(v) },
            { key: 'recall', title: 'recall', num: true, format: (v) => fmt(v) },
            { key: 'f1', title: 'F1', num: true, format: (v) => fmt(v) },
            { key: 'support', title: 'support', num: true },
            { key: 'threshold', title: 'threshold', num: true, format: (v) => fmt(v, 2) },
          ], rows, { caption: 'Sort by any column', sort: { key: 'f1', dir: 'descending' } }),
          h('div', {}, h('p', { class: 'legend' }, 'F1 per label (mark: threshold)'),
            bars([...rows].sort((a, b) => b.f1 - a.f1).map((r) => ({ name: r.label, value: r.f1, mark: r.threshold })),
              { label: 'F1 per label' })))]
        : h('p', { class: 'muted' }, 'This model has no per-label validation metrics.')));
  };

  const renderCompare = () => {
    const opts = () => models.map((m) => h('option', { value: m.id }, `${m.id} (${m.version})`));
    const a = h('select', { id: 'compare-a' }, opts());
    const b = h('select', { id: 'compare-b' }, opts());
    if (models.length > 1) b.selectedIndex = 1;
    const out = h('div', { id: 'compare-out' });
    compare.replaceChildren(h('h3', {}, 'Compare two versions'),
      h('form', { class: 'row', onsubmit: async (e) => {
        e.preventDefault();
        try {
          const [x, y] = await Promise.all([get('/models/' + encodeURIComponent(a.value)), get('/models/' + encodeURIComponent(b.value))]);
          const px = new Map(perLabel(x).map((r) => [r.label, r]));
          const py = new Map(perLabel(y).map((r) => [r.label, r]));
          const labels = [...new Set([...px.keys(), ...py.keys()])];
          const rows = labels.map((l) => ({ label: l, a: px.get(l)?.f1 ?? null, b: py.get(l)?.f1 ?? null,
            delta: (py.get(l)?.f1 ?? 0) - (px.get(l)?.f1 ?? 0) }));
          const common = labels.filter((l) => px.has(l) && py.has(l)).length;
          out.replaceChildren(
            common ? null : note('info', 'These versions share no label: each one\'s F1 is shown where it has the label (–: it does not).'),
            h('p', {}, `macro-F1: ${x.id} ${fmt(x.validation_macro_f1, 4)} · ${y.id} ${fmt(y.validation_macro_f1, 4)}`
              + ' (each on its own validation data)'),
            h('div', { class: 'grid' },
              sortableTable([{ key: 'label', title: 'label' },
                { key: 'a', title: `F1 ${x.id}`, num: true, format: (v) => fmt(v) },
                { key: 'b', title: `F1 ${y.id}`, num: true, format: (v) => fmt(v) },
                { key: 'delta', title: 'B − A', num: true, format: (v) => (v > 0 ? '+' : '') + fmt(v) }], rows,
              { sort: { key: 'delta', dir: 'descending' } }),
              h('div', {}, h('p', { class: 'legend' }, h('span', { class: 'swatch', style: 'background:var(--bar)' }),
                `A: ${x.id}`, h('span', { class: 'swatch', style: 'background:#c2410c' }), `B: ${y.id}`),
              bars(rows.map((r) => ({ name: r.label, value: r.a, b: r.b })), { label: 'F1 per label, A and B' }))));
        } catch (err) { show(out, errorMessage(err)); }
      } },
      h('div', {}, h('label', { for: 'compare-a' }, 'Version A'), a),
      h('div', {}, h('label', { for: 'compare-b' }, 'Version B'), b),
      h('div', {}, h('button', { type: 'submit', id: 'compare-go' }, 'Compare'))), out);
  };

  const renderRegister = () => {
    const file = h('input', { type: 'file', id: 'register-file', accept: '.zip,.tar,.tar.gz,.tgz' });
    const id = h('input', { type: 'text', id: 'register-id', placeholder: 'from the checkpoint' });
    const out = h('div', { 'aria-live': 'polite' });
    register.replaceChildren(h('h3', {}, 'Register from an upload'),
      h('p', { class: 'muted' }, 'A Hugging Face BertForSequenceClassification checkpoint (config.json, '
        + 'model.safetensors, tokenizer.json) as zip, tar or tar.gz. It is stored, not served: deploy it after.'),
      h('form', { class: 'row', onsubmit: async (e) => {
        e.preventDefault();
        if (!file.files.length) { show(out, note('error', 'Choose a checkpoint archive first.')); return; }
        const form = new FormData();
        if (id.value.trim()) form.append('id', id.value.trim());
        form.append('file', file.files[0]);
        show(out, note('info', 'Uploading and validating…'));
        try {
          const r = await call('POST', '/models', { body: form });
          show(out, note('ok', `Registered ${r.id} (version ${r.version}).`));
          await load();
        } catch (err) { show(out, errorMessage(err)); }
      } },
      h('div', {}, h('label', { for: 'register-file' }, 'Checkpoint archive'), file),
      h('div', {}, h('label', { for: 'register-id' }, 'Model id (optional)'), id),
      h('div', {}, h('button', { type: 'submit', id: 'register-go' }, 'Register'))), out);
  };

  if (await load()) {
    renderCompare();
    renderRegister();
    const id = selectedId || models.find((m) => m.serving)?.id;
    if (id) await showDetail(id);
  }
}
