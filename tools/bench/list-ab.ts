/**
 * list() of a kept bench keyspace, this tree against another checkout, interleaved, in one
 * process: `node --import tsx tools/bench/list-ab.ts KEYSPACE OTHER_ROOT [ROUNDS]`.
 * Config from $PINSTATE_CONFIG (the keyspace name replaces scylladb.keyspace).
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
  for (const [name, create] of variants) {
    const store = await create({ config, logger });
    try {
      const t = performance.now();
      let n = 0;
      for await (const pin of store.list()) if (pin.spec.cid.length > 0) n++;
      const ms = performance.now() - t;
      process.stdout.write(`${JSON.stringify({ round, variant: name, pins: n, ms: Math.round(ms), pins_per_s: Math.round(n / (ms / 1000)) })}\n`);
    } finally {
      await store.close();
    }
  }
}
