/**
 * The allocator: keeps every applied pin placed on enough live peers (docs/allocation.md).
 *
 * Inputs, chosen for a 10^12-pin store where a full scan takes days:
 * - `pins.events` (consumer group `allocator.group_id`): each applied UpsertPin or
 *   SetDesiredPlacement from someone else, and — while any peer is down — each applied ack, makes
 *   the allocator read that one pin (2 point reads) and decide. Cost ∝ ingest, not pinset size.
 * - peer transitions from the registry: a peer going down → its pins from `pins_by_peer`
 *   (∝ that peer's pins) are re-checked; a peer coming up → the pins of the live peer holding
 *   the fewest (from heartbeats) are re-checked, which finds every -1/-1 pin.
 * - a full pass over the pinset every `allocator.scan_interval` (0 = never), the backstop.
 *
 * Only the group's sole owner (see sole-owner-assigner.ts) acts. Decisions are published as
 * SetDesiredPlacement intents with op ids derived from the decision, so a redelivered event, a
 * replay, an overlapping scan or a second allocator during a hand-over all dedup in op_dedup.
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import pLimit from 'p-limit';
import type { PinProducer } from '../../producers/index.js';
import { decodePinEvent } from '../codec/index.js';
import type { PinstateConfig } from '../config/types.js';
import type { PinEvent } from '../domain/messages.js';
import { isPinstateError, PinstateError } from '../errors.js';
import { createKafka } from '../kafka/client.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { createRegistry, type Registry } from '../metrics.js';
import type { PeerRegistry } from '../peers/index.js';
import type { PeerTransition } from '../peers/peer-table.js';
import type { StoredPin } from '../store/reads.js';
import type { PinStore } from '../store/store.js';
import type { Candidate } from './choose-peers.js';
import { decide, type Decision } from './decision.js';
import { allocatorMetrics, type AllocatorMetrics } from './metrics.js';
import { soleOwnerAssigner } from './sole-owner-assigner.js';

export type EvaluationSource = 'event' | 'peer_down' | 'peer_up' | 'scan' | 'activation';

export interface AllocatorOptions {
  readonly config: PinstateConfig;
  readonly store: Pick<PinStore, 'get' | 'listByPeer' | 'listPages'>;
  /** Connected by the caller. */
  readonly producer: Pick<PinProducer, 'setDesiredPlacement'>;
  /** Started by the caller (the allocator waits for nothing else). */
  readonly peers: PeerRegistry;
  readonly kafka?: Kafka;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** The origin its intents carry; the allocator skips events of its own origin. Default "allocator". */
  readonly origin?: string;
  /** Called after each published decision (tests, logs). */
  readonly onDecision?: (decision: Decision, source: EvaluationSource) => void;
}

/**
 * `idle`: created. `standby`: in the group, owning nothing. `active`: owns the input topic and acts.
 * `stopping` / `stopped`: stop() called / done.
 */
export type AllocatorState = 'idle' | 'standby' | 'active' | 'stopping' | 'stopped';

export interface Allocator {
  readonly state: AllocatorState;
  readonly metrics: AllocatorMetrics;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Evaluates these pins now (any state but stopped); resolves with the decisions published. */
  evaluate(cids: readonly string[], source?: EvaluationSource): Promise<Decision[]>;
  /** One full pass over the pinset; resolves with the number of decisions. */
  scanOnce(): Promise<number>;
  /** Resolves when no peer task or scan is queued or running. */
  idle(): Promise<void>;
}

const TASK_CHUNK = 500;

