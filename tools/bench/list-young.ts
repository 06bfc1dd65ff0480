/**
 * list() of a kept bench keyspace in fresh processes, one per run, with V8's young generation at
 * different sizes, interleaved: `node --import tsx tools/bench/list-young.ts KEYSPACE [ROUNDS] [SEMI_MB,…]`
 * (default 3 rounds of 16 and 64). Config from $PINSTATE_CONFIG and the environment (the keyspace
 * name replaces scylladb.keyspace). Each run lists the whole pinset twice in its process, cold
 * and then warm (as a long-running API process would), and prints one JSON line per pass: pins/s,
 * this process's CPU per pin, the time V8 spent in GC per pin (PerformanceObserver 'gc'), and the
 * database server's CPU per pin when the local stack's Cassandra is found.
 * Odd rounds run the sizes in reverse order, so none always goes first.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { clockTicks, cpuTicks, localServerPids } from '../../src/bench/proc.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { createStore } from '../../src/store/store.js';

const CHILD = 'PINSTATE_LIST_YOUNG_CHILD';

async function child(keyspace: string, semiMb: number, round: number): Promise<void> {
  let gcMs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  const base = loadConfig();
  const dbPid = localServerPids(base.scylla.hosts).cassandra ?? null;
  const ticksPerSecond = clockTicks();
  const store = await createStore({ config: { ...base.scylla, keyspace }, logger: createLogger({ level: 'warn' }) });
  try {
    for (const pass of ['cold', 'warm'] as const) {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const gc = gcMs;
      const db = dbPid === null ? null : cpuTicks(dbPid);
      let n = 0;
      for await (const pin of store.list()) if (pin.spec.cid.length > 0) n++;
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const dbEnd = dbPid === null ? null : cpuTicks(dbPid);
      const perPin = (us: number): number => Math.round((us / n) * 10) / 10;
      process.stdout.write(
        `${JSON.stringify({
          round,
          semi_space_mb: semiMb,
          pass,
          pins: n,
          pins_per_s: Math.round(n / (ms / 1000)),
          cpu_us_per_pin: perPin(used.user + used.system),
          gc_us_per_pin: perPin((gcMs - gc) * 1000),
          db_cpu_us_per_pin: db === null || dbEnd === null ? null : perPin(((dbEnd - db) / ticksPerSecond) * 1e6),
          node: process.version,
        })}\n`,
      );
    }
  } finally {
    observer.disconnect();
    await store.close();
  }
}

const [keyspace, roundsText = '3', sizesText = '16,64'] = process.argv.slice(2);
if (keyspace === undefined) {
  process.stderr.write('usage: list-young.ts KEYSPACE [ROUNDS] [SEMI_MB,…]\n');
  process.exit(2);
}
const childArgs = process.env[CHILD];
if (childArgs !== undefined) {
  const [semi, round] = childArgs.split(':').map(Number);
  await child(keyspace, semi!, round!);
} else {
  const sizes = sizesText.split(',').map(Number);
  for (let round = 0; round < Number(roundsText); round++) {
    for (const semi of round % 2 === 0 ? sizes : [...sizes].reverse()) {
      const run = spawnSync(process.execPath, [`--max-semi-space-size=${semi}`, '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
        env: { ...process.env, [CHILD]: `${semi}:${round}`, NODE_OPTIONS: '' },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      if (run.status !== 0) process.exit(run.status ?? 1);
    }
  }
}
