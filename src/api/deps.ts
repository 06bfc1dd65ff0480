/** What the HTTP API is built from: narrow views of the store and the producer SDK, all injected. */
import type { PinProducer } from '../../producers/index.js';
import type { ReplicationDefaults } from '../allocator/decision.js';
import type { PeerView } from '../peers/peer-table.js';
import type { ApiConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Registry } from '../metrics.js';
import type { PinStore } from '../store/store.js';

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

/** The reads the API serves (a PinStore satisfies it). */
export type PinReader = Pick<PinStore, 'get' | 'list' | 'listByPeer' | 'stats'>;

/** The intents the API publishes (a connected PinProducer satisfies it). */
export type IntentPublisher = Pick<PinProducer, 'upsertPin' | 'deletePin' | 'setDesiredPlacement'>;

export interface ApiDeps {
  readonly store: PinReader;
  readonly producer: IntentPublisher;
  /** Served at /metrics; the API's own metrics are registered here too. */
  readonly registry: Registry;
  readonly readiness: ReadinessProbe;
  /** `tokens` (empty = auth off) and `maxBodyBytes` are read; host/port belong to the server. */
  readonly config: Pick<ApiConfig, 'tokens' | 'maxBodyBytes'>;
  readonly logger?: Logger;
  /** Runs before each /metrics scrape (refreshes gauges read from the driver's state). */
  readonly beforeScrape?: () => void | Promise<void>;
  /** The peer registry, for GET /pins/{cid}/status (liveness, `remote` peers). Optional. */
  readonly peers?: { snapshot(): readonly PeerView[] };
  /** allocator.default_replication_factor_min/max, for status summaries of rf-0 pins. */
  readonly replicationDefaults?: ReplicationDefaults;
}
