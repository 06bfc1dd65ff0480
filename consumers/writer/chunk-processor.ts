/**
 * One chunk of a partition's fetched messages through decode → dedup/plan/apply (the store) →
 * publish → commit, under the error policy of error-policy.ts. No Kafka client here: the consumer
 * side comes in as ChunkPorts, so the policy is unit-tested with fakes and kafkajs stays an
 * adapter (kafka-group.ts).
 *
 * Invariants:
 * - An offset is committed only past ops that were applied, or dead-lettered for an input reason.
 * - Fencing: a chunk carries the membership generation it was fetched under. Before every
 *   database attempt, and before the commit, `isLive(chunk)` must hold. Every write request
 *   (retries included, checked just before it is sent) also needs the membership lease: a
 *   heartbeat the coordinator answered within half the session timeout, so a member that was
 *   stalled (SIGSTOP, a long GC pause, a frozen VM) long enough to be evicted never writes with
 *   what it fetched before. When the lease is old the processor heartbeats first. A chunk whose
 *   partition was lost (or whose member rejoined since) is dropped: not written, not committed —
 *   the new owner redoes it.
 */
import type { WriterMetrics } from '../../src/metrics.js';
import type { Logger } from '../../src/log.js';
import type { CommitResult } from '../../src/store/commit.js';
import type { StoreOp } from '../../src/store/records.js';
import { PinstateError, isPinstateError } from '../../src/errors.js';
import { decodeMessage, type DeadLetter, type TopicRole } from './decode.js';
import { applyErrorAction, kafkaErrorAction } from './error-policy.js';
import { deadLetterMessage, rejectionDeadLetter, resultMessages, type OutputTopics, type TopicMessages } from './outputs.js';
import type { Backoff } from '../../src/retry.js';

export interface ChunkMessage {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
}

export interface Chunk {
  readonly topic: string;
  readonly partition: number;
  /** The membership generation the messages were fetched under. */
  readonly generation: number;
  readonly messages: readonly ChunkMessage[];
}

export interface CommitPosition {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (last processed + 1). */
  readonly offset: string;
}

/** The consumer side of the ports: what a Kafka consumer adapter provides per fetched batch. */
export interface ChunkConsumer {
  publish(messages: TopicMessages[]): Promise<void>;
  commit(position: CommitPosition): Promise<void>;
  /** Proves membership to the group coordinator; throws a rejoin-class error once it is lost. */
  heartbeat(): Promise<void>;
  /** True while the member still owns the chunk's partition under its generation and may write it. */
  isLive(chunk: Chunk): boolean;
  /** True while the coordinator confirmed the membership recently enough that it cannot have been evicted. */
  leaseHeld(): boolean;
}

/** What the processor needs from the outside world: the store's apply plus the consumer side. */
export interface ChunkPorts extends ChunkConsumer {
  /** `beforeSend` runs before every write request and throws (MEMBERSHIP_UNCONFIRMED) to stop it unsent. */
  apply(ops: readonly StoreOp[], beforeSend: () => void): Promise<CommitResult>;
}

export interface ChunkProcessorOptions {
  readonly backoff: Backoff;
  readonly metrics: WriterMetrics;
  readonly logger: Logger;
  readonly roleOf: (topic: string) => TopicRole;
  /** Partition count of a source topic (routing check). */
  readonly partitionsOf: (topic: string) => number;
  readonly dlqTopicOf: (topic: string) => string;
  readonly outputTopics: OutputTopics;
  /** false: outputs count in metrics but are not sent (replay into another keyspace). */
  readonly publishOutputs: boolean;
  /** Heartbeats while one database attempt runs (a long apply must not get the member evicted). */
  readonly heartbeatIntervalMs: number;
}

export type ChunkOutcome =
  | { readonly kind: 'committed'; readonly next: string }
  /** Not written further and not committed: the partition is no longer ours (or we are stopping). */
  | { readonly kind: 'dropped'; readonly reason: 'fenced' | 'rejoin' }
  /** The writer must stop without committing. */
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * A chunk applied and published whose offset commit was started but not awaited
 * (`processGroupAsync`): `commit` settles with `committed`, or the reason it was not.
 */
export interface PublishedOutcome {
  readonly kind: 'published';
  readonly next: string;
  readonly commit: Promise<ChunkOutcome>;
}

/** What the processor last saw of its dependencies, for ready() and /readyz. */
export interface ChunkHealth {
  readonly database: boolean;
  readonly publish: boolean;
}

type OpResult = CommitResult['results'][number];

