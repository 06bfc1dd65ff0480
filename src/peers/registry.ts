/**
 * The peer registry: the newest heartbeat of every peer, rebuilt by reading the compacted
 * `pins.peers` topic from its beginning, and kept current by following it. Any process can run
 * one (the allocator, the HTTP API, the IPFS Cluster API, the Pinning Services API); each reads
 * the whole topic with a throwaway consumer group, which is cheap: compaction keeps one record
 * per peer, so 10^4 peers are ~10^4 small records.
 *
 * The registry itself satisfies the narrow views other parts expect:
 *   - `PeerDirectory` (IPFS Cluster REST API `/peers`, `/id`): `list()` / `get(id)`;
 *   - `DelegatesSource` (Pinning Services API `delegates`): `multiaddrsOf(peers)`.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from '../kafka/kafkajs-types.js';
import { decodePeerHeartbeat } from '../codec/index.js';
import type { KafkaConfig } from '../config/types.js';
import { PinstateError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import { topicOffsets } from '../kafka/offsets.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { createRegistry, type Registry } from '../metrics.js';
import { peerRegistryMetrics, type PeerRegistryMetrics } from './metrics.js';
import { PeerTable, type PeerTransition, type PeerView } from './peer-table.js';

/** A peer as `list()` / `get()` return it: IPFS Cluster API field names plus the registry's own. */
export interface DirectoryPeer {
  readonly id: string;
  /** The agent's version. */
  readonly version: string;
  /** The IPFS node's id (the agent's peer id is its kubo node's id). */
  readonly ipfsId: string;
  /** The IPFS node's swarm multiaddrs (each ending in /p2p/<id>). */
  readonly ipfsAddresses: readonly string[];
  /** Set when the peer is down: how long since its last heartbeat. */
  readonly error?: string;
  readonly live: boolean;
  /** Unix ms of the newest heartbeat. */
  readonly lastSeen: number;
  readonly freeBytes: number;
  readonly ipfsVersion: string;
}

export interface PeerRegistryOptions {
  readonly config: KafkaConfig;
  /** A peer whose newest heartbeat is older is down (allocator.peer_ttl). */
  readonly peerTtlMs: number;
  /** How often liveness is re-checked for transitions (allocator.check_interval). Default 1 s. */
  readonly checkIntervalMs?: number;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Clock, unix ms. Default Date.now. */
  readonly now?: () => number;
}

export type TransitionListener = (transition: PeerTransition) => void;

