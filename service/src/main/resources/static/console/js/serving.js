// Serving: throughput, p50/p99 latency, queue depth and per-label positive rates over the last minutes, from
// GET /serving/summary (the service samples its own meters every 5 seconds).
import { get } from './api.js';
import { h, errorMessage, show, fmt, lineChart, sortableTable } from './ui.js';

export async function render(main) {
  const status = h('div', { id: 'serving-status', 'aria-live': 'polite' });
  const throughput = lineChart({ title: 'Throughput (texts/s)', xLabel: 'time', time: true, series: [{ label: 'texts/s' }] });
  const latency = lineChart({ title: 'Request time (ms)', xLabel: 'time', time: true, series: [{ label: 'p50' }, { label: 'p99' }] });
  const queue = lineChart({ title: 'Queue depth (texts waiting)', xLabel: 'time', time: true, series: [{ label: 'queue depth' }] });
  const rates = h('div', { id: 'label-rates' });
  let rateChart = null; let rateLabels = '';
  const rateHolder = h('div');
  throughput.el.id = 'throughput-chart';
  latency.el.id = 'latency-chart';
  queue.el.id = 'queue-chart';
  const summaryLine = h('p', { id: 'serving-summary', class: 'muted' });
  main.append(h('h2', {}, 'Serving'), status, summaryLine,
    h('div', { class: 'grid' }, throughput.el, latency.el, queue.el, rateHolder),
    h('section', { class: 'panel' }, h('h3', {}, 'Per-label positive rate'),
      h('p', { class: 'muted' }, 'The share of texts each label was predicted for: the last minute against the whole window. A label whose rate moves is drift.'),
      rates));

  const refresh = async () => {
    let s;
    try { s = await get('/serving/summary'); } catch (e) { show(status, errorMessage(e)); return; }
    show(status, null);
    const pts = s.samples;
    const x = pts.map((p) => Date.parse(p.end) / 1000);
    throughput.update(x, [pts.map((p) => p.texts_per_second)]);
    latency.update(x, [pts.map((p) => p.p50_ms), pts.map((p) => p.p99_ms)]);
    queue.update(x, [pts.map((p) => p.queue_depth)]);
    const total = pts.reduce((a, p) => a + p.texts, 0);
    summaryLine.textContent = pts.length
      ? `${pts.length} samples of ${s.interval_seconds} s (up to ${s.capacity}): ${total} texts classified in the window.`
      : `No sample yet: the first comes ${s.interval_seconds} s after start.`;
    // Rates weighted by each interval's texts: over the window and over the last minute.
    const perMinute = Math.max(1, Math.round(60 / s.interval_seconds));
    const weighted = (list) => {
      const n = list.reduce((a, p) => a + p.texts, 0);
      const out = {};
      for (const p of list) for (const [l, r] of Object.entries(p.label_rates)) out[l] = (out[l] || 0) + r * p.texts;
      for (const l of Object.keys(out)) out[l] = n ? out[l] / n : 0;
      return out;
    };
    const all = weighted(pts);
    const recent = weighted(pts.slice(-perMinute));
    const rows = Object.keys(all).map((l) => ({ label: l, recent: recent[l] ?? 0, window: all[l], change: (recent[l] ?? 0) - all[l] }));
    rates.replaceChildren(rows.length ? sortableTable([{ key: 'label', title: 'label' },
      { key: 'recent', title: 'last minute', num: true, format: (v) => fmt(v) },
      { key: 'window', title: 'window', num: true, format: (v) => fmt(v) },
      { key: 'change', title: 'change', num: true, format: (v) => (v > 0 ? '+' : '') + fmt(v) }], rows,
    { sort: { key: 'window', dir: 'descending' } }) : h('p', { class: 'muted' }, 'No label predicted in the window yet.'));
    // The most frequent labels over time (at most 6, so the lines stay readable).
    const top = rows.sort((a, b) => b.window - a.window).slice(0, 6).map((r) => r.label);
    if (top.join() !== rateLabels) {
      rateLabels = top.join();
      rateChart = lineChart({ title: 'Positive rate of the most frequent labels', xLabel: 'time', time: true, yRange: [0, 1],
        series: top.map((l) => ({ label: l })) });
      rateChart.el.id = 'rates-chart';
      rateHolder.replaceChildren(rateChart.el);
    }
    rateChart?.update(x, top.map((l) => pts.map((p) => (p.texts ? p.label_rates[l] ?? 0 : null))));
  };
  await refresh();
  const every = setInterval(refresh, 5000);
  return () => clearInterval(every);
}
