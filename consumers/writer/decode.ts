/**
 * Kafka message → store op, or a dead letter with a reason code. Pure: no I/O, never throws.
 * Besides decoding and validation it checks routing: a message must sit on the partition its
 * CID's mh_prefix key maps to, because that partition's owner is the only writer of the CID.
 */
import { decodeAck, decodeIntent } from '../../src/codec/index.js';
import { parseCid } from '../../src/domain/cid.js';
import type { SourcePosition } from '../../src/domain/messages.js';
import { mhPrefixKey } from '../../src/domain/mh-prefix.js';
import { prefixPartition } from '../../src/domain/partition.js';
import { isPinstateError, type ErrorCode } from '../../src/errors.js';
import type { StoreOp, StoreOpBody } from '../../src/store/records.js';

export type TopicRole = 'intents' | 'acks';

export interface DeadLetter {
  readonly reason: ErrorCode;
  readonly message: string;
  readonly field: string | null;
  readonly opId: string | null;
}

export type Decoded = { readonly ok: true; readonly op: StoreOp } | { readonly ok: false; readonly dead: DeadLetter };

export interface RawMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly value: Buffer | null;
}

function dead(reason: ErrorCode, message: string, field: string | null = null, opId: string | null = null): Decoded {
  return { ok: false, dead: { reason, message, field, opId } };
}

function fromError(err: unknown): Decoded {
  if (isPinstateError(err)) return dead(err.code, err.message, err.field ?? null);
  return dead('UNDECODABLE', err instanceof Error ? err.message : String(err));
}

function toOp(role: TopicRole, value: Buffer, source: SourcePosition): StoreOp {
  if (role === 'acks') {
    const ack = decodeAck(value);
    return { opId: ack.opId, ts: ack.ts, origin: ack.peer, source, body: { kind: 'AckPlacement', cid: ack.cid, peer: ack.peer, state: ack.state, error: ack.error } };
  }
  const intent = decodeIntent(value);
  const b = intent.body;
  let body: StoreOpBody;
  if (b.kind === 'UpsertPin') body = { kind: 'UpsertPin', spec: b.spec };
  else if (b.kind === 'DeletePin') body = b.expiredAt === undefined || b.expiredAt === null ? { kind: 'DeletePin', cid: b.cid } : { kind: 'DeletePin', cid: b.cid, expiredAt: b.expiredAt };
  else body = { kind: 'SetDesiredPlacement', cid: b.cid, peers: b.peers };
  return { opId: intent.opId, ts: intent.ts, origin: intent.origin, source, body };
}

/** Decodes one message; `partitions` is the source topic's partition count (routing check). */
export function decodeMessage(role: TopicRole, message: RawMessage, partitions: number): Decoded {
  if (message.value === null || message.value.length === 0) return dead('UNDECODABLE', 'empty message value', 'value');
  let op: StoreOp;
  try {
    op = toOp(role, message.value, { topic: message.topic, partition: message.partition, offset: message.offset });
  } catch (err: unknown) {
    return fromError(err);
  }
  const cid = op.body.kind === 'UpsertPin' ? op.body.spec.cid : op.body.cid;
  const { mhPrefix } = parseCid(cid);
  const expected = prefixPartition(mhPrefix, partitions);
  if (expected !== message.partition) {
    return dead('MISROUTED', `CID ${cid} belongs on partition ${expected} (key ${mhPrefixKey(mhPrefix)}), not ${message.partition}`, 'key', op.opId);
  }
  return { ok: true, op };
}