export function createAllocator(options: AllocatorOptions): Allocator {
  const { config, store, producer, peers } = options;
  const ac = config.allocator;
  const logger = (options.logger ?? silentLogger()).child({ component: 'allocator' });
  const metrics = allocatorMetrics(options.registry ?? createRegistry());
  const kafka = options.kafka ?? createKafka({ config: config.kafka, logger, clientId: `${config.kafka.clientId}-allocator` });
  const origin = options.origin ?? 'allocator';
  const limit = pLimit(ac.concurrency);
  const startedAt = Date.now();

  let state: AllocatorState = 'idle';
  let consumer: Consumer | undefined;
  let unsubscribe: (() => void) | undefined;
  let scanTimer: NodeJS.Timeout | undefined;
  /** Peer tasks and scans run one after another, so a flapping peer cannot pile them up. */
  let tasks: Promise<void> = Promise.resolve();
  let pendingTasks = 0;

  const setState = (next: AllocatorState): void => {
    state = next;
    metrics.active.set(next === 'active' ? 1 : 0);
  };
  const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

  function candidates(): Candidate[] {
    return peers.livePeers().map((v) => ({ peer: v.peer, freeBytes: v.heartbeat.freeBytes }));
  }

  async function publish(decision: Decision, source: EvaluationSource): Promise<void> {
    try {
      await producer.setDesiredPlacement(decision.cid, decision.peers, { opId: decision.opId });
    } catch (err: unknown) {
      metrics.errors.inc({ stage: 'publish' });
      throw err;
    }
    metrics.decisions.inc({ cause: decision.cause });
    if (decision.cause === 'repair') metrics.reallocations.inc();
    if (decision.short) metrics.short.inc();
    const removedDown = decision.removed.filter((p) => peers.view(p)?.live !== true).length;
    if (removedDown > 0) metrics.removedPeers.inc(removedDown);
    logger.info({ cid: decision.cid, peers: decision.peers, added: decision.added, removed: decision.removed, cause: decision.cause, short: decision.short, opId: decision.opId, source }, 'placement decided');
    options.onDecision?.(decision, source);
  }

  /** Decides one pin already read (scan pages carry their placement) and publishes the decision. */
  async function decideStored(pin: StoredPin, live: readonly Candidate[], source: EvaluationSource): Promise<Decision | null> {
    metrics.evaluations.inc({ source });
    const decision = decide(pin, pin.placement, live, ac);
    if (decision !== null) await publish(decision, source);
    return decision;
  }

  async function evaluate(cids: readonly string[], source: EvaluationSource = 'event'): Promise<Decision[]> {
    if (state === 'stopped') throw new PinstateError('ILLEGAL_STATE', 'allocator stopped');
    const live = candidates();
    const out = await Promise.all(
      [...new Set(cids)].map((cid) =>
        limit(async () => {
          let pin: StoredPin;
          try {
            pin = await store.get(cid);
          } catch (err: unknown) {
            if (isPinstateError(err) && err.code === 'PIN_NOT_FOUND') return null;
            metrics.errors.inc({ stage: 'read' });
            throw err;
          }
          return decideStored(pin, live, source);
        }),
      ),
    );
    return out.filter((d): d is Decision => d !== null);
  }

  /** Queues a background job that runs only while this allocator is active. */
  function enqueue(what: string, job: () => Promise<void>): void {
    pendingTasks += 1;
    tasks = tasks
      .then(async () => {
        if (state !== 'active') return;
        await job();
      })
      .catch((err: unknown) => {
        metrics.errors.inc({ stage: 'task' });
        logger.error({ err: message(err), task: what }, 'allocator task failed; the next event, transition or scan retries');
      })
      .finally(() => {
        pendingTasks -= 1;
      });
  }

  async function recheckPeerPins(peer: string, source: EvaluationSource): Promise<void> {
    let chunk: string[] = [];
    let n = 0;
    for await (const pp of store.listByPeer(peer)) {
      if (state !== 'active') return;
      chunk.push(pp.cid);
      if (chunk.length >= TASK_CHUNK) {
        n += (await evaluate(chunk, source)).length;
        chunk = [];
      }
    }
    if (chunk.length > 0) n += (await evaluate(chunk, source)).length;
    logger.info({ peer, source, decisions: n }, 'peer pins re-checked');
  }

  function onTransition(t: PeerTransition): void {
    if (t.kind === 'down') {
      enqueue(`peer down ${t.peer}`, () => recheckPeerPins(t.peer, 'peer_down'));
      return;
    }
    // Every -1/-1 pin is on every live peer: the live peer holding the fewest pins lists them at the lowest cost.
    const others = peers.livePeers().filter((v) => v.peer !== t.peer);
    const reference = others.sort((a, b) => a.heartbeat.pinned - b.heartbeat.pinned || (a.peer < b.peer ? -1 : 1))[0];
    if (reference !== undefined) enqueue(`peer up ${t.peer}`, () => recheckPeerPins(reference.peer, 'peer_up'));
  }

  async function scanOnce(): Promise<number> {
    let n = 0;
    const live = candidates();
    for await (const page of store.listPages()) {
      if (state === 'stopping' || state === 'stopped') break;
      const decided = await Promise.all(page.map((pin) => limit(() => decideStored(pin, live, 'scan'))));
      n += decided.filter((d) => d !== null).length;
    }
    logger.info({ decisions: n }, 'pinset scan done');
    return n;
  }

  function onActivated(): void {
    // Peers that went down while no allocator was active (or before this one took over).
    for (const v of peers.snapshot()) if (!v.live) enqueue(`activation: down peer ${v.peer}`, () => recheckPeerPins(v.peer, 'activation'));
  }

  /** Applied events that can change what a pin needs. */
  function needsEvaluation(event: PinEvent, anyDown: boolean): boolean {
    if (event.outcome !== 'applied' || event.origin === origin) return false;
    if (event.kind === 'UpsertPin' || event.kind === 'SetDesiredPlacement') return true;
    // A pinned ack may let a down peer be removed; with every peer live there is nothing to remove.
    return event.kind === 'AckPlacement' && anyDown && / pinned$/.test(event.detail);
  }

  async function eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const anyDown = peers.snapshot().some((v) => !v.live);
    const cids: string[] = [];
    for (const m of batch.messages) {
      if (m.value === null) continue;
      try {
        const event = decodePinEvent(m.value);
        if (needsEvaluation(event, anyDown)) cids.push(event.cid);
      } catch (err: unknown) {
        metrics.errors.inc({ stage: 'decode' });
        logger.warn({ err: message(err), partition: batch.partition, offset: m.offset }, 'undecodable event skipped');
      }
    }
    if (cids.length > 0) {
      for (let i = 0; i < cids.length; i += TASK_CHUNK) {
        if (!payload.isRunning() || payload.isStale()) return;
        await evaluate(cids.slice(i, i + TASK_CHUNK), 'event');
        await payload.heartbeat();
      }
    }
    // Decisions are acknowledged by the broker before the offset moves: at-least-once, deduped by op id.
    const last = batch.messages[batch.messages.length - 1];
    if (last !== undefined && !payload.isStale()) {
      payload.resolveOffset(last.offset);
      await payload.commitOffsetsIfNecessary();
    }
  }

  return {
    get state() {
      return state;
    },
    metrics,
    async start() {
      if (state !== 'idle') throw new PinstateError('ILLEGAL_STATE', `cannot start an allocator that is ${state}`);
      setState('standby');
      unsubscribe = peers.onTransition(onTransition);
      consumer = kafka.consumer({
        groupId: ac.groupId,
        partitionAssigners: [soleOwnerAssigner(startedAt)],
        sessionTimeout: config.writer.sessionTimeoutMs,
        heartbeatInterval: config.writer.heartbeatIntervalMs,
        allowAutoTopicCreation: false,
      });
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        const owns = Object.values(e.payload.memberAssignment).some((p) => p.length > 0);
        const was = state;
        if (was === 'stopping' || was === 'stopped') return;
        setState(owns ? 'active' : 'standby');
        logger.info({ groupId: ac.groupId, memberId: e.payload.memberId, active: owns }, owns ? 'allocator active' : 'allocator on standby');
        if (owns && was !== 'active') onActivated();
      });
      consumer.on(consumer.events.REBALANCING, () => {
        if (state === 'active') setState('standby');
      });
      consumer.on(consumer.events.CRASH, (e) => {
        if (state === 'active') setState('standby');
        logger.error({ err: e.payload.error.message, restart: e.payload.restart }, 'allocator consumer crashed');
      });
      try {
        await consumer.connect();
        await consumer.subscribe({ topics: [config.kafka.topics.events], fromBeginning: true });
        await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
      } catch (err: unknown) {
        unsubscribe();
        await consumer.disconnect().catch(() => undefined);
        setState('stopped');
        throw err;
      }
      if (ac.scanIntervalMs > 0) {
        scanTimer = setInterval(() => {
          if (state === 'active' && pendingTasks === 0)
            enqueue('scan', async () => {
              await scanOnce();
            });
        }, ac.scanIntervalMs);
        scanTimer.unref();
      }
    },
    async stop() {
      if (state === 'stopped' || state === 'stopping') return;
      if (state === 'idle') {
        setState('stopped');
        return;
      }
      setState('stopping');
      if (scanTimer !== undefined) clearInterval(scanTimer);
      unsubscribe?.();
      try {
        await consumer?.stop();
        await consumer?.disconnect();
        await tasks;
      } finally {
        setState('stopped');
      }
    },
    evaluate,
    scanOnce,
    async idle() {
      while (pendingTasks > 0) await tasks;
    },
  };
}