/** What apply and publish act for: one chunk, or a group of small chunks gathered together. */
interface Unit {
  /** The first chunk's ports: apply, publish, heartbeat and the lease are the member's, not a partition's. */
  readonly ports: ChunkPorts;
  /** Every chunk of the unit is still owned under its generation. */
  live(): boolean;
  /** For logs: the first chunk's partition. */
  readonly where: { readonly topic: string; readonly partition: number };
}
type Stop = Exclude<ChunkOutcome, { kind: 'committed' }>;
const isStop = (x: unknown): x is Stop => typeof x === 'object' && x !== null && 'kind' in x;

const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

export class ChunkProcessor {
  private dbHealthy = true;
  private publishHealthy = true;

  constructor(private readonly o: ChunkProcessorOptions) {}

  health(): ChunkHealth {
    return { database: this.dbHealthy, publish: this.publishHealthy };
  }

  async process(chunk: Chunk, ports: ChunkPorts): Promise<ChunkOutcome> {
    return (await this.processGroup([{ chunk, ports }]))[0]!;
  }

  /** processGroupAsync, then each chunk's offset commit awaited. */
  async processGroup(items: ReadonlyArray<{ readonly chunk: Chunk; readonly ports: ChunkPorts }>): Promise<ChunkOutcome[]> {
    const outcomes = await this.processGroupAsync(items);
    return Promise.all(outcomes.map(async (o) => (o.kind === 'published' ? o.commit : o)));
  }

  /**
   * Several chunks (of different partitions, gathered by gatherer.ts) as one: one apply of all
   * their ops, one publish of all their outputs, then each chunk's offset commit (the adapter
   * coalesces them into one request). The rules are those of one chunk: nothing is written unless
   * every chunk of the group is still owned and the lease is held, and no offset is committed past
   * an op that was neither applied nor dead-lettered for an input reason. One outcome per item.
   *
   * Resolves once the group is applied and published: a chunk's commit is then started, never
   * before, and left in flight (`published`), so the consumer can fetch and apply the next ops
   * while the offset is being committed. A partition's commits are sent one after another in
   * the order they were started, so its committed offset only moves forward.
   */
  async processGroupAsync(items: ReadonlyArray<{ readonly chunk: Chunk; readonly ports: ChunkPorts }>): Promise<Array<ChunkOutcome | PublishedOutcome>> {
    const { metrics } = this.o;
    const outcomes: Array<ChunkOutcome | undefined> = items.map(({ chunk, ports }) => {
      if (chunk.messages.length === 0) throw new Error('empty chunk');
      return ports.isLive(chunk) ? undefined : { kind: 'dropped', reason: 'fenced' };
    });
    const live = items.filter((_, i) => outcomes[i] === undefined);
    if (live.length === 0) return outcomes as ChunkOutcome[];
    const first = live[0]!;
    const unit: Unit = { ports: first.ports, where: first.chunk, live: () => live.every(({ chunk, ports }) => ports.isLive(chunk)) };

    const ops: StoreOp[] = [];
    const raw = new Map<StoreOp, { message: ChunkMessage; chunk: Chunk }>();
    const dead: Array<{ message: ChunkMessage; chunk: Chunk; dead: DeadLetter }> = [];
    for (const { chunk } of live) {
      const role = this.o.roleOf(chunk.topic);
      const partitions = this.o.partitionsOf(chunk.topic);
      let decoded = 0;
      for (const m of chunk.messages) {
        const d = decodeMessage(role, { topic: chunk.topic, partition: chunk.partition, offset: m.offset, value: m.value }, partitions);
        if (d.ok) {
          ops.push(d.op);
          raw.set(d.op, { message: m, chunk });
          decoded++;
        } else dead.push({ message: m, chunk, dead: d.dead });
      }
      metrics.batchOps.observe(decoded);
    }

    const applied = await this.applyChunk(unit, ops);
    if (isStop(applied)) return outcomes.map((o) => o ?? applied);
    const { results } = applied;
    for (const [op, d] of applied.failed) dead.push({ ...raw.get(op)!, dead: d });

    for (const r of results) {
      const { message, chunk } = raw.get(r.op)!;
      metrics.messages.inc({ topic: chunk.topic, outcome: r.outcome });
      // A redelivered rejection re-sends its dead letter too: the first delivery may have died before publishing.
      if (r.outcome === 'rejected' || (r.outcome === 'redelivered' && r.event?.outcome === 'rejected')) dead.push({ message, chunk, dead: rejectionDeadLetter(r) });
    }
    const out = resultMessages(results, this.o.outputTopics);
    const dlq = new Map<string, TopicMessages['messages'][number][]>();
    for (const { message, chunk, dead: d } of dead) {
      metrics.dlq.inc({ topic: chunk.topic, reason: d.reason });
      if (!results.some((r) => r.op.opId === d.opId && r.outcome === 'rejected')) metrics.messages.inc({ topic: chunk.topic, outcome: 'dead_lettered' });
      this.o.logger.warn({ reason: d.reason, topic: chunk.topic, partition: chunk.partition, offset: message.offset, detail: d.message }, 'dead letter');
      const topic = this.o.dlqTopicOf(chunk.topic);
      const list = dlq.get(topic) ?? [];
      dlq.set(topic, list);
      list.push(deadLetterMessage({ topic: chunk.topic, partition: chunk.partition, offset: message.offset, value: message.value, key: message.key }, d));
    }
    for (const [topic, messages] of dlq) out.push({ topic, messages });

    const published = await this.publish(unit, out);
    if (published !== null) return outcomes.map((o) => o ?? published);

    const started = live.map(({ chunk, ports }): PublishedOutcome => {
      const next = (BigInt(chunk.messages[chunk.messages.length - 1]!.offset) + 1n).toString();
      const commit = this.commitInOrder(chunk, ports, { topic: chunk.topic, partition: chunk.partition, offset: next }).then((stop): ChunkOutcome => stop ?? { kind: 'committed', next });
      return { kind: 'published', next, commit };
    });
    let k = 0;
    return outcomes.map((o) => o ?? started[k++]!);
  }

