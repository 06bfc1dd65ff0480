// fast-check arbitraries for valid wire messages, shared by the codec property tests. Specs go
// through validatePinSpec, so they are exactly what a decoder returns (canonical CIDs, sorted tags).
import fc from 'fast-check';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { EVENT_KINDS, EVENT_OUTCOMES } from '../../../src/domain/messages.js';
import type { PinEvent, PinIntent, PlacementAck, PlacementChange } from '../../../src/domain/messages.js';
import { LIMITS, PIN_TYPES, validatePinSpec } from '../../../src/domain/pin.js';
import type { PinSpec, PinSpecInput } from '../../../src/domain/pin.js';
import { PLACEMENT_STATES } from '../../../src/domain/placement-state.js';

const ALNUM = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'];

/** Canonical CID text: CIDv0 (base58btc) or CIDv1 (base32) over sha2-256 / sha2-512 digests. */
export const cidArb: fc.Arbitrary<string> = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => CID.createV0(createDigest(0x12, d)).toString()),
  fc
    .tuple(fc.constantFrom(0x55, 0x70, 0x71), fc.constantFrom(0x12, 0x13), fc.uint8Array({ minLength: 32, maxLength: 64 }))
    .map(([codec, hash, d]) => CID.createV1(codec, createDigest(hash, d)).toString()),
);

export const peerArb: fc.Arbitrary<string> = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: LIMITS.peerIdBytes });
export const opIdArb: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 128 });
/** avsc writes longs up to ±(2^53 - 2), one short of Number.MAX_SAFE_INTEGER. */
export const MAX_LONG = 9_007_199_254_740_990;
export const tsArb: fc.Arbitrary<number> = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 45 }), fc.constant(MAX_LONG));
/** Well-formed Unicode (lone surrogates cannot survive UTF-8, on any Avro implementation). */
const text = (maxLength: number): fc.Arbitrary<string> => fc.string({ unit: 'grapheme', maxLength });
const timeArb = fc.option(fc.integer({ min: 1, max: MAX_LONG }), { nil: null });

const replicationArb = fc.oneof(
  fc.constant([-1, -1] as const),
  fc.constant([0, 0] as const),
  fc.tuple(fc.integer({ min: 0, max: LIMITS.replicationFactor }), fc.integer({ min: 0, max: LIMITS.replicationFactor })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const),
);

export const specArb: fc.Arbitrary<PinSpec> = fc
  .record({
    cid: cidArb,
    owner: text(16),
    pinType: fc.constantFrom(...PIN_TYPES),
    maxDepth: fc.integer({ min: -1, max: 1_000_000 }),
    replication: replicationArb,
    name: text(40),
    tags: fc.array(text(12), { maxLength: LIMITS.tags }),
    metadata: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), text(24), { maxKeys: 12 }),
    expireAt: timeArb,
    shardSize: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: MAX_LONG })),
    reference: fc.option(cidArb, { nil: null }),
    pinUpdate: fc.option(cidArb, { nil: null }),
    origins: fc.array(peerArb.map((p) => `/ip4/10.0.0.1/tcp/4001/p2p/${p}`), { maxLength: LIMITS.origins }),
    timestamp: timeArb,
  })
  .map(({ replication, ...rest }): PinSpecInput => ({ ...rest, replicationFactorMin: replication[0], replicationFactorMax: replication[1] }))
  .filter((input) => {
    try {
      validatePinSpec(input);
      return true;
    } catch {
      return false; // over a byte limit with wide graphemes: not a valid spec
    }
  })
  .map((input) => validatePinSpec(input));

export const intentArb: fc.Arbitrary<PinIntent> = fc.record({
  opId: opIdArb,
  ts: tsArb,
  origin: fc.string({ maxLength: 40 }),
  body: fc.oneof(
    specArb.map((spec) => ({ kind: 'UpsertPin' as const, spec })),
    fc
      .tuple(cidArb, fc.option(fc.integer({ min: 0, max: MAX_LONG }), { nil: null }))
      .map(([cid, expiredAt]) => (expiredAt === null ? { kind: 'DeletePin' as const, cid } : { kind: 'DeletePin' as const, cid, expiredAt })),
    fc
      .record({ cid: cidArb, peers: fc.uniqueArray(peerArb, { maxLength: LIMITS.peersPerPin }) })
      .map(({ cid, peers }) => ({ kind: 'SetDesiredPlacement' as const, cid, peers: [...peers].sort() })),
  ),
});

export const ackArb: fc.Arbitrary<PlacementAck> = fc.record({
  opId: opIdArb,
  ts: tsArb,
  cid: cidArb,
  peer: peerArb,
  state: fc.constantFrom(...PLACEMENT_STATES),
  error: fc.option(fc.string({ maxLength: 60 }), { nil: null }),
});

export const placementChangeArb: fc.Arbitrary<PlacementChange> = fc.record({
  cid: cidArb,
  peer: peerArb,
  desired: fc.boolean(),
  state: fc.constantFrom(...PLACEMENT_STATES),
  opId: opIdArb,
  ts: tsArb,
});

export const pinEventArb: fc.Arbitrary<PinEvent> = fc.record({
  opId: fc.string({ maxLength: 40 }),
  ts: tsArb,
  cid: fc.oneof(cidArb, fc.string({ maxLength: 20 })),
  kind: fc.constantFrom(...EVENT_KINDS),
  outcome: fc.constantFrom(...EVENT_OUTCOMES),
  reason: fc.option(fc.constantFrom('INVALID_CID', 'MISSING_FIELD'), { nil: null }),
  detail: text(60),
  origin: fc.string({ maxLength: 40 }),
  source: fc.option(
    fc.record({
      topic: fc.constantFrom('pins.intents', 'pins.acks'),
      partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      offset: fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }).map(String),
    }),
    { nil: null },
  ),
});
