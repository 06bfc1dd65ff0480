/** Integration-test helpers for the store: a fresh keyspace per test file, dumps for comparisons. */
import { loadConfig } from '../../src/config/index.js';
import type { PinstateConfig } from '../../src/config/types.js';
import { applySchema } from '../../src/store/migrate.js';
import { openSession, type CqlSession } from '../../src/store/session.js';
import { createStore, type PinStore } from '../../src/store/store.js';
import { kafkaBrokers, localDc, scyllaHosts, scyllaPort, uniqueName } from './env.js';

/** Small shard counts keep test keyspaces quick to scan; the logic is the same at 64/1024/15. */
export function testConfig(overrides: Record<string, unknown> = {}): PinstateConfig {
  const scylla = (overrides['scylladb'] as Record<string, unknown> | undefined) ?? {};
  const kafka = (overrides['kafka'] as Record<string, unknown> | undefined) ?? {};
  return loadConfig({
    env: {},
    overrides: {
      ...overrides,
      scylladb: {
        hosts: scyllaHosts(),
        port: scyllaPort(),
        local_dc: localDc(),
        consistency: 'LOCAL_QUORUM',
        peer_bucket_bits: 4,
        stats_shards: 8,
        ttl_shards: 8,
        ...scylla,
      },
      kafka: { brokers: kafkaBrokers(), partitions: { intents: 8, acks: 8, placements: 4, events: 4 }, ...kafka },
    },
  });
}

export interface TestKeyspace {
  readonly config: PinstateConfig;
  readonly keyspace: string;
  readonly store: PinStore;
  /** Drops the keyspace and closes the store. */
  cleanup(): Promise<void>;
}

export async function freshStore(prefix: string, overrides: Record<string, unknown> = {}): Promise<TestKeyspace> {
  const keyspace = uniqueName(prefix);
  const base = testConfig(overrides);
  const config = { ...base, scylla: { ...base.scylla, keyspace } };
  await applySchema({ config: config.scylla });
  const store = await createStore({ config: config.scylla });
  return {
    config,
    keyspace,
    store,
    async cleanup() {
      await store.close();
      await dropKeyspace(config, keyspace);
    },
  };
}

export async function dropKeyspace(config: PinstateConfig, keyspace: string): Promise<void> {
  const admin = await openSession({ config: config.scylla });
  try {
    await admin.executeDdl(`DROP KEYSPACE IF EXISTS ${keyspace}`);
  } finally {
    await admin.shutdown();
  }
}

export const DUMP_TABLES = ['pins_by_cid', 'pins_by_peer', 'peer_buckets', 'pin_ttl_queue', 'op_dedup', 'pin_stats', 'pin_events'] as const;

/**
 * Every row of the store's tables with each cell's write time, as sorted JSON lines: two dumps
 * are equal only if contents and write timestamps are identical. `applied_at`/`updated_at` of
 * pin_stats carry wall-clock time and are left out.
 */
export async function dumpKeyspace(session: CqlSession, tables: readonly string[] = DUMP_TABLES): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const cols = (await session.execute('SELECT column_name, kind FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', [session.keyspace, table])).rows;
    const regular = cols.filter((c) => c['kind'] === 'regular').map((c) => c['column_name'] as string);
    // pin_stats.updated_at is wall-clock time and write_ts follows chunk boundaries; the counts are what must agree.
    const all = cols.map((c) => c['column_name'] as string).filter((c) => !(table === 'pin_stats' && (c === 'updated_at' || c === 'write_ts')));
    // pin_stats rows are rewritten per chunk, so their write times depend on batch boundaries; their values do not.
    const wt = table === 'pin_stats' ? [] : regular.map((c) => `writetime(${c}) AS wt_${c}`);
    const rows: string[] = [];
    let pageState: string | undefined;
    do {
      const page = await session.execute(`SELECT ${[...all, ...wt].join(', ')} FROM ${table}`, [], { fetchSize: 5000, pageState });
      for (const row of page.rows) rows.push(JSON.stringify(Object.fromEntries(Object.keys(row).sort().map((k) => [k, normalise(row[k])]))));
      pageState = page.pageState;
    } while (pageState !== undefined);
    out[table] = rows.sort();
  }
  return out;
}

function normalise(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') {
    const v = value as { toString(): string; constructor: { name: string } };
    if (['Long', 'Uuid', 'TimeUuid', 'BigDecimal', 'Integer', 'InetAddress', 'LocalDate', 'LocalTime'].includes(v.constructor.name)) return v.toString();
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, normalise(x)]));
  }
  return value;
}
