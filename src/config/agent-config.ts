/**
 * The `agent` block: how `pinstate agent` drives its IPFS node (concurrency, timeouts, retries,
 * reconcile and heartbeat timing). Its own file so the schema and the compiled type of this block
 * travel together; schema.ts and types.ts each carry one line for it.
 */
import { z } from 'zod';
import { formatDuration } from './duration.js';
import { duration, int } from './fields.js';

const TAG_PATTERN = /^[^=\s]{1,256}=.{0,256}$/;
/** The kubo pin name prefix may not contain ":" (it separates the prefix from the rest). */
const PIN_NAME_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const httpUrl = z.string({ error: 'expected an http:// or https:// URL' }).refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { error: 'expected an http:// or https:// URL such as "http://127.0.0.1:5001"' },
);

/** `agent` as written in the config file (snake_case, every key optional). */
export const agentSchema = z
  .strictObject(
    {
      ipfs_api: httpUrl.prefault('http://127.0.0.1:5001'),
      peer_id: z
        .string({ error: 'expected a peer id or null' })
        .nullish()
        .transform((v) => (v === null || v === undefined || v === '' ? undefined : v)),
      concurrent_pins: int(1, 1024).prefault(10),
      queue_size: int(1, 10_000_000).prefault(10_000),
      pin_timeout: duration({ minMs: 100 }).prefault('2m'),
      request_timeout: duration({ minMs: 100 }).prefault('30s'),
      max_retries: int(0, 100).prefault(3),
      retry_backoff_min: duration({ minMs: 10 }).prefault('1s'),
      retry_backoff_max: duration({ minMs: 10 }).prefault('5m'),
      reconcile_interval: duration({ minMs: 1000 }).prefault('5m'),
      heartbeat_interval: duration({ minMs: 100 }).prefault('10s'),
      drain_timeout: duration({ minMs: 100 }).prefault('10s'),
      group_prefix: z.string({ error: 'expected a consumer group prefix' }).min(1, { error: 'expected a consumer group prefix' }).prefault('pinstate-agent'),
      pin_name: z.string({ error: 'expected a pin name prefix' }).regex(PIN_NAME_PATTERN, { error: 'expected 1-64 letters, digits, ".", "_" or "-"' }).prefault('pinstate'),
      tags: z
        .array(z.string({ error: 'expected "key=value"' }).regex(TAG_PATTERN, { error: 'expected "key=value"' }), { error: 'expected a list of "key=value" tags' })
        .max(64, { error: 'expected at most 64 tags' })
        .prefault([]),
    },
    { error: 'expected an object' },
  )
  .superRefine((a, ctx) => {
    if (a.retry_backoff_min > a.retry_backoff_max) {
      ctx.addIssue({ code: 'custom', path: ['retry_backoff_min'], message: `must not exceed agent.retry_backoff_max (${formatDuration(a.retry_backoff_max)}), got ${formatDuration(a.retry_backoff_min)}` });
    }
  })
  .prefault({});

export interface AgentConfig {
  /** `agent.ipfs_api`, default "http://127.0.0.1:5001": the kubo RPC API the agent drives (`--ipfs-api`). */
  readonly ipfsApi: string;
  /** `agent.peer_id`, default none: the peer id to act as; none = kubo's own id from /api/v0/id (`--peer-id`). */
  readonly peerId: string | undefined;
  /** `agent.concurrent_pins`, default 10: pin/unpin operations in flight against kubo at once. */
  readonly concurrentPins: number;
  /** `agent.queue_size`, default 10000: placements waiting at most; the placement reader pauses when it is full. */
  readonly queueSize: number;
  /** `agent.pin_timeout`, default "2m": bound on one `pin/add` (kubo's own `timeout`); then pin_error with kubo's message. */
  readonly pinTimeoutMs: number;
  /** `agent.request_timeout`, default "30s": bound on every other kubo call. */
  readonly requestTimeoutMs: number;
  /** `agent.max_retries`, default 3: further attempts after a failed pin/unpin before it waits for the next reconcile. */
  readonly maxRetries: number;
  /** `agent.retry_backoff_min` / `_max`, default "1s" / "5m": exponential backoff between attempts. */
  readonly retryBackoffMinMs: number;
  readonly retryBackoffMaxMs: number;
  /** `agent.reconcile_interval`, default "5m": how often the peer's placements (pins_by_peer) are compared with kubo's pins. */
  readonly reconcileIntervalMs: number;
  /** `agent.heartbeat_interval`, default "10s": how often a PeerHeartbeat goes to kafka.topics.peers. */
  readonly heartbeatIntervalMs: number;
  /** `agent.drain_timeout`, default "10s": bound on graceful stop (in-flight pins are abandoned after it). */
  readonly drainTimeoutMs: number;
  /** `agent.group_prefix`, default "pinstate-agent": the agent's consumer group is `<prefix>-<peer>`. */
  readonly groupPrefix: string;
  /** `agent.pin_name`, default "pinstate": kubo pin names `<pin_name>:<...>` mark the pins the agent manages. */
  readonly pinName: string;
  /** `agent.tags`, default []: "key=value" tags sent in heartbeats. */
  readonly tags: Readonly<Record<string, string>>;
}

/** The parsed block → the compiled config. */
export function toAgentConfig(a: z.output<typeof agentSchema>): AgentConfig {
  const tags: Record<string, string> = {};
  for (const t of a.tags) {
    const eq = t.indexOf('=');
    tags[t.slice(0, eq)] = t.slice(eq + 1);
  }
  return {
    ipfsApi: a.ipfs_api,
    peerId: a.peer_id,
    concurrentPins: a.concurrent_pins,
    queueSize: a.queue_size,
    pinTimeoutMs: a.pin_timeout,
    requestTimeoutMs: a.request_timeout,
    maxRetries: a.max_retries,
    retryBackoffMinMs: a.retry_backoff_min,
    retryBackoffMaxMs: a.retry_backoff_max,
    reconcileIntervalMs: a.reconcile_interval,
    heartbeatIntervalMs: a.heartbeat_interval,
    drainTimeoutMs: a.drain_timeout,
    groupPrefix: a.group_prefix,
    pinName: a.pin_name,
    tags,
  };
}
