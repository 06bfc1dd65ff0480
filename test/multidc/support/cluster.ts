/**
 * The 4-node, 2-DC cluster under test (tools/multidc/cluster.sh): node addresses, stopping and
 * starting nodes, nodetool, and per-node probes over CQL (virtual tables are node-local, so each
 * probe runs on one chosen node).
 */
import cassandra from 'cassandra-driver';
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../../src/paths.js';
import { sleep } from '../../../src/sleep.js';

const run = promisify(execFile);
const { Client, policies, types } = cassandra;

export const PREFIX = process.env['PINSTATE_MULTIDC_PREFIX']?.trim() || '127.0.1';

export interface NodeInfo {
  readonly n: number;
  readonly address: string;
  readonly dc: 'dc1' | 'dc2';
}

export const NODES: readonly NodeInfo[] = [1, 2, 3, 4].map((n) => ({ n, address: `${PREFIX}.${n}`, dc: n <= 3 ? 'dc1' : 'dc2' }));
export const DC1_HOSTS = NODES.filter((x) => x.dc === 'dc1').map((x) => x.address);
export const DC2_HOSTS = NODES.filter((x) => x.dc === 'dc2').map((x) => x.address);
export const dcOf = (address: string): string => NODES.find((x) => x.address === address.replace(/:\d+$/, ''))?.dc ?? 'unknown';
export const nodeOf = (address: string): number => NODES.find((x) => x.address === address.replace(/:\d+$/, ''))?.n ?? 0;

/** The folder tools/multidc/cluster.sh runs the cluster in (its PINSTATE_LOCAL_DIR). */
export const clusterDir = (): string => process.env['PINSTATE_LOCAL_DIR']?.trim() || join(packageRoot(), '.local/multidc-stack');

/**
 * Hints node `n` keeps on disk for the node with `hostId` (files named <host id>-<time>-<version>.hints).
 * Read from disk because the hint file being written is only listed by system_views.pending_hints
 * (and nodetool listpendinghints) once it is closed.
 */
export function hintFilesOnDisk(n: number, hostId: string): { files: number; bytes: number } {
  const dir = join(clusterDir(), 'cassandra/multidc', `node${n}`, 'data/hints');
  let files = 0;
  let bytes = 0;
  for (const f of readdirSync(dir)) {
    if (!f.startsWith(hostId) || !f.endsWith('.hints')) continue;
    files++;
    try {
      bytes += statSync(join(dir, f)).size;
    } catch {
      // delivered and deleted meanwhile
    }
  }
  return { files, bytes };
}

export const clusterScript = (): string => join(packageRoot(), 'tools/multidc/cluster.sh');

/**
 * Runs tools/multidc/cluster.sh (which calls stack.sh with the suite's folder, addresses and JMX
 * ports). Every command it runs is idempotent (node-start/-stop, nodetool), so a failure is
 * retried twice: stack.sh is shared and may be mid-edit when bash reads it.
 */
export async function cluster(...args: string[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { stdout } = await run('bash', [clusterScript(), ...args], { cwd: packageRoot(), timeout: 400_000, maxBuffer: 16 * 1024 * 1024 });
      return stdout;
    } catch (err: unknown) {
      if (attempt >= 2) throw err;
      process.stderr.write(`multidc: cluster.sh ${args.join(' ')} failed (${err instanceof Error ? err.message.split('\n').slice(0, 2).join(' ') : String(err)}); retrying\n`);
      await sleep(3000);
    }
  }
}

export async function nodeStop(n: number): Promise<number> {
  const t0 = Date.now();
  await cluster('node-stop', String(n));
  return Date.now() - t0;
}

export async function nodeStart(n: number): Promise<number> {
  const t0 = Date.now();
  await cluster('node-start', String(n));
  return Date.now() - t0;
}

export function nodetool(n: number, ...args: string[]): Promise<string> {
  return cluster('nodetool', String(n), ...args);
}

/** RSS per running node in MB, from `ps` (tools/multidc/cluster.sh rss). */
export async function nodeRss(): Promise<Record<number, number>> {
  const out: Record<number, number> = {};
  for (const line of (await cluster('rss')).split('\n')) {
    const m = /^node(\d) pid \d+ rss_mb (\d+)/.exec(line);
    if (m) out[Number(m[1])] = Number(m[2]);
  }
  return out;
}

export interface CoordinatorCounts {
  /** Requests this node coordinated for the keyspace's tables, by kind. */
  readonly writes: number;
  readonly reads: number;
  readonly scans: number;
}

/**
 * Direct CQL access to single nodes: one driver client per data center (a client only opens
 * pools to its local DC), each request pinned to the chosen node with the driver's `host` option.
 */
export class NodeProbe {
  private readonly clients = new Map<string, cassandra.Client>();

  private async clientFor(dc: string): Promise<cassandra.Client> {
    let c = this.clients.get(dc);
    if (!c) {
      c = new Client({
        contactPoints: NODES.filter((x) => x.dc === dc).map((x) => `${x.address}:9042`),
        localDataCenter: dc,
        policies: { loadBalancing: new policies.loadBalancing.DCAwareRoundRobinPolicy(dc), retry: new policies.retry.FallthroughRetryPolicy() },
        socketOptions: { readTimeout: 20_000, connectTimeout: 5_000 },
        protocolOptions: { maxVersion: types.protocolVersion.v4 },
        queryOptions: { prepare: true },
      });
      this.clients.set(dc, c);
      await c.connect();
    }
    return c;
  }

