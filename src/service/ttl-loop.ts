/**
 * The TTL sweeper as a long-running part: sweeps now, then every interval, never two sweeps at once.
 * Where the Expire ops go is the sink's business (ttl-sinks.ts): Kafka intents by default, or the
 * store directly. A failed sweep is logged and counted; the next interval tries again (the sweep
 * keeps its checkpoint, and expire op ids are deterministic, so repeats are harmless).
 */
import { Counter, Histogram } from 'prom-client';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { Registry } from '../metrics.js';
import type { StoreOp } from '../store/records.js';
import type { CqlSession } from '../store/session.js';
import { sweepExpired, type SweepReport } from '../store/ttl-sweeper.js';

export interface TtlLoopOptions {
  readonly session: CqlSession;
  readonly ttlShards: number;
  readonly intervalMs: number;
  readonly sink: (ops: StoreOp[]) => Promise<void>;
  readonly registry: Registry;
  readonly logger?: Logger;
  /** Sweep now and then every interval (default true); false: only when sweepOnce() is called. */
  readonly auto?: boolean;
}

export interface TtlLoop {
  /** One sweep now (waits for a running one first). */
  sweepOnce(): Promise<SweepReport>;
  /** Stops the timer and waits for a sweep in progress. */
  stop(): Promise<void>;
}

export interface TtlMetrics {
  readonly sweeps: Counter<'outcome'>;
  readonly expired: Counter<never>;
  readonly seconds: Histogram<never>;
}

export function ttlMetrics(registry: Registry): TtlMetrics {
  const get = <T>(name: string, make: () => T): T => (registry.getSingleMetric(name) as T | undefined) ?? make();
  return {
    sweeps: get('pinstate_ttl_sweeps_total', () => new Counter({ name: 'pinstate_ttl_sweeps_total', help: 'TTL sweeps run, by outcome (ok, failed).', labelNames: ['outcome'] as const, registers: [registry] })),
    expired: get('pinstate_ttl_expired_total', () => new Counter({ name: 'pinstate_ttl_expired_total', help: 'Expire ops the TTL sweeper issued (each applied once by op id).', registers: [registry] })),
    seconds: get('pinstate_ttl_sweep_seconds', () => new Histogram({ name: 'pinstate_ttl_sweep_seconds', help: 'Duration of one TTL sweep.', buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300], registers: [registry] })),
  };
}

export function startTtlLoop(options: TtlLoopOptions): TtlLoop {
  const logger = (options.logger ?? silentLogger()).child({ component: 'ttl-loop' });
  const metrics = ttlMetrics(options.registry);
  let running: Promise<SweepReport> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function sweep(): Promise<SweepReport> {
    const started = performance.now();
    try {
      const report = await sweepExpired({ session: options.session, ttlShards: options.ttlShards, sink: options.sink, logger });
      metrics.sweeps.inc({ outcome: 'ok' });
      metrics.expired.inc(report.expired);
      return report;
    } catch (err: unknown) {
      metrics.sweeps.inc({ outcome: 'failed' });
      throw err;
    } finally {
      metrics.seconds.observe((performance.now() - started) / 1000);
    }
  }

  async function sweepOnce(): Promise<SweepReport> {
    while (running !== undefined) await running.catch(() => undefined);
    running = sweep();
    try {
      return await running;
    } finally {
      running = undefined;
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      sweepOnce().then(
        (report) => logger.debug({ expired: report.expired }, 'ttl sweep'),
        (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'ttl sweep failed; retrying next interval'),
      ).finally(() => schedule(options.intervalMs));
    }, delayMs);
  }
  if (options.auto ?? true) schedule(0);

  return {
    sweepOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
