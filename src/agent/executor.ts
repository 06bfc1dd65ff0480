/**
 * Runs one queued job against kubo and reports it on pins.acks: pin (ack `pinning`, connect to the
 * pin's origins, `pin/add` under the agent's pin name, ack `pinned` or `pin_error` with kubo's
 * text) or unpin (remove the agent's own pin only, ack `unpinned`). Kubo, the store and the acks
 * are behind narrow interfaces so the unit tests drive it with fakes.
 */
import type { Logger } from '../log.js';
import { KuboError, type KuboApi } from './kubo-client.js';
import { holdingOf, managedPinName } from './ledger.js';
import type { AgentMetrics, AgentErrorKind } from './metrics.js';
import type { Job, JobResult } from './work-queue.js';

export type AckState = 'pinning' | 'pinned' | 'pin_error' | 'unpinned' | 'unpin_error';

/** Sends one AckPlacement for the agent's peer; resolves once the broker has it. */
export interface Acker {
  ack(cid: string, state: AckState, error?: string | null): Promise<void>;
}

/** What pinning needs from the pin's row. */
export interface PinFacts {
  readonly maxDepth: number;
  readonly name: string;
  readonly origins: readonly string[];
}

/** The pin's facts, or null when the pin is no longer in the pinset. */
export type PinLookup = (cid: string) => Promise<PinFacts | null>;

/** The agent's live counts, reported in heartbeats. */
export class PlacementCounts {
  pinned = 0;
  readonly errors = new Set<string>();
}

export interface ExecutorDeps {
  readonly kubo: KuboApi;
  readonly acker: Acker;
  readonly lookup: PinLookup;
  readonly pinNamePrefix: string;
  readonly pinTimeoutMs: number;
  /** Bound on each swarm/connect to an origin. */
  readonly connectTimeoutMs: number;
  readonly maxRetries: number;
  readonly counts: PlacementCounts;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
}

/** Origins dialled per pin at most: they are hints, and each costs a round trip. */
const MAX_ORIGINS = 8;

class StoreError extends Error {
  override readonly name = 'StoreError';
}

function kindOf(err: unknown): AgentErrorKind {
  if (err instanceof KuboError) return err.kind;
  if (err instanceof StoreError) return 'store';
  return 'ack';
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

export function createExecutor(deps: ExecutorDeps): (job: Job, signal: AbortSignal) => Promise<JobResult> {
  const { kubo, acker, counts, metrics, logger } = deps;

  async function lookup(cid: string): Promise<PinFacts | null> {
    try {
      return await deps.lookup(cid);
    } catch (err: unknown) {
      throw new StoreError(`reading pin ${cid}: ${asError(err).message}`, { cause: err });
    }
  }

  async function connectOrigins(cid: string, origins: readonly string[]): Promise<void> {
    const dial = origins.filter((o) => o.includes('/p2p/')).slice(0, MAX_ORIGINS);
    const results = await Promise.allSettled(dial.map((o) => kubo.swarmConnect(o, deps.connectTimeoutMs)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') logger.debug({ cid, origin: dial[i], err: asError(r.reason).message }, 'origin not reachable; pinning without it');
    });
  }

  async function pin(job: Job, signal: AbortSignal): Promise<JobResult> {
    if (job.attempt === 0 && job.ack) await acker.ack(job.cid, 'pinning');
    const facts = await lookup(job.cid);
    // The pin left the pinset: its DeletePin change (an unpin) follows on the stream.
    if (facts === null) return { ok: true };
    const held = holdingOf(deps.pinNamePrefix, await kubo.pinLsOne(job.cid));
    if (!held.pinned) {
      await connectOrigins(job.cid, facts.origins);
      const started = performance.now();
      try {
        await kubo.pinAdd(job.cid, { recursive: facts.maxDepth !== 0, name: managedPinName(deps.pinNamePrefix, facts.name), timeoutMs: deps.pinTimeoutMs, signal });
      } catch (err: unknown) {
        metrics.opSeconds.observe({ op: 'pin', outcome: 'error' }, (performance.now() - started) / 1000);
        throw err;
      }
      metrics.opSeconds.observe({ op: 'pin', outcome: 'ok' }, (performance.now() - started) / 1000);
      counts.pinned += 1;
    }
    counts.errors.delete(job.cid);
    if (job.ack) await acker.ack(job.cid, 'pinned');
    return { ok: true };
  }

  async function unpin(job: Job): Promise<JobResult> {
    const held = holdingOf(deps.pinNamePrefix, await kubo.pinLsOne(job.cid));
    if (held.managed) {
      const started = performance.now();
      try {
        await kubo.pinRm(job.cid, { recursive: held.recursive });
      } catch (err: unknown) {
        metrics.opSeconds.observe({ op: 'unpin', outcome: 'error' }, (performance.now() - started) / 1000);
        // Gone in between (removed by hand, or a concurrent unpin): the goal is met.
        if (!(err instanceof KuboError && err.kind === 'rejected' && /not pinned/i.test(err.message))) throw err;
      }
      metrics.opSeconds.observe({ op: 'unpin', outcome: 'ok' }, (performance.now() - started) / 1000);
    }
    if (held.pinned) counts.pinned = Math.max(0, counts.pinned - 1);
    counts.errors.delete(job.cid);
    if (job.ack) await acker.ack(job.cid, 'unpinned');
    return { ok: true };
  }

  return async (job, signal) => {
    try {
      return job.want === 'pin' ? await pin(job, signal) : await unpin(job);
    } catch (err: unknown) {
      const error = asError(err);
      const kind = kindOf(err);
      metrics.errors.inc({ op: job.want, kind });
      if (signal.aborted) return { ok: false, retry: false, error };
      const last = job.attempt >= deps.maxRetries;
      logger.warn({ cid: job.cid, want: job.want, attempt: job.attempt, kind, err: error.message }, last ? `${job.want} failed; no retries left (next reconcile tries again)` : `${job.want} failed; will retry`);
      // Kubo's own verdicts are reported at once; kubo or Kafka being away only once retries are spent.
      const report = kind === 'timeout' || kind === 'rejected' || last;
      if (report && job.ack && kind !== 'ack') {
        counts.errors.add(job.cid);
        try {
          await acker.ack(job.cid, job.want === 'pin' ? 'pin_error' : 'unpin_error', error.message);
        } catch (ackErr: unknown) {
          metrics.errors.inc({ op: job.want, kind: 'ack' });
          logger.warn({ cid: job.cid, err: asError(ackErr).message }, 'could not ack the error');
        }
      }
      return { ok: false, retry: true, error };
    }
  };
}
