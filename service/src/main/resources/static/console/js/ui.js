// Small DOM helpers, the error message, bars, sortable tables, the confirmation dialog and uPlot line charts.
import uPlot from '../../webjars/uplot/dist/uPlot.esm.js';
import { ApiError } from './api.js';

/** h('div', {class: 'x', onclick: f}, 'text', child...) */
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export const fmt = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : Number(v).toFixed(d);

/** What went wrong, in words: 401 and 403 say what to do about the key. */
export function errorMessage(err) {
  const box = h('div', { class: 'message error', role: 'alert' });
  if (!(err instanceof ApiError)) {
    box.append(String(err?.message || err));
    return box;
  }
  const p = err.problem;
  let lead;
  if (err.status === 401) {
    lead = 'Not signed in (401): this service needs an API key. Enter one on the Keys page.';
  } else if (err.status === 403) {
    lead = 'Not allowed (403): your key may not do this' + (/admin/i.test(p.detail || '') ? '' : ' (it needs an admin key)') + '.';
  } else if (err.status === 0) {
    lead = 'No answer from the service.';
  } else {
    lead = `${err.status} ${p.title || ''}`.trim() + ':';
  }
  box.append(h('strong', {}, lead), ' ', p.detail || '');
  if (p.field) box.append(h('div', {}, 'Field: ', h('span', { class: 'field' }, p.field)));
  if (p.limit !== undefined) box.append(h('div', {}, 'Limit: ', String(p.limit)));
  if (Array.isArray(p.errors) && p.errors.length) {
    const rows = p.errors.map((e) => h('tr', {}, h('td', { class: 'num' }, e.line ?? ''), h('td', { class: 'mono' },
      e.field ?? ''), h('td', {}, e.message ?? '')));
    box.append(h('p', {}, `${p.error_count ?? p.errors.length} problem(s)` + (p.error_count > p.errors.length
      ? `, the first ${p.errors.length}:` : ':')),
    h('div', { class: 'table-wrap' }, h('table', { class: 'errors' }, h('caption', { class: 'muted' }, 'Problems by line'),
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'line'), h('th', {}, 'field'), h('th', {}, 'message'))),
      h('tbody', {}, rows))));
  }
  return box;
}

export function note(kind, text) {
  return h('div', { class: 'message ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** Shows one message in a slot, replacing what was there (or clears it). */
export function show(slot, node) {
  slot.replaceChildren(...(node ? [node] : []));
}

/**
 * Horizontal bars on a 0..max scale. items: {name, value, mark?, hit?, b?} (b: a second value drawn below the
 * first, for comparisons). Each row says its numbers in text too, for screen readers and tests.
 */
export function bars(items, { max = 1, digits = 3, label = 'bars', markName = 'threshold' } = {}) {
  const pct = (v) => Math.max(0, Math.min(100, (v / max) * 100)) + '%';
  return h('ul', { class: 'bars', 'aria-label': label }, items.map((it) => {
    const track = h('span', { class: 'track' },
      h('span', { class: 'fill' + (it.b !== undefined ? ' a' : ''), style: `width:${pct(it.value ?? 0)}` }));
    if (it.b !== undefined) track.append(h('span', { class: 'fill b', style: `width:${pct(it.b ?? 0)}` }));
    if (it.mark !== undefined && it.mark !== null) {
      track.append(h('span', { class: 'mark', style: `left:calc(${pct(it.mark)} - 1px)`, title: `${markName} ${fmt(it.mark, 2)}` }));
    }
    const said = `${it.name}: ${fmt(it.value, digits)}` + (it.b !== undefined ? ` vs ${fmt(it.b, digits)}` : '')
      + (it.mark !== undefined && it.mark !== null ? `, ${markName} ${fmt(it.mark, 2)}` : '') + (it.hit ? ', predicted' : '');
    return h('li', { class: it.hit ? 'hit' : '', 'data-label': it.name, 'data-value': it.value, 'aria-label': said },
      h('span', { class: 'name', title: it.name }, it.name), track,
      h('span', { class: 'value' }, it.b !== undefined ? `${fmt(it.value, 2)}/${fmt(it.b, 2)}` : fmt(it.value, digits)));
  }));
}

/**
 * A table whose column headers sort it (click or Enter/Space on the header's button).
 * columns: {key, title, num?, format?}; rows: objects. onRow(row) makes rows selectable.
 */
export function sortableTable(columns, rows, { caption, onRow, selected, sort } = {}) {
  let state = sort || null;
  const table = h('table', {});
  if (caption) table.append(h('caption', { class: 'muted' }, caption));
  const thead = h('thead');
  const tbody = h('tbody');
  table.append(thead, tbody);
  const render = () => {
    const sorted = [...rows];
    if (state) {
      sorted.sort((a, b) => {
        const x = a[state.key]; const y = b[state.key];
        const c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
        return state.dir === 'ascending' ? c : -c;
      });
    }
    thead.replaceChildren(h('tr', {}, columns.map((c) => h('th', {
      class: c.num ? 'num' : '', scope: 'col',
      'aria-sort': state && state.key === c.key ? state.dir : 'none',
    }, h('button', {
      type: 'button', onclick: () => {
        state = { key: c.key, dir: state && state.key === c.key && state.dir === 'descending' ? 'ascending' : 'descending' };
        render();
      },
    }, c.title)))));
    tbody.replaceChildren(...sorted.map((r) => {
      const tr = h('tr', { class: selected && selected(r) ? 'selected' : '' }, columns.map((c) =>
        h('td', { class: c.num ? 'num' : '' }, c.format ? c.format(r[c.key], r) : (r[c.key] ?? '–'))));
      if (onRow) {
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRow(r));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onRow(r); });
      }
      return tr;
    }));
  };
  render();
  return h('div', { class: 'table-wrap' }, table);
}