  /** Each partition's last commit started, so the next one waits for it (settled either way). */
  private readonly commitTails = new Map<string, Promise<unknown>>();

  private commitInOrder(chunk: Chunk, ports: ChunkPorts, position: CommitPosition): Promise<Stop | null> {
    const key = `${position.topic}/${position.partition}`;
    const mine = (this.commitTails.get(key) ?? Promise.resolve()).then(() => this.commit(chunk, ports, position));
    const tail = mine.catch(() => undefined);
    this.commitTails.set(key, tail);
    void tail.then(() => {
      if (this.commitTails.get(key) === tail) this.commitTails.delete(key);
    });
    return mine;
  }

  /** The whole unit in one apply; if the database refuses it for an input reason, op by op. */
  private async applyChunk(unit: Unit, ops: StoreOp[]): Promise<Stop | { results: OpResult[]; failed: Map<StoreOp, DeadLetter> }> {
    const failed = new Map<StoreOp, DeadLetter>();
    if (ops.length === 0) return { results: [], failed };
    const whole = await this.applyWithRetry(unit, ops);
    if (isStop(whole)) return whole;
    if (whole.ok) return { results: [...whole.result.results], failed };
    this.o.logger.error({ err: errText(whole.refused), topic: unit.where.topic, partition: unit.where.partition, ops: ops.length }, 'batch refused by the database for an input reason; applying op by op');
    const results: OpResult[] = [];
    for (const op of ops) {
      const one = await this.applyWithRetry(unit, [op]);
      if (isStop(one)) return one;
      if (one.ok) results.push(...one.result.results);
      else {
        const err = one.refused;
        this.o.logger.error({ err: errText(err), opId: op.opId }, 'op refused for an input reason; dead-lettering it');
        const field = isPinstateError(err) ? (err.field ?? null) : null;
        failed.set(op, { reason: isPinstateError(err) ? err.code : 'INTERNAL', message: errText(err), field, opId: op.opId });
      }
    }
    return { results, failed };
  }

  /**
   * Applies until it works, the error is an input refusal (returned), fatal, or the chunk is no
   * longer ours. After a failed attempt the next one waits for the backoff and a heartbeat the
   * coordinator answered (outside the catch: its own errors are classified on their own).
   */
  private async applyWithRetry(unit: Unit, ops: readonly StoreOp[]): Promise<Stop | { ok: true; result: CommitResult } | { ok: false; refused: unknown }> {
    const { metrics, logger } = this.o;
    const { ports } = unit;
    const fence = (): void => {
      if (!unit.live() || !ports.leaseHeld()) throw new PinstateError('MEMBERSHIP_UNCONFIRMED', `partition ${unit.where.topic}/${unit.where.partition}: no heartbeat answered within the lease; not writing`);
    };
    for (let attempt = 0; ; attempt++) {
      if (!unit.live()) return { kind: 'dropped', reason: 'fenced' };
      const unconfirmed = await this.confirmLease(unit);
      if (unconfirmed !== null) return unconfirmed;
      const started = performance.now();
      let failure: unknown;
      try {
        const result = await this.withHeartbeats(ports, () => ports.apply(ops, fence));
        metrics.applySeconds.observe((performance.now() - started) / 1000);
        this.dbHealthy = true;
        return { ok: true, result };
      } catch (err: unknown) {
        failure = err;
      }
      // The fence stopped a write unsent: what this chunk holds may already be another member's.
      if (isPinstateError(failure) && failure.code === 'MEMBERSHIP_UNCONFIRMED') return { kind: 'dropped', reason: 'fenced' };
      const action = applyErrorAction(failure);
      if (action === 'dead-letter') return { ok: false, refused: failure };
      if (action === 'fail') {
        logger.error({ err: errText(failure), topic: unit.where.topic, partition: unit.where.partition }, 'database error that retrying cannot fix; the writer stops without committing');
        return { kind: 'failed', error: asError(failure) };
      }
      if (action === 'rejoin') return { kind: 'dropped', reason: 'rejoin' };
      this.dbHealthy = false;
      metrics.retries.inc({ kind: 'database' });
      logger.warn({ err: errText(failure), code: isPinstateError(failure) ? failure.code : 'UNCLASSIFIED', attempt, ops: ops.length }, 'database unavailable; batch paused, retrying');
      const fenced = await this.waitAndConfirm(unit, attempt);
      if (fenced !== null) return fenced;
    }
  }

