/**
 * list() of a kept bench keyspace, this tree against another checkout, interleaved, in one
 * process: `node --import tsx tools/bench/list-ab.ts KEYSPACE OTHER_ROOT [ROUNDS] [DB_PID]`.
 * Config from $PINSTATE_CONFIG (the keyspace name replaces scylladb.keyspace).
 * Odd rounds run the variants in reverse order, so neither always goes first. Besides wall time,
 * each line has this process's CPU per pin (user + system): on a shared box the database's speed
 * varies from run to run, while the client's own cost per pin is what a read-path change moves.
 * With DB_PID (the database server's process, e.g. from `ss -ltnp`), its CPU per pin too: a change
 * that moves work to the server (a CQL function per row) shows there. A shared server's other
 * clients count in that figure as well.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clockTicks, cpuTicks } from '../../src/bench/proc.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import type { createStore } from '../../src/store/store.js';

const [keyspace, other, roundsText = '3', dbPidText] = process.argv.slice(2);
if (keyspace === undefined || other === undefined) {
  process.stderr.write('usage: list-ab.ts KEYSPACE OTHER_ROOT [ROUNDS] [DB_PID]\n');
  process.exit(2);
}
type CreateStore = typeof createStore;
const load = async (root: string): Promise<CreateStore> => ((await import(pathToFileURL(join(root, 'src/store/store.ts')).href)) as { createStore: CreateStore }).createStore;
const variants: Array<[string, CreateStore]> = [
  ['this', await load(process.cwd())],
  ['other', await load(other)],
];
const dbPid = dbPidText === undefined ? undefined : Number(dbPidText);
const ticksPerSecond = clockTicks();
const dbTicks = (): number | null => (dbPid === undefined ? null : cpuTicks(dbPid));
const base = loadConfig();
const config = { ...base.scylla, keyspace };
const logger = createLogger({ level: 'warn' });
for (let round = 0; round < Number(roundsText); round++) {
  for (const [name, create] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const store = await create({ config, logger });
    try {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const db = dbTicks();
      let n = 0;
      for await (const pin of store.list()) if (pin.spec.cid.length > 0) n++;
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const dbEnd = dbTicks();
      const perPin = (us: number): number => Math.round((us / n) * 10) / 10;
      const dbUsPerPin = db === null || dbEnd === null ? null : perPin(((dbEnd - db) / ticksPerSecond) * 1e6);
      process.stdout.write(`${JSON.stringify({ round, variant: name, pins: n, ms: Math.round(ms), pins_per_s: Math.round(n / (ms / 1000)), cpu_us_per_pin: perPin(used.user + used.system), db_cpu_us_per_pin: dbUsPerPin })}\n`);
    } finally {
      await store.close();
    }
  }
}
