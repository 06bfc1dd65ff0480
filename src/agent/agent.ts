/**
 * `pinstate agent`: one per IPFS (kubo) node. It learns the node's placements from its partition
 * of pins.placements and from pins_by_peer, pins and unpins them in kubo through a bounded queue,
 * acks each step on pins.acks, and heartbeats the node to pins.peers. See docs/agent.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kafka, Producer } from '../kafka/kafkajs-types.js';
import { createOpIdGenerator } from '../../producers/op-id.js';
import { createPinProducer, type PinProducer } from '../../producers/index.js';
import type { PinstateConfig } from '../config/types.js';
import { validatePeerId } from '../domain/pin.js';
import { PinstateError, NotFoundError } from '../errors.js';
import { PartLifecycle, type PartState } from '../part-lifecycle.js';
import { createKafka } from '../kafka/client.js';
import { KeyPartitioner } from '../kafka/partitioner.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { createRegistry, type Registry } from '../metrics.js';
import { packageRoot } from '../paths.js';
import { createStore, type PinStore } from '../store/store.js';
import { AGENT_OP_PREFIX, wantOfChange } from './decisions.js';
import { createExecutor, PlacementCounts, type Acker, type PinLookup } from './executor.js';
import { buildHeartbeat, publishHeartbeat } from './heartbeat.js';
import { createKuboClient, type KuboApi } from './kubo-client.js';
import { agentMetrics, type AgentMetrics } from './metrics.js';
import { createPlacementReader, type PlacementReader } from './placement-reader.js';
import { reconcileOnce, type ReconcileReport } from './reconciler.js';
import { WorkQueue } from './work-queue.js';

export interface AgentOptions {
  readonly config: PinstateConfig;
  /** Overrides config.agent.ipfsApi (`--ipfs-api`). */
  readonly ipfsApi?: string;
  /** Overrides config.agent.peerId (`--peer-id`). */
  readonly peerId?: string;
  /** Keyspace instead of config.scylla.keyspace (tests). */
  readonly keyspace?: string;
  readonly kafka?: Kafka;
  /** A kubo edge to use instead of the HTTP client (unit tests). */
  readonly kubo?: KuboApi;
  readonly store?: PinStore;
  readonly logger?: Logger;
  readonly registry?: Registry;
}

/**
 * `idle`: created. `starting`: asking kubo who it is, joining Kafka. `running`: pinning.
 * `stopping`: stop() is draining the queue. `stopped`: done. `failed`: start() threw.
 */
/** The agent's lifecycle (src/part-lifecycle.ts). */
export type AgentState = PartState;

export interface Agent {
  readonly state: AgentState;
  /** Known once started. */
  readonly peer: string;
  /** The placements partition this agent reads. */
  readonly partition: number;
  readonly metrics: AgentMetrics;
  readonly counts: PlacementCounts;
  /** Entries in the work queue. */
  readonly queued: number;
  start(): Promise<void>;
  /** Stops reading, drains the queue (bounded by agent.drain_timeout), sends a last heartbeat, disconnects. */
  stop(): Promise<void>;
  /** Runs a reconcile pass now (after the one in progress, if any). */
  reconcile(): Promise<ReconcileReport>;
  /** Sends a heartbeat now; false when kubo did not answer. */
  heartbeat(): Promise<boolean>;
}

function agentVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string };
    return `pinstate-agent/${pkg.version ?? '0.0.0'}`;
  } catch {
    return 'pinstate-agent/unknown';
  }
}

