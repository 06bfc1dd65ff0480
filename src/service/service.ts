/**
 * One pinstate process: any mix of the writer, the HTTP API and the TTL sweeper over one store
 * session and one registry. `pinstate start` runs all three; `writer`, `api` and `sweep-ttl` run
 * one each. close() stops in the order that loses nothing: stop taking requests, stop sweeping,
 * drain the writer (finish in-flight batches, commit), flush the producer, close the session.
 */
import { createPinProducer, type PinProducer } from '../../producers/index.js';
import { createWriter, type Writer } from '../../consumers/writer/writer.js';
import { createAllocator, type Allocator } from '../allocator/allocator.js';
import { createPeerRegistry, type PeerRegistry } from '../peers/registry.js';
import { createApp } from '../api/app.js';
import { cqlRequestStore } from '../api/pinning/requests.js';
import { listen, type ListeningServer } from '../api/server.js';
import { startClusterApi, type RunningClusterApi } from '../api/cluster/start.js';
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import type { Logger } from '../log.js';
import type { Registry } from '../metrics.js';
import { createStore, type PinStore } from '../store/store.js';
import { healthMetrics } from './health-metrics.js';
import { createReadiness, type Readiness } from './readiness.js';
import { startTtlLoop, type TtlLoop } from './ttl-loop.js';
import { intentSink, storeSink } from './ttl-sinks.js';

export interface ServiceParts {
  readonly writer: boolean;
  readonly api: boolean;
  /** Also serve the IPFS Cluster REST API on cluster_api.http_listen_multiaddress (needs `api`). Default false. */
  readonly clusterApi?: boolean;
  /** Run the TTL sweeper; `direct` applies Expire ops through the store instead of Kafka. */
  /** Run the allocator (when allocator.enabled); the peer registry runs with it or with the API. Default false. */
  readonly allocator?: boolean;
  readonly sweeper: false | { readonly direct: boolean; readonly intervalMs?: number; /** Default true; false: only sweepOnce(). */ readonly auto?: boolean };
}

export interface ServiceOptions {
  readonly config: PinstateConfig;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly parts: ServiceParts;
}

export interface RunningService {
  readonly store: PinStore;
  readonly writer: Writer | undefined;
  readonly api: ListeningServer | undefined;
  readonly clusterApi: RunningClusterApi | undefined;
  readonly sweeper: TtlLoop | undefined;
  readonly allocator?: Allocator | undefined;
  readonly peers?: PeerRegistry | undefined;
  readonly readiness: Readiness;
  /** Resolves with a reason if the writer failed for good (its consumer will not restart). */
  readonly failed: Promise<string>;
  /** Stops every part; resolves true when the writer (if any) drained cleanly. */
  close(): Promise<boolean>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config, logger, registry, parts } = options;
  const kafka = createKafka({ config: config.kafka, logger });
  const closers: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close().catch((err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'close failed'));
  };

  try {
    const store = await createStore({ config: config.scylla, logger: logger.child({}, { level: config.scylla.logLevel }) });
    closers.push(() => store.close());

    let producer: PinProducer | undefined;
    const runAllocator = parts.allocator === true && config.allocator.enabled;
    if (parts.api || (parts.sweeper !== false && !parts.sweeper.direct)) {
      producer = createPinProducer({ config: config.kafka, kafka, logger, registry, origin: parts.api ? 'api' : 'ttl-sweeper' });
      await producer.connect();
      const p = producer;
      closers.push(() => p.disconnect());
    }

    let writer: Writer | undefined;
    let reportFailure!: (reason: string) => void;
    const failed = new Promise<string>((r) => (reportFailure = r));
    if (parts.writer) {
      writer = createWriter({ config, store, logger, registry, onFatal: (err) => reportFailure(`writer failed: ${err.message}`) });
      await writer.start();
      const w = writer;
      closers.push(() => w.stop());
    }

    const readiness = createReadiness({ session: store.session, kafka, ...(writer === undefined ? {} : { writer }) });
    closers.push(() => readiness.close());
    const health = healthMetrics(registry, { session: store.session, kafkaConnected: () => readiness.kafkaConnected() });

    let sweeper: TtlLoop | undefined;
    if (parts.sweeper !== false) {
      const sink = parts.sweeper.direct ? storeSink(store) : intentSink(producer!);
      const s = startTtlLoop({ session: store.session, ttlShards: config.scylla.ttlShards, intervalMs: parts.sweeper.intervalMs ?? config.ttl.sweepIntervalMs, auto: parts.sweeper.auto ?? true, sink, registry, logger });
      sweeper = s;
      closers.push(() => s.stop());
    }

    let peers: PeerRegistry | undefined;
    let allocator: Allocator | undefined;
    if (runAllocator || parts.api) {
      const r = createPeerRegistry({ config: config.kafka, kafka, peerTtlMs: config.allocator.peerTtlMs, checkIntervalMs: config.allocator.checkIntervalMs, logger, registry });
      try {
        await r.start();
        peers = r;
      } catch (err: unknown) {
        // The allocator cannot work blind; the API only loses liveness in /pins/{cid}/status.
        if (runAllocator) throw err;
        logger.warn({ err: err instanceof Error ? err.message : String(err), topic: config.kafka.topics.peers }, 'peer registry unavailable; status shows placements without liveness');
      }
      closers.push(() => r.stop());
    }
    if (runAllocator) {
      // Its own producer, so its intents carry origin "allocator" and it can skip its own events.
      const ap = createPinProducer({ config: config.kafka, kafka, logger, registry, origin: 'allocator' });
      await ap.connect();
      closers.push(() => ap.disconnect());
      const a = createAllocator({ config, store, producer: ap, peers: peers!, kafka, logger, registry });
      await a.start();
      allocator = a;
      closers.push(() => a.stop());
    }

    let api: ListeningServer | undefined;
    if (parts.api) {
      const app = createApp({ store, producer: producer!, registry, readiness, config: config.api, logger, beforeScrape: () => health.refresh(), ...(peers === undefined ? {} : { peers }), replicationDefaults: config.allocator, pinning: { config: config.pinning, requests: cqlRequestStore(store.session), ...(peers === undefined ? {} : { delegates: peers }) } });
      api = await listen(app, config.api.host, config.api.port);
      const a = api;
      closers.push(() => a.close());
    }

    let clusterApi: RunningClusterApi | undefined;
    if (parts.api && parts.clusterApi === true) {
      const cluster = await startClusterApi({ config: config.clusterApi, store, producer: producer!, logger });
      clusterApi = cluster;
      closers.push(() => cluster.server.close());
    }

    let closing: Promise<boolean> | undefined;
    return {
      store,
      writer,
      api,
      clusterApi,
      sweeper,
      allocator,
      peers,
      readiness,
      failed,
      close() {
        closing ??= (async () => {
          await closeAll();
          return writer === undefined || writer.state === 'stopped';
        })();
        return closing;
      },
    };
  } catch (err: unknown) {
    await closeAll();
    throw err;
  }
}
