/**
 * What a readiness probe reports: the service builds it (src/service/readiness.ts), the API serves
 * it at /readyz (src/api/routes/ops.ts). Types only, at the base layer, so neither side imports the other.
 */

/** One part of readiness: the database, Kafka, the writer. */
export interface ReadinessCheck {
  readonly ok: boolean;
  /** Why not, when not ok (no secrets). */
  readonly detail?: string;
  /** The writer's lifecycle state, for the writer check. */
  readonly state?: string;
}

export interface ReadinessReport {
  /** True only when every check is ok. */
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
}

export interface ReadinessProbe {
  check(): Promise<ReadinessReport>;
}
