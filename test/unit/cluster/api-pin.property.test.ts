// Round trip: every pin IPFS Cluster can hold (times at second precision) survives
// ClusterPin → api.Pin JSON → ClusterPin unchanged, and the export line is a fixed point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CID } from 'multiformats/cid';
import { base58btc } from 'multiformats/bases/base58';
import * as Digest from 'multiformats/hashes/digest';
import { formatApiPinLine, parseApiPin, toApiPin, type ClusterPin } from '../../../src/cluster/api-pin.js';
import { validatePeers, validatePinSpec, type PinType } from '../../../src/domain/pin.js';

const SHA2_256 = 0x12;
const IDENTITY = 0x00;

const cidArb = fc
  .record({ v1: fc.boolean(), raw: fc.boolean(), digest: fc.uint8Array({ minLength: 32, maxLength: 32 }) })
  .map(({ v1, raw, digest }) => {
    const mh = Digest.create(SHA2_256, digest);
    return (v1 ? CID.createV1(raw ? 0x55 : 0x70, mh) : CID.createV0(mh)).toString();
  });

/** Ed25519 peer ids (identity multihash of the protobuf public key: `12D3KooW…`) and RSA-style sha2-256 ones (`Qm…`). */
const peerArb = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => base58btc.baseEncode(Digest.create(IDENTITY, Uint8Array.from([0x08, 0x01, 0x12, 0x20, ...key])).bytes)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((d) => base58btc.baseEncode(Digest.create(SHA2_256, d).bytes)),
);

/** Whole seconds from 1970-01-01T00:00:01Z to 9999-12-31T23:59:59Z, in ms; or none. */
const timeArb = fc.option(fc.integer({ min: 1, max: 253402300799 }).map((s) => s * 1000), { nil: null });

const replicationArb = fc.oneof(
  fc.constant([-1, -1] as const),
  fc.tuple(fc.integer({ min: 0, max: 1024 }), fc.integer({ min: 0, max: 1024 })).map(([a, b]) => (a > 0 && b > 0 && a > b ? ([b, a] as const) : ([a, b] as const))),
);

/** Type, depth and reference together, as checkPinType requires. */
const shapeArb = fc.oneof(
  fc.record({ pinType: fc.constant<PinType>('pin'), maxDepth: fc.integer({ min: -1, max: 10 }), reference: fc.constant(null) }),
  fc.record({ pinType: fc.constant<PinType>('meta-pin'), maxDepth: fc.constantFrom(0, -1), reference: cidArb }),
  fc.record({ pinType: fc.constant<PinType>('clusterdag-pin'), maxDepth: fc.constant(0), reference: cidArb }),
  fc.record({ pinType: fc.constant<PinType>('shard-pin'), maxDepth: fc.constant(1), reference: fc.option(cidArb, { nil: null }) }),
);

const textArb = (maxLength: number) => fc.string({ unit: 'grapheme', maxLength });
const metadataArb = fc.dictionary(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
  textArb(20),
  { maxKeys: 6 },
);

const clusterPinArb: fc.Arbitrary<ClusterPin> = fc
  .record({
    cid: cidArb,
    shape: shapeArb,
    replication: replicationArb,
    name: textArb(40),
    metadata: metadataArb,
    expireAt: timeArb,
    timestamp: timeArb,
    shardSize: fc.maxSafeNat(),
    pinUpdate: fc.option(cidArb, { nil: null }),
    origins: fc.array(peerArb.map((p) => `/ip4/198.51.100.7/tcp/4001/p2p/${p}`), { maxLength: 3 }),
    allocations: fc.array(peerArb, { maxLength: 6 }),
    userAllocations: fc.array(peerArb, { maxLength: 3 }),
  })
  .map((r) => ({
    spec: validatePinSpec({
      cid: r.cid,
      ...r.shape,
      replicationFactorMin: r.replication[0],
      replicationFactorMax: r.replication[1],
      name: r.name,
      metadata: r.metadata,
      expireAt: r.expireAt,
      timestamp: r.timestamp,
      shardSize: r.shardSize,
      pinUpdate: r.pinUpdate,
      origins: r.origins,
    }),
    allocations: validatePeers(r.allocations),
    userAllocations: validatePeers(r.userAllocations),
  }));

describe('api.Pin round trip (property)', () => {
  it('parseApiPin(toApiPin(x)) equals x', () => {
    fc.assert(
      fc.property(clusterPinArb, (pin) => {
        expect(parseApiPin(toApiPin(pin))).toEqual(pin);
      }),
      { numRuns: 300 },
    );
  });

  it('the export line parses back to x and is a fixed point', () => {
    fc.assert(
      fc.property(clusterPinArb, (pin) => {
        const line = formatApiPinLine(pin);
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const back = parseApiPin(JSON.parse(line));
        expect(back).toEqual(pin);
        expect(formatApiPinLine(back)).toBe(line);
      }),
      { numRuns: 300 },
    );
  });
});
