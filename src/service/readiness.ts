/**
 * Readiness of a pinstate process: the database answers a query, a Kafka broker answers a metadata
 * request, and — in a process that runs a writer — the writer is running with a healthy database.
 * Checks talk to the servers directly (no retries), are bounded by a timeout and shared by
 * concurrent callers for `cacheMs`, so probes cannot pile up on a struggling server.
 */
import type { KafkaAdmin as Admin, Kafka } from '../kafka/client.js';
import type { ReadinessCheck, ReadinessProbe, ReadinessReport } from '../readiness-report.js';
import type { CqlSession } from '../store/session.js';

/** What readiness reads from a writer. */
export interface WriterView {
  readonly state: string;
  ready(): boolean;
  /** Why ready() is false (database or publish failing), when the writer knows. */
  notReadyReason?(): string | undefined;
}

export interface ReadinessOptions {
  readonly session: CqlSession;
  readonly kafka: Kafka;
  /** Present in a process that runs a writer. */
  readonly writer?: WriterView;
  /** Per check, default 2000 ms. */
  readonly timeoutMs?: number;
  /** Results are reused this long, default 1000 ms. */
  readonly cacheMs?: number;
}

export interface Readiness extends ReadinessProbe {
  /** The last Kafka check's outcome (undefined before the first), for the `pinstate_kafka_connected` gauge. */
  kafkaConnected(): Promise<boolean>;
  close(): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const text = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export function createReadiness(options: ReadinessOptions): Readiness {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 1_000;
  let admin: Admin | undefined;
  let closed = false;

  async function checkDatabase(): Promise<ReadinessCheck> {
    try {
      // Straight to the driver: a readiness probe must not sit in pinstate's retry loop.
      await withTimeout(options.session.client.execute('SELECT release_version FROM system.local'), timeoutMs, 'the database');
      return { ok: true };
    } catch (err: unknown) {
      return { ok: false, detail: text(err) };
    }
  }

  async function checkKafka(): Promise<ReadinessCheck> {
    if (closed) return { ok: false, detail: 'closed' };
    try {
      admin ??= options.kafka.admin({ retry: { retries: 0 } });
      const a = admin;
      await withTimeout(
        (async () => {
          await a.connect();
          const cluster = await a.describeCluster();
          if (cluster.brokers.length === 0) throw new Error('no brokers in the cluster metadata');
        })(),
        timeoutMs,
        'Kafka',
      );
      return { ok: true };
    } catch (err: unknown) {
      // Start over with a fresh client next time rather than trust a half-open one.
      const stale = admin;
      admin = undefined;
      await stale?.disconnect().catch(() => undefined);
      return { ok: false, detail: text(err) };
    }
  }

  function checkWriter(writer: WriterView): ReadinessCheck {
    if (writer.ready()) return { ok: true, state: writer.state };
    const detail = writer.notReadyReason?.() ?? (writer.state === 'running' ? 'the last database write failed; retrying' : `writer is ${writer.state}`);
    return { ok: false, state: writer.state, detail };
  }

  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  async function run(): Promise<ReadinessReport> {
    const [database, kafka] = await Promise.all([checkDatabase(), checkKafka()]);
    const checks: Record<string, ReadinessCheck> = { database, kafka };
    if (options.writer !== undefined) checks['writer'] = checkWriter(options.writer);
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }

  const probe = {
    check(): Promise<ReadinessReport> {
      const now = Date.now();
      if (cached === undefined || now - cached.at >= cacheMs) cached = { at: now, report: run() };
      return cached.report;
    },
    async kafkaConnected() {
      return (await probe.check()).checks['kafka']?.ok === true;
    },
    async close() {
      closed = true;
      await admin?.disconnect().catch(() => undefined);
      admin = undefined;
    },
  };
  return probe;
}
