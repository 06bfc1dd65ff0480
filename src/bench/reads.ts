/**
 * The read modes on the pipeline's keyspace: `get` latency over random stored CIDs (one at a
 * time, so each figure is a request's own latency), the `list()` rate over the whole pinset in
 * this process, and `pinstate export` of the whole pinset as a child process whose peak RSS
 * shows that listing stays bounded in memory.
 */
import { join } from 'node:path';
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { packageRoot } from '../paths.js';
import { createStore } from '../store/store.js';
import { writeChildConfig } from './config-file.js';
import { memoryKb, scriptEntry, spawnChild } from './proc.js';
import { benchPin, seededRandom } from './workload.js';

export interface ReadsResult {
  readonly getMs: number[];
  readonly getMissing: number;
  readonly listPins: number;
  readonly listMs: number;
  /** This process's RSS growth over the list, KiB (sampled every 50 ms). */
  readonly listRssGrowthKb: number;
}

export async function measureReads(config: PinstateConfig, logger: Logger, seed: string, peers: readonly string[], storedPins: number, gets: number): Promise<ReadsResult> {
  const store = await createStore({ config: config.scylla, logger });
  try {
    const rand = seededRandom(`${seed}:get`);
    const getMs: number[] = [];
    let getMissing = 0;
    const cids = Array.from({ length: gets }, () => benchPin(seed, Math.floor(rand() * storedPins), peers).cid);
    // A few warm-up reads so prepared statements and connections are in place.
    for (const cid of cids.slice(0, 20)) await store.get(cid).catch(() => undefined);
    for (const cid of cids) {
      const t = performance.now();
      try {
        await store.get(cid);
      } catch {
        getMissing++;
      }
      getMs.push(Math.round((performance.now() - t) * 1000) / 1000);
    }

    const baseRss = process.memoryUsage().rss;
    let peakRss = baseRss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
    const t = performance.now();
    let listPins = 0;
    try {
      for await (const pin of store.list()) if (pin.spec.cid.length > 0) listPins++;
    } finally {
      clearInterval(sampler);
    }
    const listMs = performance.now() - t;
    return { getMs, getMissing, listPins, listMs, listRssGrowthKb: Math.round((peakRss - baseRss) / 1024) };
  } finally {
    await store.close();
  }
}

export interface ExportResult {
  readonly ok: boolean;
  readonly pins: number;
  readonly ms: number;
  readonly vmHwmKb: number;
  readonly entry: 'dist' | 'source';
  readonly error?: string;
}

/** `pinstate export /dev/null --json` as a child process: its time and peak RSS. */
export async function measureExport(config: PinstateConfig, options: { fromSource: boolean; logDir: string; label: string }): Promise<ExportResult> {
  const entry = scriptEntry('dist/src/cli/main.js', 'src/cli/main-entry.ts', { fromSource: options.fromSource });
  const childConfig = writeChildConfig(config);
  try {
    // dist/src/cli/main.js only exports main(); bin/pinstate.js is the launcher that calls it.
    const launch = entry.kind === 'dist' ? { ...entry, args: [join(packageRoot(), 'bin', 'pinstate.js')] } : entry;
    const started = performance.now();
    const child = spawnChild({ entry: launch, args: ['export', '/dev/null', '--json'], env: childConfig.env, logFile: join(options.logDir, `${options.label}.export.log`) });
    let hwm = 0;
    const sampler = setInterval(() => (hwm = Math.max(hwm, memoryKb(child.pid)?.hwmKb ?? 0)), 100);
    const code = await child.exited.finally(() => clearInterval(sampler));
    const ms = performance.now() - started;
    const summary = /\{"pins":(\d+)[^\n]*\}/.exec(child.output());
    if (code !== 0 || !summary) return { ok: false, pins: 0, ms, vmHwmKb: hwm, entry: entry.kind, error: child.output().slice(-2000) };
    return { ok: true, pins: Number(summary[1]), ms, vmHwmKb: hwm, entry: entry.kind };
  } finally {
    childConfig.remove();
  }
}
