/**
 * `pins.events` values: PinEvent ⇄ io.pinstate.v1.PinEvent. Events record rejected ops as they
 * arrived, so op_id and cid are not validated here; kind, outcome, ts and source are.
 */
import { ValidationError } from '../errors.js';
import { EVENT_KINDS, EVENT_OUTCOMES } from '../domain/messages.js';
import type { EventKind, EventOutcome, PinEvent, SourcePosition } from '../domain/messages.js';
import { defineCodec } from './message-codec.js';
import type { MessageCodec } from './message-codec.js';
import { releasedRegistry } from './released-schemas.js';
import type { MessageFamily } from './schema-registry.js';
import { checkSymbol, checkTimestamp } from './wire-checks.js';

interface AvroSourcePosition {
  topic: string;
  partition: number;
  offset: string;
}
interface AvroPinEvent {
  op_id: string;
  ts: number;
  cid: string;
  kind: string;
  outcome: string;
  reason: string | null;
  detail: string;
  origin: string;
  source: AvroSourcePosition | null;
}

const KINDS: ReadonlySet<string> = new Set(EVENT_KINDS);
const OUTCOMES: ReadonlySet<string> = new Set(EVENT_OUTCOMES);
/** Kafka offsets: non-negative 64-bit integers, in decimal. */
const OFFSET = /^(0|[1-9][0-9]{0,18})$/;

function toAvro(event: PinEvent): AvroPinEvent {
  const source = event.source;
  return {
    op_id: event.opId,
    ts: event.ts,
    cid: event.cid,
    kind: checkSymbol<EventKind>(event.kind, KINDS, 'kind'),
    outcome: checkSymbol<EventOutcome>(event.outcome, OUTCOMES, 'outcome'),
    reason: event.reason,
    detail: event.detail,
    origin: event.origin,
    source: source === null ? null : { topic: source.topic, partition: source.partition, offset: source.offset },
  };
}

function sourceFromAvro(s: AvroSourcePosition): SourcePosition {
  if (s.partition < 0) throw new ValidationError('INVALID_FIELD', 'source.partition', 'must be 0 or more');
  if (!OFFSET.test(s.offset)) throw new ValidationError('INVALID_FIELD', 'source.offset', 'must be a non-negative decimal integer');
  return { topic: s.topic, partition: s.partition, offset: s.offset };
}

function fromAvro(raw: AvroPinEvent): PinEvent {
  return {
    opId: raw.op_id,
    ts: checkTimestamp(raw.ts, 'ts'),
    cid: raw.cid,
    kind: checkSymbol<EventKind>(raw.kind, KINDS, 'kind'),
    outcome: checkSymbol<EventOutcome>(raw.outcome, OUTCOMES, 'outcome'),
    reason: raw.reason,
    detail: raw.detail,
    origin: raw.origin,
    source: raw.source === null ? null : sourceFromAvro(raw.source),
  };
}

/** A PinEvent codec over `family`. */
export function createPinEventCodec(family: MessageFamily): MessageCodec<PinEvent> {
  return defineCodec(family, 'PinEvent', toAvro, fromAvro);
}

const events = createPinEventCodec(releasedRegistry.family('PinEvent'));

/** Encodes a `pins.events` value. Throws ValidationError for an unknown kind or outcome or a value that does not fit the schema. */
export function encodePinEvent(event: PinEvent): Buffer {
  return events.encode(event);
}

/** Decodes a `pins.events` value; checks kind, outcome, ts and source. Throws only PinstateError. */
export function decodePinEvent(bytes: Uint8Array): PinEvent {
  return events.decode(bytes);
}
