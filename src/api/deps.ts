/** What the HTTP API is built from: narrow views of the store and the producer SDK, all injected. */
import type { PinProducer } from '../../producers/index.js';
import type { ReplicationDefaults } from '../allocator/decision.js';
import type { PeerView } from '../peers/peer-table.js';
import type { ApiConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Registry } from '../metrics.js';
import type { ReadinessProbe } from '../readiness-report.js';
import type { PinStore } from '../store/store.js';
import type { PinningDeps } from './pinning/app.js';

export type { ReadinessCheck, ReadinessProbe, ReadinessReport } from '../readiness-report.js';

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
  /** The Pinning Services API under /pinning (mounted only when given). */
  readonly pinning?: PinningDeps;
}
