/**
 * The `allocator` block: the peer registry's liveness rule and the allocator's timing. Its own
 * file so the schema and the compiled type of this block travel together; schema.ts and
 * types.ts each carry one line for it.
 */
import { z } from 'zod';
import { duration, int } from './fields.js';


const rf = () => int(-1, 1024).refine((n) => n !== 0, { error: 'expected -1 (every live peer) or a positive integer' });

/** `allocator` as written in the config file (snake_case, every key optional). */
export const allocatorSchema = z
  .strictObject(
    {
      enabled: z.boolean({ error: 'expected true or false' }).prefault(true),
      peer_ttl: duration({ minMs: 100 }).prefault('30s'),
      scan_interval: duration({ minMs: 1000, allowZero: true }).prefault('1h'),
      check_interval: duration({ minMs: 10 }).prefault('1s'),
      group_id: z.string({ error: 'expected a consumer group id' }).min(1, { error: 'expected a consumer group id' }).prefault('pinstate-allocator'),
      concurrency: int(1, 1024).prefault(32),
      default_replication_factor_min: rf().prefault(-1),
      default_replication_factor_max: rf().prefault(-1),
    },
    { error: 'expected an object' },
  )
  .superRefine((a, ctx) => {
    const min = a.default_replication_factor_min;
    const max = a.default_replication_factor_max;
    if ((min === -1) !== (max === -1)) ctx.addIssue({ code: 'custom', path: ['default_replication_factor_max'], message: 'if one default replication factor is -1 the other must be -1 too' });
    else if (min > max) ctx.addIssue({ code: 'custom', path: ['default_replication_factor_min'], message: `min (${min}) is greater than max (${max})` });
  })
  .prefault({});

export interface AllocatorConfig {
  /** `allocator.enabled`, default true: `pinstate start` runs the allocator. */
  readonly enabled: boolean;
  /** `allocator.peer_ttl`, default "30s": a peer whose newest heartbeat is older is down. */
  readonly peerTtlMs: number;
  /** `allocator.scan_interval`, default "1h": how often the whole pinset is re-checked (the backstop for missed events); 0 = never. */
  readonly scanIntervalMs: number;
  /** `allocator.check_interval`, default "1s": how often peer liveness is re-evaluated. */
  readonly checkIntervalMs: number;
  /** `allocator.group_id`, default "pinstate-allocator": the consumer group whose sole owner is the active allocator. */
  readonly groupId: string;
  /** `allocator.concurrency`, default 32: pins evaluated (read + decided) at once. */
  readonly concurrency: number;
  /** `allocator.default_replication_factor_min` / `_max`, default -1 / -1 (IPFS Cluster's): used for pins with rf 0. */
  readonly defaultReplicationFactorMin: number;
  readonly defaultReplicationFactorMax: number;
}

/** The parsed block → the compiled config. */
export function toAllocatorConfig(a: z.output<typeof allocatorSchema>): AllocatorConfig {
  return {
    enabled: a.enabled,
    peerTtlMs: a.peer_ttl,
    scanIntervalMs: a.scan_interval,
    checkIntervalMs: a.check_interval,
    groupId: a.group_id,
    concurrency: a.concurrency,
    defaultReplicationFactorMin: a.default_replication_factor_min,
    defaultReplicationFactorMax: a.default_replication_factor_max,
  };
}
