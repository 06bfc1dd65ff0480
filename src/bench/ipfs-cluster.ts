/**
 * `pinstate bench --peer ipfs-cluster`: the same N pins ingested by a real single-peer IPFS
 * Cluster (v1.1.0, crdt consensus with batching on), built and started by tools/ipfs/ipfs.sh
 * (docs/ipfs-tools.md), through its REST API (`POST /pins/{cid}`), in the same run as pinstate's
 * pipeline.
 *
 * Its kubo runs `--offline`: the bench CIDs have no content anywhere, and an offline kubo fails
 * each `pin/add` at once ("block was not found locally (offline)") instead of searching for a
 * provider, so the cluster's pin tracker never holds the measurement up. What is timed is the
 * state ingest, which is what pinstate's pipeline measures too: from the first POST until the
 * cluster's shared state (`GET /allocations`, which reads committed crdt state) lists all N pins.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { packageRoot } from '../paths.js';
import { benchPin } from './workload.js';

export const PEER_KINDS = ['ipfs-cluster'] as const;
export type PeerKind = (typeof PEER_KINDS)[number];

export interface IpfsClusterResult {
  readonly pins: number;
  /** From the first POST until every POST answered. */
  readonly post_ms: number;
  /** From the first POST until GET /allocations listed all N pins (committed state). */
  readonly state_ms: number;
  readonly concurrency: number;
  readonly post_errors: number;
  readonly first_error: string | null;
  readonly listed: number;
  readonly setup_ms: number;
  readonly rest_api: string;
  readonly version: string;
  readonly batching: Record<string, unknown>;
}

const IPFS_SH = (): string => join(packageRoot(), 'tools', 'ipfs', 'ipfs.sh');

function sh(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [IPFS_SH(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`ipfs.sh ${args.join(' ')} failed (exit ${code}): ${err.slice(-3000)}`));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A base port whose 10 ports are free, in 20000–31999 (below the ephemeral range). */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 1_200) * 10;
    let ok = true;
    for (let p = base; p < base + 10 && ok; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error('no free block of 10 ports in 20000-31999 for the IPFS Cluster peer');
}

/** Counts the pins in a `GET /allocations` answer (a stream of JSON objects, one per line). */
export function countStreamedObjects(body: string): number {
  let n = 0;
  for (const line of body.split('\n')) {
    const t = line.trim();
    if (t.startsWith('{')) n++;
  }
  return n;
}

/** The REST API URL of one pin: recursive, replication -1 (the single peer), named like pinstate's. */
export function pinUrl(api: string, cid: string, index: number): string {
  return `${api}/pins/${cid}?name=bench-${index}&mode=recursive&replication-min=-1&replication-max=-1`;
}

export async function runIpfsClusterPeer(opts: { pins: number; seed: string; peers: readonly string[]; concurrency?: number; progress: (t: string) => void }): Promise<IpfsClusterResult> {
  const concurrency = opts.concurrency ?? 64;
  const t0 = performance.now();
  await sh(['build'], 3_600_000);
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-bench-cluster-'));
  const base = await freeBase();
  try {
    await sh(['up', '1', '--offline', '--base-port', String(base), '--dir', dir], 120_000);
    await sh(['cluster-up', '--dir', dir], 120_000);
    const api = `http://127.0.0.1:${base + 4}`;
    const version = ((await (await fetch(`${api}/version`)).json()) as { version?: string }).version ?? 'unknown';
    const setupMs = performance.now() - t0;
    opts.progress(`ipfs-cluster ${version}: REST API ${api}; posting ${opts.pins} pins, ${concurrency} in flight\n`);
    const limit = pLimit(concurrency);
    let errors = 0;
    let firstError: string | null = null;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: opts.pins }, (_, i) =>
        limit(async () => {
          const pin = benchPin(opts.seed, i, opts.peers);
          try {
            const res = await fetch(pinUrl(api, pin.cid, i), { method: 'POST' });
            const text = await res.text();
            if (!res.ok) {
              errors++;
              firstError ??= `HTTP ${res.status}: ${text.slice(0, 300)}`;
            }
          } catch (err) {
            errors++;
            firstError ??= err instanceof Error ? err.message : String(err);
          }
        }),
      ),
    );
    const postMs = performance.now() - start;
    let listed = 0;
    const deadline = performance.now() + 600_000;
    for (;;) {
      const res = await fetch(`${api}/allocations?filter=pin`);
      listed = countStreamedObjects(await res.text());
      if (listed >= opts.pins - errors || performance.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const stateMs = performance.now() - start;
    return {
      pins: opts.pins,
      post_ms: postMs,
      state_ms: stateMs,
      concurrency,
      post_errors: errors,
      first_error: firstError,
      listed,
      setup_ms: setupMs,
      rest_api: api,
      version,
      batching: { max_batch_size: 1000, max_batch_age: '500ms', max_queue_size: 100000 },
    };
  } finally {
    await sh(['clean', '--dir', dir], 120_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
