/**
 * Where the TTL sweeper's Expire ops go. Through Kafka by default (DeletePin intents carrying
 * `expiredAt`, so the writer applies them in order with every other op on the CID), or straight
 * into the store (`--direct`: for a keyspace no writer is serving).
 */
import type { PinProducer } from '../../producers/index.js';
import type { PinIntent } from '../domain/messages.js';
import { PinstateError } from '../errors.js';
import type { StoreOp } from '../store/records.js';
import type { PinStore } from '../store/store.js';

/** An Expire op as the intent the producer SDK publishes (op id, ts and origin kept). */
export function expireIntent(op: StoreOp): PinIntent {
  if (op.body.kind !== 'DeletePin') throw new PinstateError('INTERNAL', `the TTL sweeper produced a ${op.body.kind} op`);
  return { opId: op.opId, ts: op.ts, origin: op.origin, body: { kind: 'DeletePin', cid: op.body.cid, expiredAt: op.body.expiredAt ?? null } };
}

export function intentSink(producer: Pick<PinProducer, 'publishIntents'>): (ops: StoreOp[]) => Promise<void> {
  return async (ops) => {
    await producer.publishIntents(ops.map(expireIntent));
  };
}

export function storeSink(store: Pick<PinStore, 'apply'>): (ops: StoreOp[]) => Promise<void> {
  return async (ops) => {
    await store.apply(ops);
  };
}
