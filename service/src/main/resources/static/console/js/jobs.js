// Jobs: a submit form with the API's defaults and the resolved spec previewed; a job's live progress bar and
// ETA from its event stream, loss and validation macro-F1 per epoch, cancel, and the deploy decision.
import { get, post, events } from './api.js';
import { h, errorMessage, note, show, fmt, lineChart, confirm, sortableTable, definitionList } from './ui.js';

const FINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

function field(id, labelText, input, help) {
  return h('div', {}, h('label', { for: id }, labelText), input, help ? h('div', { class: 'muted', style: 'font-size:12px' }, help) : null);
}

export async function render(main, params) {
  let abort = null;
  const status = h('div', { id: 'jobs-status', 'aria-live': 'polite' });
  const form = h('form', { class: 'panel', id: 'job-form', novalidate: true });
  const preview = h('pre', { id: 'job-preview', class: 'mono', style: 'white-space:pre-wrap;max-height:320px;overflow:auto' });
  const list = h('section', { class: 'panel', id: 'jobs-list' });
  const view = h('div', { id: 'job-view' });
  main.append(h('h2', {}, 'Training jobs'), status, view,
    h('div', { class: 'grid' }, h('div', {}, form), h('section', { class: 'panel' }, h('h3', {}, 'Resolved spec (what the job will run)'),
      h('p', { class: 'muted' }, 'Every default filled in by the service, before anything is queued.'), preview)), list);

  let datasets = []; let models = [];
  try {
    [datasets, models] = await Promise.all([get('/datasets').then((r) => r.items), get('/models').then((r) => r.items)]);
  } catch (e) {
    show(status, errorMessage(e));
    return () => abort?.abort();
  }
  const preselect = params[0] && params[0] !== 'job' ? params[0] : null;
  const dsOptions = (first, pre) => [h('option', { value: '' }, first), ...datasets.map((d) =>
    h('option', { value: d.id, selected: d.id === pre }, `${d.name} (${d.rows} rows)`))];
  const f = {
    name: h('input', { type: 'text', id: 'job-name', placeholder: 'optional' }),
    dataset: h('select', { id: 'job-dataset', required: true }, dsOptions('choose a dataset', preselect)),
    validation: h('select', { id: 'job-validation' }, dsOptions('a split of the training data')),
    split: h('input', { type: 'number', id: 'job-split', step: '0.05', placeholder: '0.2' }),
    train: h('select', { id: 'job-train' }, h('option', { value: '' }, 'head (default)'),
      ...[1, 2, 3, 4, 5, 6].map((n) => h('option', { value: `top_layers:${n}` }, `top ${n} layer(s) + head`)),
      h('option', { value: 'all' }, 'all layers + head')),
    epochs: h('input', { type: 'number', id: 'job-epochs', min: '1', placeholder: 'head: 40 (20 over 10k); else 3' }),
    lr: h('input', { type: 'text', id: 'job-lr', placeholder: 'head: 1e-2; else 5e-5' }),
    batch: h('input', { type: 'number', id: 'job-batch', min: '1', placeholder: 'from the data size' }),
    base: h('select', { id: 'job-base' }, h('option', { value: '' }, 'builtin:all-MiniLM-L6-v2 (default)'),
      ...models.map((m) => h('option', { value: m.id }, m.id))),
    deploy: h('select', { id: 'job-deploy' }, ...['never', 'if_better', 'always'].map((p) => h('option', { value: p }, p))),
  };
  const body = () => {
    const b = { training_data: { dataset_id: f.dataset.value } };
    if (f.name.value.trim()) b.name = f.name.value.trim();
    if (f.validation.value) b.validation_data = { dataset_id: f.validation.value };
    else if (f.split.value !== '') b.validation_data = { split: Number(f.split.value) };
    const p = {};
    if (f.train.value) p.train = f.train.value;
    if (f.epochs.value !== '') p.epochs = Number(f.epochs.value);
    if (f.lr.value.trim()) p.learning_rate = Number(f.lr.value);
    if (f.batch.value !== '') p.batch_size = Number(f.batch.value);
    if (Object.keys(p).length) b.parameters = p;
    if (f.base.value) b.base = f.base.value;
    b.deploy = f.deploy.value;
    return b;
  };
  let timer = null;
  const refreshPreview = async () => {
    if (!f.dataset.value) { preview.textContent = 'Choose a dataset to see the resolved spec.'; return; }
    try {
      preview.textContent = JSON.stringify(await post('/train-jobs/preview', body()), null, 2);
      preview.dataset.valid = 'true';
    } catch (e) {
      preview.dataset.valid = 'false';
      preview.replaceChildren(errorMessage(e));
    }
  };
  form.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refreshPreview, 300); });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const job = await post('/train-jobs', body());
      show(status, note('ok', `Queued job ${job.id}.`));
      location.hash = '#jobs/job/' + job.id;
    } catch (err) { show(status, errorMessage(err)); }
  });
  form.append(h('h3', {}, 'New job'),
    h('div', { class: 'row' }, field('job-name', 'Name', f.name), field('job-dataset', 'Training data', f.dataset)),
    h('div', { class: 'row' }, field('job-validation', 'Validation data', f.validation),
      field('job-split', 'Validation split', f.split, 'share held out; default 0.2')),
    h('div', { class: 'row' }, field('job-train', 'What to train', f.train), field('job-epochs', 'Epochs', f.epochs)),
    h('div', { class: 'row' }, field('job-lr', 'Learning rate', f.lr), field('job-batch', 'Batch size', f.batch)),
    h('div', { class: 'row' }, field('job-base', 'Base model', f.base), field('job-deploy', 'Deploy when done', f.deploy,
      'if_better: only when it beats the served model on the same validation data')),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'job-submit' }, 'Start training'),
      h('button', { type: 'button', class: 'secondary', id: 'job-preview-go', onclick: refreshPreview }, 'Preview spec')));
  refreshPreview();

  const loadList = async () => {
    try {
      const page = await get('/train-jobs?size=20');
      list.replaceChildren(h('h3', {}, 'Recent jobs'), page.items.length ? sortableTable([
        { key: 'id', title: 'id', format: (v) => h('a', { href: '#jobs/job/' + v }, v) },
        { key: 'name', title: 'name' },
        { key: 'status', title: 'status', format: (v) => h('span', { class: 'badge ' + v }, v) },
        { key: 'train', title: 'trained' }, { key: 'f1', title: 'macro-F1', num: true, format: (v) => fmt(v, 4) },
        { key: 'created_at', title: 'created', format: (v) => (v || '').replace('T', ' ').slice(0, 19) },
      ], page.items.map((j) => ({ id: j.id, name: j.request?.name, status: j.status, train: j.request?.parameters?.train,
        f1: j.result?.metrics?.validation?.macro_f1 ?? null, created_at: j.created_at })))
        : h('p', { class: 'muted' }, 'No job yet.'));
    } catch (e) { list.replaceChildren(errorMessage(e)); }
  };
  loadList();

  if (params[0] === 'job' && params[1]) {
    abort = new AbortController();
    watch(view, params[1], abort.signal, loadList);
  }
  return () => abort?.abort();
}

