/**
 * TTL sweeper: finds pins whose expire_at has passed in pin_ttl_queue and deletes them through
 * the normal delete path, as Expire ops (DeletePin guarded by the expire time, so a pin whose
 * expiry was changed since is left alone). Op ids are derived from (cid, expire_at), so sweeping
 * twice, or two sweepers at once, applies each expiry once. Progress (the first hour bucket not
 * yet fully swept) is kept in pinstate_meta.
 */
import pLimit from 'p-limit';
import { cidFromBytes } from '../domain/cid.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { CQL } from './cql.js';
import { deleteOp } from './ops.js';
import type { StoreOp } from './records.js';
import { toLong } from './rows.js';
import { scanPartition } from './scan.js';
import type { CqlSession } from './session.js';
import { ttlBucketOf } from './writes.js';

const CHECKPOINT_KEY = 'ttl_swept_through';

export interface SweepOptions {
  readonly session: CqlSession;
  readonly ttlShards: number;
  /** Where Expire ops go: the store's apply() (direct) or a Kafka intent publisher. */
  readonly sink: (ops: StoreOp[]) => Promise<void>;
  /** Sweep time, unix ms; default now. */
  readonly now?: number;
  /** How far back to look when no checkpoint exists yet, hours (default 48). */
  readonly lookbackHours?: number;
  readonly concurrency?: number;
  readonly batchSize?: number;
  readonly logger?: Logger;
}

export interface SweepReport {
  readonly fromBucket: number;
  readonly toBucket: number;
  readonly partitionsScanned: number;
  readonly expired: number;
}

export function expireOpId(cid: string, expireAt: number): string {
  return `expire:${cid}:${expireAt}`;
}

export async function sweepExpired(options: SweepOptions): Promise<SweepReport> {
  const { session, ttlShards, sink } = options;
  const logger = (options.logger ?? silentLogger()).child({ component: 'ttl-sweeper' });
  const now = options.now ?? Date.now();
  const batchSize = options.batchSize ?? 500;
  const current = ttlBucketOf(now);
  const saved = (await session.execute('SELECT value FROM pinstate_meta WHERE key = ?', [CHECKPOINT_KEY])).rows[0];
  const from = saved ? Math.min(Number(saved['value']), current) : current - (options.lookbackHours ?? 48);
  const limit = pLimit(options.concurrency ?? 16);

  let expired = 0;
  let partitions = 0;
  let pending: StoreOp[] = [];
  // Flushes are chained so ops reach the sink in a stable order, one batch at a time.
  let chain: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const ops = pending;
    pending = [];
    if (ops.length > 0) chain = chain.then(() => sink(ops));
    return chain;
  };

  for (let bucket = from; bucket <= current; bucket++) {
    await Promise.all(
      Array.from({ length: ttlShards }, (_, shard) =>
        limit(async () => {
          partitions++;
          for await (const row of scanPartition(session, CQL.selectTtlBucket, [toLong(bucket), shard, new Date(now)], 1000)) {
            const cid = cidFromBytes(row['cid_bin'] as Buffer).text;
            const expireAt = (row['expire_at'] as Date).getTime();
            pending.push(deleteOp(expireOpId(cid, expireAt), cid, { ts: now, origin: 'ttl-sweeper', expiredAt: expireAt }));
            expired++;
            if (pending.length >= batchSize) await flush();
          }
        }),
      ),
    );
    await flush();
    // Every hour before the current one is now fully past and swept.
    if (bucket < current) await session.execute('INSERT INTO pinstate_meta (key, value) VALUES (?, ?)', [CHECKPOINT_KEY, String(bucket + 1)]);
  }
  await flush();
  logger.info({ from, to: current, expired, partitions }, 'ttl sweep done');
  return { fromBucket: from, toBucket: current, partitionsScanned: partitions, expired };
}

