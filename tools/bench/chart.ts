/**
 * Draws a `pinstate bench` run as one SVG: ingest throughput by mode, the pipeline's drain curve,
 * and the latency distribution (CDF). Reads only the run log, so the chart shows exactly the
 * run's recorded figures. Plain SVG text, no dependency.
 *
 *   node --import tsx tools/bench/chart.ts .local/bench/<run>.ndjson docs/benchmarks-bench.svg
 */
import { writeFileSync } from 'node:fs';
import { readRunLog, type LogLine } from '../../src/bench/run-log.js';
import { percentile, summarize } from '../../src/bench/summary.js';

const [input, output = 'docs/benchmarks-bench.svg'] = process.argv.slice(2);
if (input === undefined) {
  process.stderr.write('usage: chart.ts RUN.ndjson [OUT.svg]\n');
  process.exit(2);
}

const lines = readRunLog(input);
const s = summarize(lines);
const find = (phase: LogLine['phase']): LogLine => lines.find((l) => l.phase === phase)!;

const W = 960;
const PANEL_H = 300;
const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const text = (x: number, y: number, t: string, attrs = ''): string => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(t)}</text>`;

/** Round axis maximum: 1, 2 or 5 × 10^k at or above v. */
function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

function bars(x0: number, y0: number, w: number, h: number): string {
  const data: Array<[string, number, string]> = [
    [`ceiling (${s.ceiling_shape}, ${s.ceiling_concurrency} in flight)`, s.ceiling_pins_per_s, '#4c78a8'],
    ['pipeline (writer process)', s.pipeline_pins_per_s, '#f58518'],
    ['naive (1 write per message)', s.naive_pins_per_s, '#e45756'],
    ...s.ceiling_trials.filter((t) => t.shape !== 'writer').map((t): [string, number, string] => [`sample: ${t.shape} shape`, t.pins_per_s, '#9d9d9d']),
  ];
  const max = niceMax(Math.max(...data.map((d) => d[1])));
  const left = 230;
  const bh = Math.min(34, (h - 50) / data.length - 8);
  let out = text(x0, y0 + 18, `Ingest throughput, pins/s (${s.pins.toLocaleString('en-US')} pins; each = UpsertPin + SetDesiredPlacement)`, 'font-weight="bold"');
  data.forEach(([label, v, color], i) => {
    const y = y0 + 36 + i * (bh + 8);
    const bw = ((w - left - 80) * v) / max;
    out += text(x0 + left - 8, y + bh / 2 + 4, label, 'text-anchor="end"');
    out += `<rect x="${x0 + left}" y="${y}" width="${Math.max(1, bw).toFixed(1)}" height="${bh}" fill="${color}"/>`;
    out += text(x0 + left + bw + 6, y + bh / 2 + 4, fmt(v));
  });
  out += text(x0 + left, y0 + h - 4, `pipeline / ceiling = ${s.pipeline_vs_ceiling}, pipeline / naive = ${s.pipeline_vs_naive}×`, 'fill="#555"');
  return out;
}

function axes(x0: number, y0: number, w: number, h: number, xLabel: string, yLabel: string, xTicks: Array<[number, string]>, yTicks: Array<[number, string]>): string {
  let out = `<line x1="${x0}" y1="${y0 + h}" x2="${x0 + w}" y2="${y0 + h}" stroke="#333"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + h}" stroke="#333"/>`;
  for (const [x, l] of xTicks) out += `<line x1="${x}" y1="${y0 + h}" x2="${x}" y2="${y0 + h + 4}" stroke="#333"/>` + text(x, y0 + h + 16, l, 'text-anchor="middle"');
  for (const [y, l] of yTicks) out += `<line x1="${x0 - 4}" y1="${y}" x2="${x0 + w}" y2="${y}" stroke="#eee"/>` + text(x0 - 6, y + 4, l, 'text-anchor="end"');
  out += text(x0 + w / 2, y0 + h + 34, xLabel, 'text-anchor="middle" fill="#555"');
  out += text(x0 - 48, y0 + h / 2, yLabel, `text-anchor="middle" fill="#555" transform="rotate(-90 ${x0 - 48} ${y0 + h / 2})"`);
  return out;
}