  /** Heartbeats until the lease is held again (at once when it is), or the membership is gone. */
  private async confirmLease(unit: Unit): Promise<Stop | null> {
    for (let a = 0; !unit.ports.leaseHeld(); a++) {
      if (!unit.live()) return { kind: 'dropped', reason: 'fenced' };
      const answered = await this.heartbeat(unit, a);
      if (answered !== true && answered !== false) return answered;
      if (!unit.ports.leaseHeld()) await this.o.backoff.wait(a);
    }
    return null;
  }

  /** Backoff, then heartbeats until the coordinator answers (or the membership is gone). */
  private async waitAndConfirm(unit: Unit, attempt: number): Promise<Stop | null> {
    for (let a = attempt; ; a++) {
      await this.o.backoff.wait(a);
      if (!unit.live()) return { kind: 'dropped', reason: 'fenced' };
      const answered = await this.heartbeat(unit, a);
      if (answered === true) return null;
      if (answered !== false) return answered;
    }
  }

  /** One heartbeat: true when the coordinator answered, false when it could not be reached (retry), a Stop when the membership is over or the broker refused. */
  private async heartbeat(unit: Unit, attempt: number): Promise<Stop | boolean> {
    try {
      await unit.ports.heartbeat();
      return true;
    } catch (err: unknown) {
      const action = kafkaErrorAction(err);
      if (action === 'rejoin') return { kind: 'dropped', reason: 'rejoin' };
      if (action === 'fail') return { kind: 'failed', error: asError(err) };
      this.o.metrics.retries.inc({ kind: 'kafka' });
      this.o.logger.warn({ err: errText(err), attempt }, 'heartbeat failed; membership unconfirmed, not writing');
      return false;
    }
  }

  private async publish(unit: Unit, messages: TopicMessages[]): Promise<Stop | null> {
    const { ports } = unit;
    if (messages.length === 0 || !this.o.publishOutputs) return null;
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      let failure: unknown;
      try {
        await ports.publish(messages);
        this.o.metrics.publishSeconds.observe((performance.now() - started) / 1000);
        this.publishHealthy = true;
        return null;
      } catch (err: unknown) {
        failure = err;
      }
      const action = kafkaErrorAction(failure);
      if (action !== 'retry') {
        this.publishHealthy = false;
        this.o.logger.error({ err: errText(failure), topic: unit.where.topic, partition: unit.where.partition }, 'publishing outputs refused; the writer stops without committing');
        return { kind: 'failed', error: asError(failure) };
      }
      this.publishHealthy = false;
      this.o.metrics.retries.inc({ kind: 'kafka' });
      this.o.logger.warn({ err: errText(failure), attempt }, 'publishing outputs failed; retrying');
      await this.o.backoff.wait(attempt);
      if (!unit.live()) return { kind: 'dropped', reason: 'fenced' };
    }
  }

  private async commit(chunk: Chunk, ports: ChunkPorts, position: CommitPosition): Promise<Stop | null> {
    const started = performance.now();
    for (let attempt = 0; ; attempt++) {
      if (!ports.isLive(chunk)) return { kind: 'dropped', reason: 'fenced' };
      let failure: unknown;
      try {
        await ports.commit(position);
        this.o.metrics.commitSeconds.observe((performance.now() - started) / 1000);
        return null;
      } catch (err: unknown) {
        failure = err;
      }
      const action = kafkaErrorAction(failure);
      if (action === 'rejoin') return { kind: 'dropped', reason: 'rejoin' };
      if (action === 'fail') return { kind: 'failed', error: asError(failure) };
      this.o.metrics.retries.inc({ kind: 'kafka' });
      this.o.logger.warn({ err: errText(failure), attempt }, 'committing offsets failed; retrying');
      await this.o.backoff.wait(attempt);
    }
  }

  /** Keeps the membership alive during one long database attempt; errors surface at the next explicit heartbeat. */
  private async withHeartbeats<T>(ports: ChunkPorts, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void ports.heartbeat().catch(() => undefined), this.o.heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }
}