function progressText(p) {
  if (!p) return '';
  const parts = [p.phase];
  if (p.epoch) parts.push(`epoch ${p.epoch}/${p.epochs}`);
  if (p.step !== undefined) parts.push(`step ${p.step}/${p.total_steps}`);
  if (p.texts_to_encode) parts.push(`encoded ${p.texts_encoded}/${p.texts_to_encode}`);
  if (p.examples_per_second) parts.push(`${fmt(p.examples_per_second, 1)} examples/s`);
  if (p.eta_seconds !== undefined && p.eta_seconds !== null) parts.push(`ETA ${p.eta_seconds} s`);
  return parts.join(' · ');
}

function fraction(job) {
  if (job.status === 'SUCCEEDED') return 1;
  const p = job.progress;
  if (!p) return null;
  if (p.phase === 'training' && p.total_steps) return p.step / p.total_steps;
  if (p.phase === 'encoding' && p.texts_to_encode) return p.texts_encoded / p.texts_to_encode;
  if (['writing', 'comparing', 'deploying'].includes(p.phase)) return 1;
  return null;
}

function watch(view, id, signal, onEnd) {
  const title = h('h3', {}, `Job ${id}`);
  const badge = h('span', { class: 'badge', id: 'job-status' }, '…');
  const bar = h('progress', { id: 'job-progress', max: '1', 'aria-label': 'job progress' });
  const text = h('p', { id: 'job-progress-text', 'aria-live': 'polite' });
  const cancel = h('button', { type: 'button', class: 'danger', id: 'job-cancel' }, 'Cancel job');
  const message = h('div', { 'aria-live': 'polite' });
  const loss = lineChart({ title: 'Loss per epoch', xLabel: 'epoch', integerX: true, series: [{ label: 'train loss' }, { label: 'validation loss' }] });
  loss.el.id = 'loss-chart';
  const f1 = lineChart({ title: 'Validation macro-F1 per epoch', xLabel: 'epoch', yRange: [0, 1], integerX: true,
    series: [{ label: 'macro-F1' }, { label: 'baseline (untrained)' }] });
  f1.el.id = 'f1-chart';
  const result = h('div', { id: 'job-result' });
  view.replaceChildren(h('section', { class: 'panel', 'data-job': id }, title, h('p', {}, badge), bar, text,
    h('div', { class: 'actions' }, cancel), message, h('div', { class: 'grid' }, loss.el, f1.el), result));
  let seenEpochs = -1;
  let job = null;
  cancel.addEventListener('click', async () => {
    if (!await confirm(`Cancel job ${id}?`, 'A running job stops at its next step and writes no model.', 'Cancel the job')) return;
    try { update(await post(`/train-jobs/${id}/cancel`)); } catch (e) { show(message, errorMessage(e)); }
  });

  const update = (j) => {
    job = j;
    badge.textContent = j.status;
    badge.className = 'badge ' + j.status;
    view.querySelector('section').dataset.status = j.status;
    title.textContent = `Job ${j.id}${j.request?.name ? ': ' + j.request.name : ''}`;
    const fr = fraction(j);
    if (fr === null) bar.removeAttribute('value'); else bar.value = fr;
    text.textContent = FINAL.has(j.status) ? (j.error || j.status.toLowerCase())
      : (j.cancel_requested ? 'cancel requested · ' : '') + progressText(j.progress);
    cancel.disabled = FINAL.has(j.status);
    const epochs = j.epochs || [];
    if (epochs.length !== seenEpochs) {
      seenEpochs = epochs.length;
      const x = epochs.map((e) => e.epoch);
      loss.update(x, [epochs.map((e) => e.train_loss ?? null), epochs.map((e) => e.validation?.loss ?? null)]);
      f1.update(x, [epochs.map((e) => e.validation?.macro_f1 ?? null), epochs.map(() => j.baseline?.macro_f1 ?? null)]);
    }
    if (FINAL.has(j.status)) showResult(j);
  };

  const showResult = (j) => {
    const r = j.result;
    if (!r) { result.replaceChildren(j.status === 'FAILED' ? note('error', 'Failed: ' + (j.error || '')) : ''); return; }
    const v = r.metrics?.validation || {};
    const d = r.deployment || {};
    const deploy = h('button', { type: 'button', id: 'job-deploy-model', onclick: async () => {
      if (!await confirm(`Deploy ${r.model_id}?`, `Every new request will be answered by ${r.model_id}.`, 'Deploy')) return;
      try {
        const served = await post(`/models/${encodeURIComponent(r.model_id)}/deploy`);
        show(message, note('ok', `Deployed: ${served.id} (version ${served.version}) is now served.`));
      } catch (e) { show(message, errorMessage(e)); }
    } }, 'Deploy this model');
    result.replaceChildren(h('h3', {}, 'Result'), definitionList([
      ['model', h('a', { href: '#models/' + encodeURIComponent(r.model_id) }, `${r.model_id} (version ${r.model_version})`)],
      ['validation macro-F1', `${fmt(v.macro_f1, 4)} (cross-fitted ${fmt(v.macro_f1_cross_fitted, 4)})`],
      ['time', `${fmt(r.timings?.total_seconds, 1)} s`],
      ['deploy policy', d.policy ?? '–'],
      ['deployed', d.deployed ? 'yes' : 'no'],
      ['reason', h('span', { id: 'job-deploy-reason' }, d.reason ?? '–')],
    ]), h('div', { class: 'actions' }, deploy));
  };

  (async () => {
    try {
      update(await get(`/train-jobs/${id}`));
      if (!FINAL.has(job.status)) await events(`/train-jobs/${id}/events`, (name, j) => update(j), signal);
      // The stream ends after the final state; read it once more in case the last event was missed.
      if (!signal.aborted) update(await get(`/train-jobs/${id}`));
      onEnd();
    } catch (e) {
      if (!signal.aborted) show(message, errorMessage(e));
    }
  })();
}
