// Property tests: whatever the bytes, decoders throw nothing but PinstateError (and return
// promptly); every valid message round-trips exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAck, encodeAck } from '../../../src/codec/ack-codec.js';
import { decodePinEvent, encodePinEvent } from '../../../src/codec/event-codec.js';
import { decodeIntent, encodeIntent } from '../../../src/codec/intent-codec.js';
import { decodePlacementChange, encodePlacementChange } from '../../../src/codec/placement-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import { fingerprintOf, singleObjectHeader } from '../../../src/codec/single-object.js';
import { PinstateError } from '../../../src/errors.js';
import { ackArb, intentArb, pinEventArb, placementChangeArb } from './arbitraries.js';

const decoders: readonly (readonly [string, (bytes: Uint8Array) => unknown])[] = [
  ['PinIntent', decodeIntent],
  ['PlacementAck', decodeAck],
  ['PlacementChange', decodePlacementChange],
  ['PinEvent', decodePinEvent],
];

/** Decodes with every decoder; fails the property if anything but a PinstateError escapes. */
function decodeAll(bytes: Uint8Array): void {
  for (const [, decode] of decoders) {
    try {
      decode(bytes);
    } catch (err: unknown) {
      if (!(err instanceof PinstateError)) throw new Error(`non-PinstateError from ${Buffer.from(bytes).toString('hex')}`, { cause: err });
    }
  }
  fingerprintOf(bytes);
}

const headers = releasedRegistry.families.map((f) => singleObjectHeader(f.reader.fingerprint));

/** Valid encodings of every message type, to mutate. */
const validBytesArb: fc.Arbitrary<Buffer> = fc.oneof(intentArb.map(encodeIntent), ackArb.map(encodeAck), placementChangeArb.map(encodePlacementChange), pinEventArb.map(encodePinEvent));

describe('decoding arbitrary bytes', () => {
  it('throws only PinstateError for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => decodeAll(bytes)), { numRuns: 3000 });
  });

  it('throws only PinstateError for random bodies behind a valid header', () => {
    fc.assert(
      fc.property(fc.constantFrom(...headers), fc.uint8Array({ maxLength: 300 }), (header, body) => decodeAll(Buffer.concat([header, body]))),
      { numRuns: 5000 },
    );
  });

  it('throws only PinstateError for mutated valid messages', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(validBytesArb, mutation, fc.nat(), fc.uint8Array({ maxLength: 8 }), (valid, edits, cut, tail) => {
        const bytes = Buffer.from(valid);
        for (const [at, value] of edits) bytes[10 + (at % Math.max(1, bytes.length - 10))] = value;
        decodeAll(bytes);
        decodeAll(bytes.subarray(0, cut % (bytes.length + 1)));
        decodeAll(Buffer.concat([bytes, tail]));
      }),
      { numRuns: 1500 },
    );
  });
});

describe('round trips', () => {
  it('PinIntent', () => {
    fc.assert(fc.property(intentArb, (intent) => {
          expect(decodeIntent(encodeIntent(intent))).toEqual(intent);
        }), { numRuns: 300 });
  });
  it('PlacementAck', () => {
    fc.assert(fc.property(ackArb, (ack) => {
          expect(decodeAck(encodeAck(ack))).toEqual(ack);
        }), { numRuns: 200 });
  });
  it('PlacementChange', () => {
    fc.assert(fc.property(placementChangeArb, (change) => {
          expect(decodePlacementChange(encodePlacementChange(change))).toEqual(change);
        }), { numRuns: 200 });
  });
  it('PinEvent', () => {
    fc.assert(fc.property(pinEventArb, (event) => {
          expect(decodePinEvent(encodePinEvent(event))).toEqual(event);
        }), { numRuns: 200 });
  });
});