/** Asks before anything that cannot be undone; resolves to true when confirmed. */
export function confirm(title, text, okLabel = 'Confirm') {
  const d = document.getElementById('confirm');
  d.querySelector('#confirm-title').textContent = title;
  d.querySelector('#confirm-text').textContent = text;
  d.querySelector('#confirm-ok').textContent = okLabel;
  d.returnValue = '';
  return new Promise((resolve) => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), { once: true });
    d.showModal();
    d.querySelector('#confirm-cancel').focus();
  });
}

const COLOURS = ['#0b57d0', '#c2410c', '#0b6e35', '#7c3aed', '#b3261e', '#0e7490', '#a16207', '#be185d'];

/**
 * A line chart (uPlot). series: [{label, scale?}], x: numbers, ys: one array per series. Returns {el, update}.
 * The element carries data-points (how many x values it draws) and data-history (the counts it was drawn with,
 * in order), which show that a curve grew as data arrived.
 */
export function lineChart({ title, xLabel = '', series, height = 220, time = false, yRange, integerX = false }) {
  const el = h('figure', { class: 'chart', 'data-points': '0', 'data-history': '' },
    h('figcaption', {}, h('strong', {}, title)));
  const holder = h('div');
  el.append(holder);
  let plot = null;
  let last = [[], ...series.map(() => [])];
  const width = () => Math.max(260, (el.clientWidth || holder.clientWidth || 560) - 14);
  const opts = () => ({
    width: width(), height,
    scales: { x: { time }, y: yRange ? { range: yRange } : {} },
    // Epochs are whole numbers: ticks at 1, 2, 5, 10, ... only.
    axes: [integerX ? { label: xLabel, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] } : { label: xLabel }, {}],
    series: [{ label: xLabel || 'x' }, ...series.map((s, i) => ({
      label: s.label, stroke: s.color || COLOURS[i % COLOURS.length], width: 2,
      points: { show: true, size: 5 }, spanGaps: true,
    }))],
  });
  const draw = () => {
    if (!plot) {
      if (!el.isConnected) return;
      plot = new uPlot(opts(), last, holder);
    } else {
      plot.setData(last);
    }
  };
  const update = (x, ys) => {
    last = [x, ...ys];
    draw();
    el.dataset.points = String(x.length);
    el.dataset.history = (el.dataset.history ? el.dataset.history + ',' : '') + x.length;
  };
  // Drawn once the figure is on the page (uPlot measures it); resized with the window.
  requestAnimationFrame(draw);
  window.addEventListener('resize', () => { if (plot) plot.setSize({ width: width(), height }); });
  return { el, update };
}

export function definitionList(entries) {
  return h('dl', { class: 'card' }, entries.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

/** A plain rendering of a card section (nested objects as key: value lines). */
export function describeValue(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return v.map(describeValue).join(', ');
  return definitionList(Object.entries(v).map(([k, x]) => [k, describeValue(x)]));
}
