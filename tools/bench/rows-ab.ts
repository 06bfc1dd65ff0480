/**
 * What a row costs the database: the ceiling's exact statements for the same pins, written in
 * the writer's request shape into a fresh keyspace per run, with some kinds of row left out,
 * interleaved so machine noise hits every variant alike. Measures database time and Cassandra CPU
 * per pin, which is what a cheaper row layout would save (issue 15 item 2: "measure, then adopt").
 *
 *   node --import tsx tools/bench/rows-ab.ts [--pins 20000] [--rounds 3] [--concurrency 64] [--other <checkout>]
 *
 * `--other` adds the variant `other`: every row as another checkout's writer writes it (e.g. the
 * sources before a schema change; its statements must be valid on this checkout's schema).
 * Variants: `all` (every row the writer writes), `no-events` (without the pin_events rows),
 * `no-event-changes` (event rows without their `changes` cell, which schema 5 moved there from
 * op_dedup). One JSON line per run, then the medians. (Its first run, before schema 5, had a
 * `no-dedup-outputs` variant instead: op_dedup rows without the outputs they then carried.)
 */
import cassandra from 'cassandra-driver';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { packageRoot } from '../../src/paths.js';
import { pinRange } from '../../src/bench/backlog.js';
import { executeUnits, newCounts, writeUnits, type WriteUnit } from '../../src/bench/ceiling.js';
import { clockTicks, localServerPids, serverTicks } from '../../src/bench/proc.js';
import { createTarget, dropTarget, newRunId } from '../../src/bench/targets.js';
import { benchPeers } from '../../src/bench/workload.js';
import { CQL } from '../../src/store/cql.js';
import { openSession, type Statement } from '../../src/store/session.js';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const pins = Number(flag('--pins') ?? 20_000);
const rounds = Number(flag('--rounds') ?? 3);
const concurrency = Number(flag('--concurrency') ?? 64);

/** pin_events' changes column is the 11th value of insertEvent (cid_bin, event_id, op_id, kind, outcome, reason, detail, origin, source, ts, changes, …). */
const CHANGES_PARAM = 10;

type Units = typeof writeUnits;
const other = flag('--other');
const otherUnits: Units | undefined = other === undefined ? undefined : ((await import(pathToFileURL(join(other, 'src/bench/ceiling.ts')).href)) as { writeUnits: Units }).writeUnits;

const VARIANTS: Record<string, (u: WriteUnit) => WriteUnit> = {
  all: (u) => u,
  'no-events': (u) => ({ core: u.core, derived: u.derived.filter((s) => s.query !== CQL.insertEvent) }),
  'no-event-changes': (u) => ({ core: u.core, derived: u.derived.map((s): Statement => (s.query === CQL.insertEvent ? { ...s, params: s.params.map((p, i) => (i === CHANGES_PARAM ? cassandra.types.unset : p)) } : s)) }),
};
if (otherUnits !== undefined) VARIANTS['other'] = (u) => u;

const logger = createLogger({ level: 'warn', destination: process.stderr });
const base = loadConfig();
const seed = 'pinstate-bench';
const peers = benchPeers(seed);
const servers = localServerPids(base.scylla.hosts);
const ticks = clockTicks();
const dir = join(packageRoot(), '.local', 'bench');
mkdirSync(dir, { recursive: true });
const out = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.rows-ab.ndjson`);
const results = new Map<string, Array<{ pinsPerS: number; cassandraUs: number | null }>>();

for (let r = 0; r < rounds; r++) {
  // Alternate the order per round, so neither variant always runs first.
  const names = r % 2 === 0 ? Object.keys(VARIANTS) : Object.keys(VARIANTS).reverse();
  for (const name of names) {
    const target = await createTarget(base, newRunId(), 'sweep', { topics: false, logger });
    try {
      const counts = newCounts();
      const source = name === 'other' ? otherUnits! : writeUnits;
      const units = [...source(target.config, seed, pinRange(seed, peers, 0, pins), Date.now(), counts)].map(VARIANTS[name]!);
      const statements = units.reduce((n, u) => n + u.core.length + u.derived.length, 0);
      const session = await openSession({ config: target.config.scylla, keyspace: target.config.scylla.keyspace, logger });
      try {
        const before = serverTicks(servers);
        const res = await executeUnits(session, units, 'writer', concurrency, target.config.scylla.maxBatchBytes, target.config.scylla.peerBucketBits);
        const after = serverTicks(servers);
        const cassandra = before['cassandra'] != null && after['cassandra'] != null ? Math.round((((after['cassandra'] - before['cassandra']) / ticks) * 1e6) / pins) : null;
        const line = { variant: name, round: r, pins, statements, requests: res.requests, ms: Math.round(res.ms), pins_per_s: Math.round(pins / (res.ms / 1000)), cassandra_cpu_us_per_pin: cassandra };
        appendFileSync(out, `${JSON.stringify(line)}\n`);
        process.stdout.write(`${JSON.stringify(line)}\n`);
        results.set(name, [...(results.get(name) ?? []), { pinsPerS: line.pins_per_s, cassandraUs: cassandra }]);
      } finally {
        await session.shutdown();
      }
    } finally {
      await dropTarget(target, logger);
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
for (const [name, runs] of results) {
  const cpu = runs.map((x) => x.cassandraUs).filter((x): x is number => x !== null);
  process.stdout.write(`${name}: median ${median(runs.map((x) => x.pinsPerS))} pins/s, Cassandra ${cpu.length === 0 ? '-' : median(cpu)} µs/pin over ${runs.length} runs\n`);
}
process.stdout.write(`log: ${out}\n`);
