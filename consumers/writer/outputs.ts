/** Commit results and dead letters → the Kafka messages the writer publishes. Pure. */
import { encodePinEvent, encodePlacementChange } from '../../src/codec/index.js';
import { parseCid } from '../../src/domain/cid.js';
import { mhPrefixKey } from '../../src/domain/mh-prefix.js';
import type { OpResult } from '../../src/store/records.js';
import type { DeadLetter, RawMessage } from './decode.js';

export interface OutMessage {
  readonly key: string | Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: Record<string, string>;
}

export interface TopicMessages {
  readonly topic: string;
  readonly messages: OutMessage[];
}

export interface OutputTopics {
  readonly events: string;
  readonly placements: string;
}

/** Header names on dead-letter records. */
export const DLQ_HEADERS = {
  reason: 'pinstate.reason',
  message: 'pinstate.message',
  field: 'pinstate.field',
  topic: 'pinstate.source.topic',
  partition: 'pinstate.source.partition',
  offset: 'pinstate.source.offset',
  opId: 'pinstate.op_id',
} as const;

export function deadLetterMessage(source: RawMessage & { key: Buffer | null }, dead: DeadLetter): OutMessage {
  const headers: Record<string, string> = {
    [DLQ_HEADERS.reason]: dead.reason,
    [DLQ_HEADERS.message]: dead.message.slice(0, 1000),
    [DLQ_HEADERS.topic]: source.topic,
    [DLQ_HEADERS.partition]: String(source.partition),
    [DLQ_HEADERS.offset]: source.offset,
  };
  if (dead.field) headers[DLQ_HEADERS.field] = dead.field;
  if (dead.opId) headers[DLQ_HEADERS.opId] = dead.opId;
  return { key: source.key, value: source.value, headers };
}

/** Events for applied, rejected and redelivered ops; placement changes for applied and redelivered ones. */
export function resultMessages(results: readonly OpResult[], topics: OutputTopics): TopicMessages[] {
  const events: OutMessage[] = [];
  const placements: OutMessage[] = [];
  for (const r of results) {
    if (r.outcome === 'duplicate' || !r.event) continue;
    events.push({ key: mhPrefixKey(parseCid(r.event.cid).mhPrefix), value: encodePinEvent(r.event) });
    for (const change of r.placementChanges) placements.push({ key: change.peer, value: encodePlacementChange(change) });
  }
  const out: TopicMessages[] = [];
  if (events.length > 0) out.push({ topic: topics.events, messages: events });
  if (placements.length > 0) out.push({ topic: topics.placements, messages: placements });
  return out;
}

/** A rejected op's dead letter: the reason from the store's rules. */
export function rejectionDeadLetter(result: OpResult): DeadLetter {
  const reason = result.reason ?? result.event?.reason ?? 'INTERNAL';
  const message = result.message ?? result.event?.detail ?? 'rejected';
  return { reason: reason as DeadLetter['reason'], message, field: null, opId: result.op.opId };
}