  /** Runs a query with node `n` as coordinator (fails if the driver sees that node down). */
  async on(n: number, query: string, params: unknown[] = [], options: { consistency?: number; fetchSize?: number; pageState?: string } = {}): Promise<cassandra.types.ResultSet> {
    const node = NODES[n - 1]!;
    const client = await this.clientFor(node.dc);
    const host = client.hosts.get(`${node.address}:9042`);
    if (!host) throw new Error(`driver does not know node ${n} (${node.address})`);
    return client.execute(query, params, { host, prepare: true, consistency: options.consistency ?? types.consistencies.localOne, ...(options.fetchSize ? { fetchSize: options.fetchSize } : {}), ...(options.pageState ? { pageState: options.pageState } : {}) });
  }

  /** Every row of a query, paging through, with node `n` as coordinator. */
  async all(n: number, query: string, params: unknown[] = [], consistency = types.consistencies.one): Promise<cassandra.types.Row[]> {
    const rows: cassandra.types.Row[] = [];
    let pageState: string | undefined;
    do {
      const r = await this.on(n, query, params, { consistency, fetchSize: 5000, ...(pageState ? { pageState } : {}) });
      rows.push(...r.rows);
      pageState = r.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  /** The node's own coordinator request counts for a keyspace (system_views.coordinator_*_latency). */
  async coordinatorCounts(n: number, keyspace: string): Promise<CoordinatorCounts> {
    const sum = async (table: string): Promise<number> => {
      const r = await this.on(n, `SELECT count FROM system_views.${table} WHERE keyspace_name = ?`, [keyspace]);
      return r.rows.reduce((acc, row) => acc + Number(row['count'] as cassandra.types.Long), 0);
    };
    return { writes: await sum('coordinator_write_latency'), reads: await sum('coordinator_read_latency'), scans: await sum('coordinator_scan_latency') };
  }

  async coordinatorCountsAll(keyspace: string, nodes: readonly number[] = [1, 2, 3, 4]): Promise<Record<number, CoordinatorCounts>> {
    const out: Record<number, CoordinatorCounts> = {};
    for (const n of nodes) out[n] = await this.coordinatorCounts(n, keyspace);
    return out;
  }

  /** Host id of node `n` (system.local on that node). */
  async hostId(n: number): Promise<string> {
    return String((await this.on(n, 'SELECT host_id FROM system.local')).rows[0]?.['host_id']);
  }

  /** Closed hint files node `n` holds for other nodes (system_views.pending_hints), per target address. */
  async pendingHints(n: number): Promise<Record<string, number>> {
    const r = await this.on(n, 'SELECT address, files FROM system_views.pending_hints');
    const out: Record<string, number> = {};
    for (const row of r.rows) out[String(row['address'])] = Number(row['files']);
    return out;
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.shutdown().catch(() => undefined)));
    this.clients.clear();
  }
}

/** Schema version each node reports about itself (null: node down). */
export async function schemaVersions(probe: NodeProbe): Promise<Record<number, string | null>> {
  const out: Record<number, string | null> = {};
  for (const node of NODES) {
    try {
      out[node.n] = String((await probe.on(node.n, 'SELECT schema_version FROM system.local')).rows[0]?.['schema_version']);
    } catch {
      out[node.n] = null;
    }
  }
  return out;
}

/**
 * Waits until the running nodes agree on the schema. A node that still disagrees after
 * `timeoutMs` is restarted (seen on Cassandra 5.0.6 under load: a DROP KEYSPACE racing the
 * node's late CREATE TABLE left its MigrationStage failing with "Unknown CF" for good;
 * `nodetool resetlocalschema` did not clear it, a restart did). Returns the nodes restarted.
 */
export async function ensureSchemaAgreement(timeoutMs = 60_000): Promise<number[]> {
  const probe = new NodeProbe();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const versions = await schemaVersions(probe);
      const live = Object.entries(versions).filter(([, v]) => v !== null) as Array<[string, string]>;
      const count = new Map<string, number>();
      for (const [, v] of live) count.set(v, (count.get(v) ?? 0) + 1);
      if (count.size <= 1) return [];
      if (Date.now() > deadline) {
        const majority = [...count].sort((a, b) => b[1] - a[1])[0]![0];
        const odd = live.filter(([, v]) => v !== majority).map(([n]) => Number(n));
        process.stderr.write(`multidc: schema disagreement for ${timeoutMs} ms (${JSON.stringify(versions)}); restarting node(s) ${odd.join(',')}\n`);
        await probe.close();
        for (const n of odd) {
          await nodeStop(n);
          await nodeStart(n);
        }
        return odd;
      }
      await sleep(1000);
    }
  } finally {
    await probe.close();
  }
}

/** Coordinator-count delta per node between two snapshots (writes + reads + scans). */
export function deltaPerNode(before: Record<number, CoordinatorCounts>, after: Record<number, CoordinatorCounts>): Record<number, number> {
  const out: Record<number, number> = {};
  for (const key of Object.keys(after)) {
    const n = Number(key);
    const a = after[n]!;
    const b = before[n] ?? { writes: 0, reads: 0, scans: 0 };
    out[n] = a.writes - b.writes + (a.reads - b.reads) + (a.scans - b.scans);
  }
  return out;
}

export { types as cqlTypes };
