/**
 * `pinstate schema apply`: creates the keyspace (replication from config) and applies the
 * versioned migrations in scylla/ that the keyspace has not seen, recording each in
 * schema_version. Applying twice is a no-op. Settings that shape partitions (peer_bucket_bits,
 * stats_shards, ttl_shards) are recorded at creation and checked on every later start.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Replication, ScyllaConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { scyllaDir } from '../paths.js';
import { openSession, type CqlSession } from './session.js';
import { copyPlacements } from './migrations/placement-copy.js';

/**
 * Data steps: code that runs after a migration's statements and before it is recorded, for what
 * CQL alone cannot do (copying rows). Each must be idempotent, as an interrupted apply repeats it.
 */
const DATA_STEPS: Readonly<Record<number, (session: CqlSession, logger: Logger) => Promise<unknown>>> = {
  4: (session, logger) => copyPlacements(session, logger),
};

/** `ALTER TABLE t ADD c type`: the table and column it adds (null for any other statement). Pure. */
export function addedColumn(statement: string): { table: string; column: string } | null {
  const m = /^ALTER\s+TABLE\s+([a-z][a-z0-9_]*)\s+ADD\s+([a-z][a-z0-9_]*)\s/i.exec(statement);
  return m ? { table: m[1]!.toLowerCase(), column: m[2]!.toLowerCase() } : null;
}

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
  readonly checksum: string;
}

export interface SchemaReport {
  readonly keyspace: string;
  readonly appliedNow: readonly number[];
  readonly version: number;
  readonly tables: readonly string[];
}

/** Keyspace settings recorded in pinstate_meta, with the config value each must match. */
export const META_KEYS = ['peer_bucket_bits', 'stats_shards', 'ttl_shards'] as const;
export type MetaKey = (typeof META_KEYS)[number];

export function metaFromConfig(config: ScyllaConfig): Record<MetaKey, string> {
  return { peer_bucket_bits: String(config.peerBucketBits), stats_shards: String(config.statsShards), ttl_shards: String(config.ttlShards) };
}

/** Splits a migration file into statements: comments dropped, ';' at end of line ends one. Pure. */
export function splitStatements(text: string): string[] {
  const out: string[] = [];
  let current: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/--.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    current.push(line);
    if (line.endsWith(';')) {
      out.push(current.join('\n').slice(0, -1).trim());
      current = [];
    }
  }
  if (current.length > 0) out.push(current.join('\n').trim());
  return out;
}

export function loadMigrations(dir = scyllaDir()): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.cql$/.test(f))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return {
        version: Number(file.slice(0, 3)),
        name: file.replace(/\.cql$/, ''),
        statements: splitStatements(text),
        checksum: createHash('sha256').update(text).digest('hex').slice(0, 16),
      };
    });
}

/** The replication map clause for CREATE/ALTER KEYSPACE. Pure. */
export function replicationClause(replication: Replication): string {
  if (replication.class === 'SimpleStrategy') {
    return `{'class': 'SimpleStrategy', 'replication_factor': ${replication.replicationFactor}}`;
  }
  const dcs = Object.entries(replication.dataCenters).map(([dc, rf]) => `'${dc}': ${rf}`);
  return `{'class': 'NetworkTopologyStrategy', ${dcs.join(', ')}}`;
}

const IDENT = /^[a-z][a-z0-9_]{0,47}$/;
const DC_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** CREATE KEYSPACE for the configured backend. Identifiers are validated, never user CQL. */
export function keyspaceDdl(config: ScyllaConfig, keyspace = config.keyspace): string {
  if (!IDENT.test(keyspace)) throw new PinstateError('CONFIG_INVALID', `keyspace name ${JSON.stringify(keyspace)} is not a valid identifier`, { field: 'scylladb.keyspace' });
  if (config.replication.class === 'NetworkTopologyStrategy') {
    for (const dc of Object.keys(config.replication.dataCenters)) {
      if (!DC_NAME.test(dc)) throw new PinstateError('CONFIG_INVALID', `data-center name ${JSON.stringify(dc)} is not valid`, { field: 'scylladb.replication' });
    }
  }
  return `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replicationClause(config.replication)} AND durable_writes = true`;
}

