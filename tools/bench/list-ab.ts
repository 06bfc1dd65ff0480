/**
 * list() of a kept bench keyspace, this tree against another checkout, interleaved, in one
 * process: `node --import tsx tools/bench/list-ab.ts KEYSPACE OTHER_ROOT [ROUNDS]`.
 * Config from $PINSTATE_CONFIG (the keyspace name replaces scylladb.keyspace).
 * Odd rounds run the variants in reverse order, so neither always goes first. Besides wall time,
 * each line has this process's CPU per pin (user + system): on a shared box the database's speed
 * varies from run to run, while the client's own cost per pin is what a read-path change moves.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import type { createStore } from '../../src/store/store.js';

const [keyspace, other, roundsText = '3'] = process.argv.slice(2);
if (keyspace === undefined || other === undefined) {
  process.stderr.write('usage: list-ab.ts KEYSPACE OTHER_ROOT [ROUNDS]\n');
  process.exit(2);
}
type CreateStore = typeof createStore;
const load = async (root: string): Promise<CreateStore> => ((await import(pathToFileURL(join(root, 'src/store/store.ts')).href)) as { createStore: CreateStore }).createStore;
const variants: Array<[string, CreateStore]> = [
  ['this', await load(process.cwd())],
  ['other', await load(other)],
];
const base = loadConfig();
const config = { ...base.scylla, keyspace };
const logger = createLogger({ level: 'warn' });
for (let round = 0; round < Number(roundsText); round++) {
  for (const [name, create] of round % 2 === 0 ? variants : [...variants].reverse()) {
    const store = await create({ config, logger });
    try {
      const t = performance.now();
      const cpu = process.cpuUsage();
      let n = 0;
      for await (const pin of store.list()) if (pin.spec.cid.length > 0) n++;
      const ms = performance.now() - t;
      const used = process.cpuUsage(cpu);
      const cpuUsPerPin = Math.round(((used.user + used.system) / n) * 10) / 10;
      process.stdout.write(`${JSON.stringify({ round, variant: name, pins: n, ms: Math.round(ms), pins_per_s: Math.round(n / (ms / 1000)), cpu_us_per_pin: cpuUsPerPin })}\n`);
    } finally {
      await store.close();
    }
  }
}
