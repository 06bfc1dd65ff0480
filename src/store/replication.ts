/**
 * Changing a keyspace's replication after it was created: adding a data center, raising or
 * lowering a data center's factor. `ALTER KEYSPACE` only changes which nodes *should* hold each
 * token range; the database does not move any existing data by itself (vnode keyspaces, which is
 * what Apache Cassandra and a ScyllaDB keyspace with tablets disabled use). Until the operator
 * runs the steps this module returns, a new replica answers reads with nothing, and a LOCAL_*
 * read in a new data center misses rows written before the change. See docs/multi-dc.md.
 *
 * The steps, per data center, from the factors before and after:
 * - a data center that had no replicas and now has some: `nodetool rebuild -ks <ks> -- <source>`
 *   on each of its nodes (streams the ranges it now owns from an existing data center);
 * - a factor raised: `nodetool repair -full <ks>` on each node of that data center;
 * - a factor lowered (or dropped to 0): `nodetool cleanup <ks>` on each node of that data center
 *   (removes data the node no longer replicates; until then it only takes disk).
 */
import type { Replication, ScyllaConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { replicationClause } from './migrate.js';
import { openSession, type CqlSession } from './session.js';
import { sleep } from '../sleep.js';

export type ReplicationAction = 'rebuild' | 'repair' | 'cleanup';

export interface ReplicationStep {
  readonly dc: string;
  readonly from: number;
  readonly to: number;
  readonly action: ReplicationAction;
  /** nodetool arguments, run once against each of `nodes` (`nodetool -h <node> <args...>`). */
  readonly nodetool: readonly string[];
  /** Addresses of the data center's nodes, as the driver sees them (empty if unknown). */
  readonly nodes: readonly string[];
}

export interface ReplicationChange {
  readonly keyspace: string;
  readonly before: Replication;
  readonly after: Replication;
  /** False when the keyspace already had exactly this replication (nothing was executed). */
  readonly changed: boolean;
  /** True when every node reported the same schema version after the ALTER. */
  readonly schemaAgreement: boolean;
  /** What an operator must run next, in this order (rebuilds, then repairs, then cleanups). */
  readonly steps: readonly ReplicationStep[];
}

export interface AlterReplicationOptions {
  /** Keyspace to alter instead of config.keyspace. */
  readonly keyspace?: string;
  readonly logger?: Logger;
  /**
   * Accept data-center names the cluster does not know and factors above a data center's node
   * count (both leave LOCAL_QUORUM in that data center unavailable). Default false: refuse.
   */
  readonly force?: boolean;
}

const IDENT = /^[a-z][a-z0-9_]{0,47}$/;
const DC_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** Replication factor per data center (SimpleStrategy counts as one pseudo data center `*`). Pure. */
export function factorsOf(replication: Replication): Record<string, number> {
  if (replication.class === 'SimpleStrategy') return { '*': replication.replicationFactor };
  return { ...replication.dataCenters };
}

/** system_schema.keyspaces.replication → Replication. Pure. */
export function parseReplicationMap(map: Readonly<Record<string, string>>): Replication {
  const cls = map['class'] ?? '';
  if (cls.endsWith('SimpleStrategy')) return { class: 'SimpleStrategy', replicationFactor: Number.parseInt(map['replication_factor'] ?? '1', 10) };
  if (cls.endsWith('NetworkTopologyStrategy')) {
    const dataCenters: Record<string, number> = {};
    // Transient replication writes "3/1" (total/transient); the total is the factor.
    for (const [k, v] of Object.entries(map)) if (k !== 'class') dataCenters[k] = Number.parseInt(v, 10);
    return { class: 'NetworkTopologyStrategy', dataCenters };
  }
  throw new PinstateError('SCHEMA_MISMATCH', `unsupported replication class ${cls}`);
}

export function sameReplication(a: Replication, b: Replication): boolean {
  if (a.class !== b.class) return false;
  const fa = factorsOf(a);
  const fb = factorsOf(b);
  const dcs = new Set([...Object.keys(fa), ...Object.keys(fb)]);
  return [...dcs].every((dc) => (fa[dc] ?? 0) === (fb[dc] ?? 0));
}

/**
 * The operator steps after a replication change. Pure: `nodesByDc` maps a data center to its
 * node addresses. A new data center is rebuilt from the data center that had the most replicas.
 */
export function planReplicationSteps(keyspace: string, before: Replication, after: Replication, nodesByDc: Readonly<Record<string, readonly string[]>>): ReplicationStep[] {
  if (before.class !== after.class) {
    // SimpleStrategy ↔ NetworkTopologyStrategy moves replicas everywhere: repair every node.
    const all = Object.values(nodesByDc).flat();
    return [{ dc: '*', from: 0, to: 0, action: 'repair', nodetool: ['repair', '-full', keyspace], nodes: all }];
  }
  const fb = factorsOf(before);
  const fa = factorsOf(after);
  const source = Object.entries(fb).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1])[0]?.[0];
  const steps: ReplicationStep[] = [];
  const dcs = [...new Set([...Object.keys(fb), ...Object.keys(fa)])].sort();
  const nodesOf = (dc: string): readonly string[] => (dc === '*' ? Object.values(nodesByDc).flat() : (nodesByDc[dc] ?? []));
  for (const dc of dcs) {
    const from = fb[dc] ?? 0;
    const to = fa[dc] ?? 0;
    if (from === 0 && to > 0 && source !== undefined && source !== '*') {
      steps.push({ dc, from, to, action: 'rebuild', nodetool: ['rebuild', '-ks', keyspace, '--', source], nodes: nodesOf(dc) });
    } else if (to > from) {
      steps.push({ dc, from, to, action: 'repair', nodetool: ['repair', '-full', keyspace], nodes: nodesOf(dc) });
    } else if (to < from) {
      steps.push({ dc, from, to, action: 'cleanup', nodetool: ['cleanup', keyspace], nodes: nodesOf(dc) });
    }
  }
  const order: Record<ReplicationAction, number> = { rebuild: 0, repair: 1, cleanup: 2 };
  return steps.sort((x, y) => order[x.action] - order[y.action]);
}