function drainCurve(x0: number, y0: number, w: number, h: number): string {
  const p = find('pipeline');
  const samples = (p['samples'] as Array<[number, number, number, number]>) ?? [];
  const total = Number(p['intents']);
  const tMax = niceMax(Math.max(...samples.map((x) => x[0])) / 1000);
  const px = (t: number): number => x0 + (t / 1000 / tMax) * w;
  const py = (c: number): number => y0 + h - (c / total) * h;
  const path = samples.map((x, i) => `${i === 0 ? 'M' : 'L'}${px(x[0]).toFixed(1)},${py(x[1]).toFixed(1)}`).join(' ');
  const rssMax = niceMax(Math.max(...samples.map((x) => x[2])) / 1024);
  const rss = samples.map((x, i) => `${i === 0 ? 'M' : 'L'}${px(x[0]).toFixed(1)},${(y0 + h - (x[2] / 1024 / rssMax) * h).toFixed(1)}`).join(' ');
  let out = text(x0 - 60, y0 - 14, 'Pipeline: backlog applied and writer RSS over time', 'font-weight="bold"');
  out += axes(x0, y0, w, h, 'seconds since the writer was spawned', '% of backlog committed', [0, 0.25, 0.5, 0.75, 1].map((f) => [x0 + f * w, fmt(f * tMax)]), [0, 0.5, 1].map((f) => [y0 + h - f * h, `${f * 100}%`]));
  out += `<path d="${path}" fill="none" stroke="#f58518" stroke-width="2"/>`;
  out += `<path d="${rss}" fill="none" stroke="#72b7b2" stroke-width="1.5" stroke-dasharray="4 3"/>`;
  out += text(x0 + w - 4, y0 + 14, `dashed: writer RSS (0–${rssMax} MB); peak ${s.writer_peak_rss_mb} MB`, 'text-anchor="end" fill="#72b7b2"');
  const running = p['running_ms'];
  if (typeof running === 'number') out += `<line x1="${px(running)}" y1="${y0}" x2="${px(running)}" y2="${y0 + h}" stroke="#999" stroke-dasharray="2 2"/>` + text(px(running) + 4, y0 + h - 6, 'consumer running', 'fill="#999"');
  return out;
}

function latencyCdf(x0: number, y0: number, w: number, h: number): string {
  const lat = [...((find('latency')['latencies_ms'] as number[]) ?? [])].sort((a, b) => a - b);
  if (lat.length === 0) return text(x0, y0, 'no latency samples');
  // Log-scale x from 1 ms to the max.
  const lo = Math.log10(1);
  const hi = Math.log10(niceMax(Math.max(lat[lat.length - 1]!, 10)));
  const px = (v: number): number => x0 + ((Math.log10(Math.max(v, 1)) - lo) / (hi - lo)) * w;
  const step = Math.max(1, Math.floor(lat.length / 600));
  let path = '';
  for (let i = 0; i < lat.length; i += step) path += `${i === 0 ? 'M' : 'L'}${px(lat[i]!).toFixed(1)},${(y0 + h - ((i + 1) / lat.length) * h).toFixed(1)} `;
  const xt: Array<[number, string]> = [];
  for (let e = 0; e <= hi; e++) xt.push([px(10 ** e), `${10 ** e}`]);
  let out = text(x0 - 60, y0 - 14, `Latency, produce → PinEvent on the events topic, at ${s.offered_pins_per_s} pins/s offered (${lat.length.toLocaleString('en-US')} ops)`, 'font-weight="bold"');
  out += axes(x0, y0, w, h, 'milliseconds (log scale)', 'fraction of ops', xt, [0, 0.5, 0.9, 0.99].map((f) => [y0 + h - f * h, String(f)]));
  out += `<path d="${path}" fill="none" stroke="#54a24b" stroke-width="2"/>`;
  for (const [p, c] of [[50, '#54a24b'], [99, '#e45756']] as const) {
    const v = percentile(lat, p);
    out += `<line x1="${px(v)}" y1="${y0}" x2="${px(v)}" y2="${y0 + h}" stroke="${c}" stroke-dasharray="3 3"/>` + text(px(v) + 4, y0 + 12 + (p === 99 ? 14 : 0), `p${p} ${fmt(v)} ms`, `fill="${c}"`);
  }
  out += `<line x1="${px(100)}" y1="${y0}" x2="${px(100)}" y2="${y0 + h}" stroke="#333" stroke-width="0.5"/>` + text(px(100) - 4, y0 + h - 6, 'target p99 100 ms', 'text-anchor="end" fill="#333"');
  return out;
}

const run = find('run');
const machine = run['machine'] as Record<string, unknown>;
const H = 40 + PANEL_H + 40 + PANEL_H + 60 + PANEL_H + 50;
const svg = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${text(20, 24, `pinstate bench — ${String(run['at']).slice(0, 16)}Z, ${String(machine['nproc'])} cores, ${String(machine['mem_mb'])} MB, Node ${String(machine['node'])}, Cassandra ${String(machine['cassandra'])}`, 'font-size="14"')}
${bars(20, 40, W - 40, PANEL_H)}
${drainCurve(100, 40 + PANEL_H + 60, W - 160, PANEL_H - 60)}
${latencyCdf(100, 40 + 2 * PANEL_H + 100, W - 160, PANEL_H - 60)}
${text(20, H - 12, `run log: ${input}`, 'fill="#999" font-size="10"')}
</svg>
`;
writeFileSync(output, svg);
process.stdout.write(`wrote ${output}\n`);
