/**
 * createStore(): the seed's store API in TypeScript. Writes go through one path — validate →
 * commit (dedup, plan, write) — whether they come one at a time, in a batch, or from the Kafka
 * writer. Reads go straight to the core tables.
 *
 * One process must own each pin_stats shard while it writes (the Kafka writer guarantees it by
 * partition ownership); do not run direct writes against a keyspace the writer is serving.
 */
import type { ScyllaConfig } from '../config/types.js';
import type { PinSpecInput } from '../domain/pin.js';
import type { PlacementState } from '../domain/placement-state.js';
import { PinstateError } from '../errors.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { Committer, type CommitResult } from './commit.js';
import { checkMeta } from './migrate.js';
import { ackOp, deleteOp, placementOp, upsertOp, type OpOptions } from './ops.js';
import { Reader, type ListOptions, type PeerPin, type Stats, type StoredPin } from './reads.js';
import type { OpResult, PlacementRecord, StoreOp } from './records.js';
import { openSession, type CqlSession } from './session.js';

export interface StoreOptions {
  readonly config: ScyllaConfig;
  /** Keyspace to use instead of config.keyspace (tests, replay into a new keyspace). */
  readonly keyspace?: string;
  readonly logger?: Logger;
  /** Reuse an open session instead of opening one (the store will not close it). */
  readonly session?: CqlSession;
}

/** A group of ops applied together by commit(); nothing is written before it. */
export interface StoreBatch {
  upsertPin(opId: string, spec: PinSpecInput, options?: OpOptions): void;
  deletePin(opId: string, cid: string, options?: OpOptions & { expiredAt?: number | null }): void;
  setDesiredPlacement(opId: string, cid: string, peers: readonly string[], options?: OpOptions): void;
  ackPlacement(opId: string, cid: string, peer: string, state: string, options?: OpOptions & { error?: string | null }): void;
  /** Adds an already validated op (the Kafka writer's path). */
  add(op: StoreOp): void;
  readonly size: number;
  commit(): Promise<CommitResult>;
  /** Discards the queued ops. */
  rollback(): void;
}

export interface PinStore {
  readonly keyspace: string;
  upsertPin(opId: string, spec: PinSpecInput, options?: OpOptions): Promise<OpResult>;
  deletePin(opId: string, cid: string, options?: OpOptions & { expiredAt?: number | null }): Promise<OpResult>;
  setDesiredPlacement(opId: string, cid: string, peers: readonly string[], options?: OpOptions): Promise<OpResult>;
  ackPlacement(opId: string, cid: string, peer: string, state: string, options?: OpOptions & { error?: string | null }): Promise<OpResult>;
  beginBatch(): StoreBatch;
  /**
   * Applies validated ops in order (dedup by op_id, per-CID order kept). `beforeSend`, if given,
   * runs before every write request (retries included) and may throw to stop the rest unsent.
   */
  apply(ops: readonly StoreOp[], options?: { readonly beforeSend?: () => void }): Promise<CommitResult>;
  /** Missing pin → NotFoundError. */
  get(cid: string): Promise<StoredPin>;
  has(cid: string): Promise<boolean>;
  getPlacement(cid: string): Promise<PlacementRecord | null>;
  list(options?: ListOptions): AsyncGenerator<StoredPin>;
  /** list() a page at a time (cheaper per pin for bulk readers such as export). */
  listPages(options?: ListOptions): AsyncGenerator<StoredPin[]>;
  listByPeer(peer: string, options?: { state?: PlacementState | undefined }): AsyncGenerator<PeerPin>;
  stats(): Promise<Stats>;
  /** Forget cached per-shard state (call when shard ownership changes). */
  invalidate(shards?: readonly number[]): void;
  /** The pin_stats shard (and Kafka partition of the intents topic) that owns a CID. */
  shardOf(cid: string): number;
  readonly session: CqlSession;
  close(): Promise<void>;
}

export async function createStore(options: StoreOptions): Promise<PinStore> {
  const { config } = options;
  const keyspace = options.keyspace ?? config.keyspace;
  const logger = (options.logger ?? silentLogger()).child({ component: 'store', keyspace });
  const session = options.session ?? (await openSession({ config, keyspace, logger }));
  const ownsSession = options.session === undefined;
  try {
    await checkMeta(session, config);
  } catch (err: unknown) {
    if (ownsSession) await session.shutdown();
    throw err;
  }
  const committer = new Committer({
    session,
    statsShards: config.statsShards,
    maxBatchBytes: config.maxBatchBytes,
    maxConcurrency: config.maxConcurrency,
    peerBucketBits: config.peerBucketBits,
    ttlShards: config.ttlShards,
    dedupTtlSec: Math.max(1, Math.round(config.dedupTtlMs / 1000)),
    eventsTtlSec: Math.max(1, Math.round(config.eventsTtlMs / 1000)),
    logger,
  });
  const reader = new Reader(session, config.pageSize);

  async function one(op: StoreOp): Promise<OpResult> {
    const result = (await committer.commit([op])).results[0];
    if (!result) throw new PinstateError('INTERNAL', 'commit returned no result');
    return result;
  }

  return {
    keyspace,
    session,
    upsertPin: async (opId, spec, o) => one(upsertOp(opId, spec, o)),
    deletePin: async (opId, cid, o) => one(deleteOp(opId, cid, o)),
    setDesiredPlacement: async (opId, cid, peers, o) => one(placementOp(opId, cid, peers, o)),
    ackPlacement: async (opId, cid, peer, state, o) => one(ackOp(opId, cid, peer, state, o)),
    beginBatch(): StoreBatch {
      let ops: StoreOp[] = [];
      let done = false;
      const push = (op: StoreOp): void => {
        if (done) throw new PinstateError('ILLEGAL_STATE', 'batch already committed or rolled back');
        ops.push(op);
      };
      return {
        upsertPin: (opId, spec, o) => push(upsertOp(opId, spec, o)),
        deletePin: (opId, cid, o) => push(deleteOp(opId, cid, o)),
        setDesiredPlacement: (opId, cid, peers, o) => push(placementOp(opId, cid, peers, o)),
        ackPlacement: (opId, cid, peer, state, o) => push(ackOp(opId, cid, peer, state, o)),
        add: push,
        get size() {
          return ops.length;
        },
        async commit() {
          if (done) throw new PinstateError('ILLEGAL_STATE', 'batch already committed or rolled back');
          done = true;
          return committer.commit(ops);
        },
        rollback() {
          done = true;
          ops = [];
        },
      };
    },
    apply: (ops, o) => committer.commit(ops, o?.beforeSend),
    get: (cid) => reader.get(cid),
    has: (cid) => reader.has(cid),
    getPlacement: (cid) => reader.getPlacement(cid),
    list: (o) => reader.list(o),
    listPages: (o) => reader.listPages(o),
    listByPeer: (peer, o) => reader.listByPeer(peer, o),
    stats: () => reader.stats(),
    invalidate: (shards) => committer.invalidate(shards),
    shardOf: (cid) => committer.shardOfCid(cid),
    async close() {
      if (ownsSession) await session.shutdown();
    },
  };
}