/** The keyspace's replication as the database has it; null when the keyspace does not exist. */
export async function readReplication(session: CqlSession, keyspace: string): Promise<Replication | null> {
  const row = (await session.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace])).rows[0];
  if (!row) return null;
  return parseReplicationMap(row['replication'] as Record<string, string>);
}

/** Node addresses per data center, from the driver's view of the cluster. */
export function nodesByDataCenter(session: CqlSession): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const host of session.client.hosts.values()) {
    const dc = host.datacenter;
    (out[dc] ??= []).push(host.address.replace(/:\d+$/, ''));
  }
  for (const list of Object.values(out)) list.sort();
  return out;
}

/** Polls the driver's schema-agreement check (every node reports the same schema version). */
async function waitForSchemaAgreement(session: CqlSession, timeoutMs: number): Promise<boolean> {
  // In cassandra-driver 4.x but missing from its type definitions.
  const metadata = session.client.metadata as unknown as { checkSchemaAgreement(): Promise<boolean> };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await metadata.checkSchemaAgreement()) return true;
    if (Date.now() > deadline) return false;
    await sleep(200);
  }
}

/**
 * ALTER KEYSPACE to `next` (no-op when it already has it) and the steps the operator must run
 * afterwards. Refuses unknown data centers and factors above a data center's size unless `force`.
 */
export async function alterReplication(config: ScyllaConfig, next: Replication, options: AlterReplicationOptions = {}): Promise<ReplicationChange> {
  const keyspace = options.keyspace ?? config.keyspace;
  const logger = (options.logger ?? silentLogger()).child({ component: 'schema', keyspace });
  if (!IDENT.test(keyspace)) throw new PinstateError('CONFIG_INVALID', `keyspace name ${JSON.stringify(keyspace)} is not a valid identifier`, { field: 'scylladb.keyspace' });
  for (const [dc, rf] of Object.entries(factorsOf(next))) {
    if (dc !== '*' && !DC_NAME.test(dc)) throw new PinstateError('CONFIG_INVALID', `data-center name ${JSON.stringify(dc)} is not valid`, { field: 'scylladb.replication' });
    if (!Number.isInteger(rf) || rf < 0) throw new PinstateError('CONFIG_INVALID', `replication factor of ${dc} must be an integer >= 0, got ${rf}`, { field: 'scylladb.replication' });
  }

  const session = await openSession({ config, logger });
  try {
    const before = await readReplication(session, keyspace);
    if (before === null) throw new PinstateError('SCHEMA_MISMATCH', `keyspace ${keyspace} does not exist (run \`pinstate schema apply\` first)`);
    const nodes = nodesByDataCenter(session);
    if (next.class === 'NetworkTopologyStrategy' && !options.force) {
      for (const [dc, rf] of Object.entries(next.dataCenters)) {
        const size = nodes[dc]?.length ?? 0;
        if (rf > 0 && size === 0) {
          throw new PinstateError('CONFIG_INVALID', `data center ${dc} is not part of the cluster (known: ${Object.keys(nodes).sort().join(', ')}); a typo here leaves no replica to read or write`, { field: 'scylladb.replication' });
        }
        if (rf > size) {
          throw new PinstateError('CONFIG_INVALID', `replication factor ${rf} for ${dc} is more than its ${size} node(s); LOCAL_QUORUM there could never be reached`, { field: 'scylladb.replication' });
        }
      }
    }
    if (sameReplication(before, next)) {
      logger.info({ replication: replicationClause(next) }, 'replication unchanged');
      return { keyspace, before, after: next, changed: false, schemaAgreement: true, steps: [] };
    }
    const ddl = `ALTER KEYSPACE ${keyspace} WITH replication = ${replicationClause(next)}`;
    logger.info({ ddl }, 'altering keyspace replication');
    await session.executeDdl(ddl);
    const schemaAgreement = await waitForSchemaAgreement(session, 30_000);
    const steps = planReplicationSteps(keyspace, before, next, nodes);
    for (const s of steps) logger.warn({ dc: s.dc, action: s.action, nodetool: s.nodetool.join(' '), nodes: s.nodes }, 'replication changed: run this on each node of the data center');
    return { keyspace, before, after: next, changed: true, schemaAgreement, steps };
  } finally {
    await session.shutdown();
  }
}