export interface PeerRegistry {
  /** Reads the topic from its beginning; resolves once everything on it at start has been read. */
  start(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  /** Every known peer (sync), sorted by id. */
  snapshot(): PeerView[];
  /** Live peers (sync), sorted by id. */
  livePeers(): PeerView[];
  view(peer: string): PeerView | undefined;
  /** Called for each liveness transition (after the initial read, stale peers are reported down once). */
  onTransition(listener: TransitionListener): () => void;
  /** PeerDirectory. */
  list(): Promise<readonly DirectoryPeer[]>;
  get(id: string): Promise<DirectoryPeer | undefined>;
  /** DelegatesSource: swarm multiaddrs of the given peers that are live; unknown or down peers are skipped. */
  multiaddrsOf(peers: readonly string[]): Promise<readonly string[]>;
  readonly metrics: PeerRegistryMetrics;
}

export function directoryPeer(view: PeerView, now: number): DirectoryPeer {
  const hb = view.heartbeat;
  const base = {
    id: view.peer,
    version: hb.agentVersion,
    ipfsId: view.peer,
    ipfsAddresses: [...hb.addresses],
    live: view.live,
    lastSeen: view.lastSeen,
    freeBytes: hb.freeBytes,
    ipfsVersion: hb.ipfsVersion,
  };
  return view.live ? base : { ...base, error: `down: no heartbeat for ${Math.round((now - view.lastSeen) / 1000)} s` };
}

export function createPeerRegistry(options: PeerRegistryOptions): PeerRegistry {
  const { config } = options;
  const topic = config.topics.peers;
  const now = options.now ?? Date.now;
  const logger = (options.logger ?? silentLogger()).child({ component: 'peer-registry' });
  const metrics = peerRegistryMetrics(options.registry ?? createRegistry());
  const kafka = options.kafka ?? createKafka({ config, logger, clientId: `${config.clientId}-peers` });
  const table = new PeerTable(options.peerTtlMs);
  const listeners = new Set<TransitionListener>();
  const groupId = `pinstate-peers-${randomBytes(6).toString('hex')}`;
  let consumer: Consumer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let caughtUp = false;

  function sweep(): void {
    if (!caughtUp) return;
    const at = now();
    for (const t of table.sweep(at)) {
      metrics.transitions.inc({ kind: t.kind });
      logger.info({ peer: t.peer, kind: t.kind }, t.kind === 'up' ? 'peer up' : 'peer down');
      for (const l of listeners) {
        try {
          l(t);
        } catch (err: unknown) {
          logger.error({ err: err instanceof Error ? err.message : String(err) }, 'peer transition listener failed');
        }
      }
    }
    metrics.live.set(table.live(at).length);
    metrics.known.set(table.size);
  }

  function eachBatch(ends: Map<number, bigint>, onCaughtUp: () => void) {
    return async (payload: EachBatchPayload): Promise<void> => {
      const { batch } = payload;
      for (const message of batch.messages) {
        if (message.value === null) {
          if (message.key !== null) table.forget(message.key.toString('utf8'));
          metrics.heartbeats.inc({ outcome: 'tombstone' });
        } else {
          try {
            table.observe(decodePeerHeartbeat(message.value), now());
            metrics.heartbeats.inc({ outcome: 'accepted' });
          } catch (err: unknown) {
            // An agent of another version or a stray producer: skipped and counted, never fatal.
            metrics.heartbeats.inc({ outcome: 'undecodable' });
            logger.warn({ err: err instanceof Error ? err.message : String(err), partition: batch.partition, offset: message.offset }, 'undecodable heartbeat skipped');
          }
        }
        payload.resolveOffset(message.offset);
        const end = ends.get(batch.partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          ends.delete(batch.partition);
          if (ends.size === 0) onCaughtUp();
        }
      }
      await payload.heartbeat();
      sweep();
    };
  }

  const registry: PeerRegistry = {
    metrics,
    async start(timeoutMs = 60_000) {
      if (consumer !== undefined) throw new PinstateError('ILLEGAL_STATE', 'peer registry already started');
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await topicOffsets(admin, topic).finally(() => admin.disconnect());
      const ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
      let markCaughtUp!: () => void;
      const ready = new Promise<void>((r) => (markCaughtUp = r));
      const onCaughtUp = (): void => {
        if (caughtUp) return;
        caughtUp = true;
        markCaughtUp();
      };
      consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
      consumer.on(consumer.events.CRASH, (e) => logger.error({ err: e.payload.error.message, restart: e.payload.restart }, 'peer registry consumer crashed'));
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: eachBatch(ends, onCaughtUp) });
      if (ends.size === 0) onCaughtUp();
      let timeout: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ready,
          new Promise<never>((_, reject) => {
            timeout = setTimeout(() => reject(new PinstateError('KAFKA_UNAVAILABLE', `peer registry: ${topic} not read to its end within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timeout);
      }
      sweep();
      timer = setInterval(sweep, options.checkIntervalMs ?? 1000);
      timer.unref();
      logger.info({ topic, peers: table.size, live: table.live(now()).length }, 'peer registry loaded');
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      const c = consumer;
      if (c === undefined) return;
      consumer = undefined;
      await c.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.disconnect();
    },
    snapshot: () => table.list(now()),
    livePeers: () => table.live(now()),
    view: (peer) => table.get(peer, now()),
    onTransition(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    list() {
      const at = now();
      return Promise.resolve(table.list(at).map((v) => directoryPeer(v, at)));
    },
    get(id) {
      const at = now();
      const v = table.get(id, at);
      return Promise.resolve(v === undefined ? undefined : directoryPeer(v, at));
    },
    multiaddrsOf(peers) {
      const at = now();
      const out: string[] = [];
      for (const p of peers) {
        const v = table.get(p, at);
        if (v?.live === true) out.push(...v.heartbeat.addresses);
      }
      return Promise.resolve(out);
    },
  };
  return registry;
}
