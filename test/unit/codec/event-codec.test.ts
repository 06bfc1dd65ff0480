import { describe, expect, it } from 'vitest';
import { decodePinEvent, encodePinEvent } from '../../../src/codec/event-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import type { PinEvent } from '../../../src/domain/messages.js';
import { EVENT_KINDS, EVENT_OUTCOMES } from '../../../src/domain/messages.js';
import { expectPinstateError } from './expect-error.js';
import { eventFull, eventRejected } from './samples.js';

const family = releasedRegistry.family('PinEvent');
const raw = (over: Record<string, unknown>): Buffer =>
  family.encode({ op_id: 'o', ts: 1, cid: 'c', kind: 'DeletePin', outcome: 'applied', reason: null, detail: '', origin: '', source: null, ...over });

describe('pin event codec', () => {
  it.each([
    ['an applied op with its Kafka position', eventFull],
    ['a rejected op recorded as received (empty op_id, invalid cid, no source)', eventRejected],
  ] as const)('round-trips %s', (_name, event) => {
    expect(decodePinEvent(encodePinEvent(event))).toEqual(event);
  });

  it.each(EVENT_KINDS.flatMap((kind) => EVENT_OUTCOMES.map((outcome) => [kind, outcome] as const)))('round-trips kind %s, outcome %s', (kind, outcome) => {
    expect(decodePinEvent(encodePinEvent({ ...eventFull, kind, outcome }))).toMatchObject({ kind, outcome });
  });

  it('rejects the UNKNOWN kind and outcome, a negative ts, and a bad source position', () => {
    expectPinstateError(() => decodePinEvent(raw({ kind: 'UNKNOWN' })), 'INVALID_FIELD', 'kind');
    expectPinstateError(() => decodePinEvent(raw({ outcome: 'UNKNOWN' })), 'INVALID_FIELD', 'outcome');
    expectPinstateError(() => decodePinEvent(raw({ ts: -1 })), 'INVALID_FIELD', 'ts');
    expectPinstateError(() => decodePinEvent(raw({ source: { topic: 't', partition: -1, offset: '0' } })), 'INVALID_FIELD', 'source.partition');
    expectPinstateError(() => decodePinEvent(raw({ source: { topic: 't', partition: 0, offset: '-1' } })), 'INVALID_FIELD', 'source.offset');
    expectPinstateError(() => decodePinEvent(raw({ source: { topic: 't', partition: 0, offset: '01' } })), 'INVALID_FIELD', 'source.offset');
  });

  it('refuses to encode an unknown kind or outcome', () => {
    expectPinstateError(() => encodePinEvent({ ...eventFull, kind: 'UNKNOWN' } as unknown as PinEvent), 'INVALID_FIELD', 'kind');
    expectPinstateError(() => encodePinEvent({ ...eventFull, outcome: 'maybe' } as unknown as PinEvent), 'INVALID_FIELD', 'outcome');
  });
});