const SCHEMA_VERSION_DDL = `CREATE TABLE IF NOT EXISTS schema_version (
  component text, version int, name text, checksum text, applied_at timestamp,
  PRIMARY KEY (component, version))`;

export interface ApplyOptions {
  readonly config: ScyllaConfig;
  readonly keyspace?: string;
  readonly logger?: Logger;
  readonly migrationsDir?: string;
}

/** Creates the keyspace and applies pending migrations. Idempotent. */
export async function applySchema(options: ApplyOptions): Promise<SchemaReport> {
  const config = options.config;
  const keyspace = options.keyspace ?? config.keyspace;
  const logger = (options.logger ?? silentLogger()).child({ component: 'schema', keyspace });
  const migrations = loadMigrations(options.migrationsDir);

  const admin = await openSession({ config, logger });
  try {
    await admin.executeDdl(keyspaceDdl(config, keyspace));
  } finally {
    await admin.shutdown();
  }

  const session = await openSession({ config, keyspace, logger });
  try {
    await session.executeDdl(SCHEMA_VERSION_DDL);
    const applied = new Map<number, string>();
    for (const row of (await session.execute('SELECT version, checksum FROM schema_version WHERE component = ?', ['pinstate'])).rows) {
      applied.set(row['version'] as number, row['checksum'] as string);
    }
    const appliedNow: number[] = [];
    for (const m of migrations) {
      const known = applied.get(m.version);
      if (known !== undefined) {
        if (known !== m.checksum) {
          throw new PinstateError('SCHEMA_MISMATCH', `migration ${m.name} was changed after it was applied (checksum ${known} in the keyspace, ${m.checksum} on disk); add a new migration instead`);
        }
        continue;
      }
      logger.info({ migration: m.name }, 'applying migration');
      for (const statement of m.statements) {
        // ALTER TABLE ... ADD has no IF NOT EXISTS on every backend: a column an interrupted apply
        // already added is skipped here instead.
        const added = addedColumn(statement);
        if (added && (await columnExists(session, keyspace, added.table, added.column))) continue;
        await session.executeDdl(statement);
      }
      await DATA_STEPS[m.version]?.(session, logger);
      await session.execute('INSERT INTO schema_version (component, version, name, checksum, applied_at) VALUES (?, ?, ?, ?, ?)', [
        'pinstate',
        m.version,
        m.name,
        m.checksum,
        new Date(),
      ]);
      appliedNow.push(m.version);
    }
    await checkMeta(session, config);
    const tables = (
      await session.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace])
    ).rows.map((r) => r['table_name'] as string);
    return { keyspace, appliedNow, version: migrations.at(-1)?.version ?? 0, tables: tables.sort() };
  } finally {
    await session.shutdown();
  }
}

async function columnExists(session: CqlSession, keyspace: string, table: string, column: string): Promise<boolean> {
  const rows = (await session.execute('SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ? AND column_name = ?', [keyspace, table, column])).rows;
  return rows.length > 0;
}

/** Records partition-shaping settings on first apply; later, a config that disagrees is an error. */
export async function checkMeta(session: CqlSession, config: ScyllaConfig): Promise<void> {
  const wanted = metaFromConfig(config);
  const rows = (await session.execute('SELECT key, value FROM pinstate_meta')).rows;
  const have = new Map(rows.map((r) => [r['key'] as string, r['value'] as string]));
  for (const key of META_KEYS) {
    const current = have.get(key);
    if (current === undefined) {
      await session.execute('INSERT INTO pinstate_meta (key, value) VALUES (?, ?)', [key, wanted[key]]);
    } else if (current !== wanted[key]) {
      throw new PinstateError(
        'SCHEMA_MISMATCH',
        `keyspace ${session.keyspace} was created with ${key}=${current} but the config says ${wanted[key]}; it cannot change after creation (set scylladb.${key} to ${current})`,
        { field: `scylladb.${key}` },
      );
    }
  }
}
