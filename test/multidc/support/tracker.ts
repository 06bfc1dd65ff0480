/**
 * A cassandra-driver RequestTracker that counts every query and batch by the host that
 * coordinated it, with the consistency and serial consistency it ran at: the driver's own view
 * of where pinstate's requests went (passed to openSession({ requestTracker })).
 */
import cassandra from 'cassandra-driver';
import { dcOf } from './cluster.js';

// The driver checks `instanceof RequestTracker` at runtime; its typings only declare an interface.
const Base = (cassandra.tracker as unknown as { RequestTracker: new () => object }).RequestTracker;

const NAMES: Record<number, string> = Object.fromEntries(Object.entries(cassandra.types.consistencies).map(([k, v]) => [v as number, k]));

export interface TrackerSnapshot {
  /** Requests per coordinator address (successes + errors). */
  readonly byHost: Record<string, number>;
  readonly byDc: Record<string, number>;
  readonly consistencies: Record<string, number>;
  readonly serialConsistencies: Record<string, number>;
  readonly errors: number;
}

export class CoordinatorTracker extends Base implements cassandra.tracker.RequestTracker {
  private byHost = new Map<string, number>();
  private consistencies = new Map<string, number>();
  private serial = new Map<string, number>();
  private errors = 0;

  private count(host: cassandra.Host, options: cassandra.ExecutionOptions, query: unknown): void {
    const address = host.address.replace(/:\d+$/, '');
    this.byHost.set(address, (this.byHost.get(address) ?? 0) + 1);
    const c = NAMES[options.getConsistency() as unknown as number] ?? 'default';
    this.consistencies.set(c, (this.consistencies.get(c) ?? 0) + 1);
    if (typeof query === 'string' && /\bIF\b/i.test(query)) {
      const s = NAMES[options.getSerialConsistency() as unknown as number] ?? 'default';
      this.serial.set(s, (this.serial.get(s) ?? 0) + 1);
    }
  }

  onSuccess(host: cassandra.Host, query: string | Array<{ query: string; params?: unknown }>, _p: unknown, options: cassandra.ExecutionOptions): void {
    this.count(host, options, query);
  }

  onError(host: cassandra.Host, query: string | Array<{ query: string; params?: unknown }>, _p: unknown, options: cassandra.ExecutionOptions): void {
    this.errors++;
    this.count(host, options, query);
  }

  shutdown(): void {
    // nothing to release
  }

  reset(): void {
    this.byHost = new Map();
    this.consistencies = new Map();
    this.serial = new Map();
    this.errors = 0;
  }

  snapshot(): TrackerSnapshot {
    const byDc: Record<string, number> = {};
    for (const [h, n] of this.byHost) byDc[dcOf(h)] = (byDc[dcOf(h)] ?? 0) + n;
    return {
      byHost: Object.fromEntries([...this.byHost].sort()),
      byDc,
      consistencies: Object.fromEntries(this.consistencies),
      serialConsistencies: Object.fromEntries(this.serial),
      errors: this.errors,
    };
  }
}
