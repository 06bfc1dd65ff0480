/** Seeded, reproducible workloads of mixed ops for replay and consistency tests. */
import { mulberry32 } from '../../src/random.js';
import { PLACEMENT_STATES } from '../../src/domain/placement-state.js';
import { ackOp, deleteOp, placementOp, upsertOp } from '../../src/store/ops.js';
import type { StoreOp } from '../../src/store/records.js';
import { cidV0, cidV1, peerId } from './cids.js';

/** mulberry32 (src/random.ts): small, fast, good enough for test data. */
export const rng = mulberry32;

export interface WorkloadOptions {
  readonly seed: number;
  readonly ops: number;
  readonly cids: number;
  readonly peers: number;
  /** First op time, unix ms. */
  readonly startTs?: number;
  readonly prefix?: string;
}

/** Mixed upserts, deletes, placements and acks over a small set of CIDs so ops collide. */
export function mixedOps(options: WorkloadOptions): StoreOp[] {
  const rand = rng(options.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const cids = Array.from({ length: options.cids }, (_, i) => (i % 3 === 0 ? cidV0(`${options.seed}-${i}`) : cidV1(`${options.seed}-${i}`)));
  const peers = Array.from({ length: options.peers }, (_, i) => peerId(`${options.seed}-${i}`));
  const prefix = options.prefix ?? `w${options.seed}`;
  let ts = options.startTs ?? 1_700_000_000_000;
  const ops: StoreOp[] = [];
  for (let i = 0; i < options.ops; i++) {
    // Mostly forward in time, sometimes a producer clock behind the others.
    ts += rand() < 0.1 ? -Math.floor(rand() * 50) : Math.floor(rand() * 20);
    const cid = pick(cids);
    const opId = `${prefix}-${i}`;
    const o = { ts, origin: 'workload' };
    const r = rand();
    if (r < 0.35) {
      ops.push(
        upsertOp(
          opId,
          {
            cid,
            name: `n${Math.floor(rand() * 1000)}`,
            replicationFactorMin: 1 + Math.floor(rand() * 2),
            replicationFactorMax: 3,
            tags: rand() < 0.3 ? ['t1', 't2'] : [],
            metadata: rand() < 0.3 ? { k: String(i) } : {},
            expireAt: rand() < 0.2 ? ts + 3_600_000 * (1 + Math.floor(rand() * 48)) : null,
          },
          o,
        ),
      );
    } else if (r < 0.45) {
      ops.push(deleteOp(opId, cid, o));
    } else if (r < 0.7) {
      const chosen = peers.filter(() => rand() < 0.4);
      ops.push(placementOp(opId, cid, chosen, o));
    } else {
      ops.push(ackOp(opId, cid, pick(peers), pick(PLACEMENT_STATES), { ...o, error: rand() < 0.2 ? 'boom' : null }));
    }
  }
  return ops;
}

/** Splits ops into consecutive batches of varying size (a different cut gives different batch boundaries). */
export function cut<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < items.length) {
    const n = sizes[k++ % sizes.length]!;
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

/** The first `n` intents (no acks) of a mixed workload over `cids` CIDs. */
export function intentsOnly(seed: number, n: number, cids: number, prefix: string): StoreOp[] {
  return mixedOps({ seed, ops: Math.ceil(n * 1.5), cids, peers: 8, prefix })
    .filter((op) => op.body.kind !== 'AckPlacement')
    .slice(0, n);
}
