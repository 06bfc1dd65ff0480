/**
 * CPU cost of the store's pure write path per pin — digest, plan, statements, size estimate —
 * for this checkout and, optionally, another one (the sources before a change), interleaved in
 * one process so machine noise hits both alike:
 *
 *   node --import tsx tools/bench/micro-write.ts [--pins 5000] [--rounds 6] [--other /tmp/pinstate-baseline]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { parseCid } from '../../src/domain/cid.js';
import { packageRoot } from '../../src/paths.js';
import { benchPeers, benchPin, pinIntents, pinStoreOps } from '../../src/bench/workload.js';
import type { StoreOp } from '../../src/store/records.js';
import type * as PlanModule from '../../src/store/plan.js';
import type * as RowsModule from '../../src/store/rows.js';
import type * as WritesModule from '../../src/store/writes.js';

type Writes = typeof WritesModule;
type Plan = typeof PlanModule;
type Rows = typeof RowsModule;

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const pins = Number(flag('--pins') ?? 5000);
const rounds = Number(flag('--rounds') ?? 6);
const roots: Array<[string, string]> = [['current', packageRoot()]];
const other = flag('--other');
if (other !== undefined) roots.push(['other', other]);

const load = async (root: string): Promise<{ writes: Writes; plan: Plan; rows: Rows }> => ({
  writes: (await import(pathToFileURL(join(root, 'src/store/writes.ts')).href)) as Writes,
  plan: (await import(pathToFileURL(join(root, 'src/store/plan.ts')).href)) as Plan,
  rows: (await import(pathToFileURL(join(root, 'src/store/rows.ts')).href)) as Rows,
});

const config = loadConfig({ env: {} });
const ctx = { peerBucketBits: 15, ttlShards: 1024, dedupTtlSec: 604_800, eventsTtlSec: 2_592_000 };
const peers = benchPeers('micro');
const work: StoreOp[][] = Array.from({ length: pins }, (_, i) => {
  const pin = benchPin('micro', i, peers);
  return pinStoreOps(pinIntents('micro', pin, 1_700_000_000_000 + i), (k) => ({ topic: config.kafka.topics.intents, partition: 3, offset: String(i * 2 + k) }));
});

function once(m: { writes: Writes; plan: Plan; rows: Rows }): number {
  const t = performance.now();
  let sink = 0;
  for (const ops of work) {
    for (const op of ops) sink += m.writes.digestOfBody(op.body).length;
    const cid = parseCid(ops[0]!.body.kind === 'UpsertPin' ? ops[0]!.body.spec.cid : '');
    const plan = m.plan.planCid(m.rows.cidStateFromRow(cid, undefined), ops);
    const { core, derived } = m.writes.statementsForPlan(plan, ctx);
    for (const s of core) sink += m.writes.estimateBytes(s);
    for (const s of derived) sink += m.writes.estimateBytes(s);
  }
  if (sink < 0) process.stdout.write('');
  return ((performance.now() - t) * 1000) / pins;
}

const modules = await Promise.all(roots.map(async ([name, root]) => [name, await load(root)] as const));
const results = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [name, m] of modules) {
    const us = once(m);
    if (r > 0) results.set(name, [...(results.get(name) ?? []), us]);
  }
}
for (const [name, xs] of results) {
  const sorted = [...xs].sort((a, b) => a - b);
  process.stdout.write(`${name}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} µs/pin (min ${sorted[0]!.toFixed(1)}) over ${xs.length} rounds of ${pins} pins\n`);
}