export function createAgent(options: AgentOptions): Agent {
  const { config } = options;
  const ac = config.agent;
  const registry = options.registry ?? createRegistry();
  const metrics = agentMetrics(registry);
  const baseLogger = (options.logger ?? silentLogger()).child({ component: 'agent' });
  let logger = baseLogger;
  const kafka = options.kafka ?? createKafka({ config: config.kafka, logger: baseLogger, clientId: `${config.kafka.clientId}-agent` });
  const ipfsApi = options.ipfsApi ?? ac.ipfsApi;
  const kubo = options.kubo ?? createKuboClient({ apiUrl: ipfsApi, requestTimeoutMs: ac.requestTimeoutMs });
  const counts = new PlacementCounts();
  const version = agentVersion();

  const lifecycle = new PartLifecycle('an agent');
  let peer = '';
  let store: PinStore | undefined;
  let ownsStore = false;
  let producer: PinProducer | undefined;
  let hbProducer: Producer | undefined;
  let reader: PlacementReader | undefined;
  let queue: WorkQueue | undefined;
  let ipfsVersion = 'unknown';
  let kuboUp = true;
  let reconcileTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let reconciling: Promise<ReconcileReport> | undefined;
  let lastReconcileFailed = false;

  function reconcile(): Promise<ReconcileReport> {
    if (reconciling !== undefined) return reconciling.catch(() => undefined).then(() => reconcile());
    const run = (async (): Promise<ReconcileReport> => {
      try {
        const report = await reconcileOnce({
          kubo,
          rows: () => store!.listByPeer(peer),
          queue: queue!,
          acker,
          pinNamePrefix: ac.pinName,
          counts,
          metrics,
          logger,
        });
        metrics.reconciles.inc({ outcome: 'ok' });
        lastReconcileFailed = false;
        logger.info({ ...report }, 'reconciled');
        return report;
      } catch (err: unknown) {
        metrics.reconciles.inc({ outcome: 'error' });
        metrics.errors.inc({ op: 'reconcile', kind: err instanceof Error && err.name === 'KuboError' ? 'unreachable' : 'store' });
        lastReconcileFailed = true;
        logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'reconcile failed; trying again later');
        throw err;
      }
    })();
    reconciling = run;
    void run.finally(() => {
      if (reconciling === run) reconciling = undefined;
    }).catch(() => undefined);
    return run;
  }

  const acker: Acker = {
    async ack(cid, placementState, error) {
      await producer!.ackPlacement(cid, peer, placementState, error === undefined || error === null ? {} : { error });
    },
  };

  const lookup: PinLookup = async (cid) => {
    try {
      const pin = await store!.get(cid);
      return { maxDepth: pin.spec.maxDepth, name: pin.spec.name, origins: pin.spec.origins };
    } catch (err: unknown) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  };

  async function heartbeat(): Promise<boolean> {
    let facts;
    try {
      const [identity, v, repo] = await Promise.all([kubo.id(), kubo.version(), kubo.repoStat()]);
      ipfsVersion = v;
      facts = { identity, repo };
    } catch (err: unknown) {
      metrics.heartbeats.inc({ outcome: 'kubo_unreachable' });
      if (kuboUp) logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'kubo does not answer: no heartbeat until it does');
      kuboUp = false;
      return false;
    }
    const hb = buildHeartbeat({
      peer,
      agentVersion: version,
      ipfsVersion,
      identity: facts.identity,
      repo: facts.repo,
      pinned: counts.pinned,
      queued: queue?.size ?? 0,
      errors: counts.errors.size,
      tags: ac.tags,
      intervalMs: ac.heartbeatIntervalMs,
      now: Date.now(),
    });
    try {
      await publishHeartbeat(hbProducer!, config.kafka.topics.peers, hb);
      metrics.heartbeats.inc({ outcome: 'sent' });
    } catch (err: unknown) {
      metrics.heartbeats.inc({ outcome: 'failed' });
      metrics.errors.inc({ op: 'heartbeat', kind: 'ack' });
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'heartbeat not published');
    }
    if (!kuboUp || lastReconcileFailed) {
      // Kubo is back (restarted?), or the last pass failed: converge now rather than at the next interval.
      kuboUp = true;
      if (lifecycle.state === 'running') reconcile().catch(() => undefined);
    }
    return true;
  }

  /**
   * Heartbeats go on while the agent is running and while it drains on stop: a draining agent is
   * alive, and a gap longer than allocator.peer_ttl would report it down, have its pins moved, and
   * then its last heartbeat would report it up again for one more TTL (seen in the end-to-end test).
   */
  let beating = false;
  let beatInFlight: Promise<unknown> | undefined;
  function scheduleHeartbeat(): void {
    beating = true;
    heartbeatTimer = setTimeout(() => {
      beatInFlight = heartbeat().finally(() => {
        if (beating && (lifecycle.state === 'running' || lifecycle.state === 'stopping')) scheduleHeartbeat();
      });
    }, ac.heartbeatIntervalMs);
  }
  /** No more scheduled beats; waits for one already being sent (so the last one is last). */
  async function stopHeartbeats(): Promise<void> {
    beating = false;
    clearTimeout(heartbeatTimer);
    await beatInFlight?.catch(() => undefined);
  }

  function scheduleReconcile(): void {
    reconcileTimer = setTimeout(() => {
      void reconcile()
        .catch(() => undefined)
        .finally(() => {
          if (lifecycle.state === 'running') scheduleReconcile();
        });
    }, ac.reconcileIntervalMs);
  }

  return {
    get state() {
      return lifecycle.state;
    },
    get peer() {
      return peer;
    },
    get partition() {
      return reader?.partition ?? -1;
    },
    metrics,
    counts,
    get queued() {
      return queue?.size ?? 0;
    },
    async start() {
      await lifecycle.start(
        async () => {
          const identity = await kubo.id().catch((err: unknown) => {
            throw new PinstateError('CONFIG_INVALID', `the IPFS API at ${ipfsApi} does not answer (${err instanceof Error ? err.message : String(err)}); is kubo running? (--ipfs-api / agent.ipfs_api)`, { field: 'agent.ipfs_api', cause: err });
          });
          peer = validatePeerId(options.peerId ?? ac.peerId ?? identity.id, options.peerId !== undefined ? '--peer-id' : 'agent.peer_id');
          logger = baseLogger.child({ peer });
          ipfsVersion = await kubo.version();
          if (options.store === undefined) {
            store = await createStore({ config: config.scylla, logger, ...(options.keyspace === undefined ? {} : { keyspace: options.keyspace }) });
            ownsStore = true;
          } else {
            store = options.store;
          }
          const gen = createOpIdGenerator();
          producer = createPinProducer({ config: config.kafka, kafka, logger, registry, origin: peer, newOpId: () => `${AGENT_OP_PREFIX}${gen()}` });
          await producer.connect();
          hbProducer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: KeyPartitioner });
          await hbProducer.connect();
          const executor = createExecutor({
            kubo,
            acker,
            lookup,
            pinNamePrefix: ac.pinName,
            pinTimeoutMs: ac.pinTimeoutMs,
            connectTimeoutMs: Math.min(ac.requestTimeoutMs, 10_000),
            maxRetries: ac.maxRetries,
            counts,
            metrics,
            logger,
          });
          queue = new WorkQueue({
            concurrency: ac.concurrentPins,
            capacity: ac.queueSize,
            maxRetries: ac.maxRetries,
            backoffMinMs: ac.retryBackoffMinMs,
            backoffMaxMs: ac.retryBackoffMaxMs,
            run: async (job, signal) => {
              metrics.inFlight.inc();
              try {
                return await executor(job, signal);
              } finally {
                metrics.inFlight.dec();
              }
            },
            onDepth: (d) => metrics.queueDepth.set(d),
          });
          reader = await createPlacementReader({
            kafka,
            topic: config.kafka.topics.placements,
            peer,
            groupId: `${ac.groupPrefix}-${peer}`,
            logger,
            onRecord: (outcome) => {
              if (outcome !== 'delivered') metrics.changes.inc({ outcome });
            },
            onChange: async (change) => {
              const want = wantOfChange(change);
              if (want === null) {
                metrics.changes.inc({ outcome: change.opId.startsWith(AGENT_OP_PREFIX) ? 'own_ack' : 'no_op' });
                return;
              }
              metrics.changes.inc({ outcome: 'queued' });
              await queue!.put(change.cid, want);
            },
          });
          // The reader is anchored before the store is read, so no change falls between the two.
          await reader.start();
          lifecycle.running();
          logger.info({ ipfsApi, ipfsVersion, partition: reader.partition, partitions: reader.partitions }, 'agent running');
          await heartbeat();
          reconcile().catch(() => undefined);
          scheduleHeartbeat();
          scheduleReconcile();
        },
        () => Promise.allSettled([reader?.stop(), producer?.disconnect(), hbProducer?.disconnect(), ownsStore ? store?.close() : undefined]),
      );
    },
    async stop() {
      await lifecycle.stop(async () => {
        clearTimeout(reconcileTimer);
        try {
          await reader!.stop();
          const unfinished = await queue!.stop(ac.drainTimeoutMs);
          await reconciling?.catch(() => undefined);
          if (unfinished > 0) logger.info({ unfinished }, 'stopped with placements not done; the next start reconciles them');
          await stopHeartbeats();
          await heartbeat();
        } finally {
          await stopHeartbeats();
          await Promise.allSettled([producer!.disconnect(), hbProducer!.disconnect()]);
          if (ownsStore) await store!.close();
          logger.info('agent stopped');
        }
      });
    },
    reconcile,
    heartbeat,
  };
}
