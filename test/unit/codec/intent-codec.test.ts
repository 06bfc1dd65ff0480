import { base58btc } from 'multiformats/bases/base58';
import { CID } from 'multiformats/cid';
import { describe, expect, it } from 'vitest';
import { decodeAck, encodeAck } from '../../../src/codec/ack-codec.js';
import { decodeIntent, encodeIntent } from '../../../src/codec/intent-codec.js';
import { releasedRegistry } from '../../../src/codec/released-schemas.js';
import { ValidationError } from '../../../src/errors.js';
import type { PinIntent } from '../../../src/domain/messages.js';
import { LIMITS } from '../../../src/domain/pin.js';
import { expectPinstateError } from './expect-error.js';
import { CID_V0, CID_V1, PEER_A, PEER_B, TS, ackFull, deleteIntent, expireIntent, placeEmpty, placeIntent, upsertFull, upsertMinimal } from './samples.js';

const family = releasedRegistry.family('PinIntent');

/** An io.pinstate.v1.PinIntent Avro value with every UpsertPin field at its default, then `upsert` over it. */
function rawUpsert(upsert: Record<string, unknown>, envelope: Record<string, unknown> = {}): Buffer {
  return family.encode({
    op_id: 'op',
    ts: TS,
    origin: 'test',
    ...envelope,
    op: {
      'io.pinstate.v1.UpsertPin': {
        cid: CID_V0,
        owner: '',
        pin_type: 'pin',
        max_depth: -1,
        replication_factor_min: 0,
        replication_factor_max: 0,
        name: '',
        tags: [],
        metadata: {},
        expire_at: null,
        shard_size: 0,
        reference: null,
        pin_update: null,
        origins: [],
        timestamp: null,
        ...upsert,
      },
    },
  });
}

describe('intent codec round trips', () => {
  it.each([
    ['UpsertPin with every field set', upsertFull],
    ['UpsertPin with only a CID', upsertMinimal],
    ['DeletePin', deleteIntent],
    ['DeletePin guarded by expired_at (TTL sweeper)', expireIntent],
    ['SetDesiredPlacement', placeIntent],
    ['SetDesiredPlacement to no peers', placeEmpty],
  ] as const)('%s', (_name, intent) => {
    expect(decodeIntent(encodeIntent(intent))).toEqual(intent);
  });

  it('writes the single-object header of PinIntent.v1', () => {
    const bytes = encodeIntent(deleteIntent);
    expect(bytes.subarray(0, 2).toString('hex')).toBe('c301');
    expect(bytes.subarray(2, 10).toString('hex')).toBe(family.reader.fingerprintHex);
  });

  it('canonicalizes what it decodes: CIDv1 in base32, peers sorted and distinct, tags sorted', () => {
    const base58v1 = CID.parse(CID_V1).toString(base58btc);
    expect(base58v1.startsWith('z')).toBe(true);
    const bytes = family.encode({ op_id: 'o', ts: 1, origin: '', op: { 'io.pinstate.v1.SetDesiredPlacement': { cid: base58v1, peers: [PEER_B, PEER_A, PEER_B] } } });
    const decoded = decodeIntent(bytes);
    expect(decoded.body).toEqual({ kind: 'SetDesiredPlacement', cid: CID_V1, peers: [PEER_A, PEER_B] });
    const upsert = decodeIntent(rawUpsert({ tags: ['z', 'a', 'z'], pin_type: 'shard_pin', max_depth: 1, expire_at: 0 }));
    expect(upsert.body).toMatchObject({ kind: 'UpsertPin', spec: { tags: ['a', 'z'], pinType: 'shard-pin', expireAt: null } });
  });
});

describe('intent codec validation', () => {
  it('rejects an empty op_id as MISSING_FIELD', () => {
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, opId: '' })), 'MISSING_FIELD', 'op_id');
  });

  it('rejects an op_id over 128 characters as OVERSIZED_VALUE', () => {
    expect(decodeIntent(encodeIntent({ ...deleteIntent, opId: 'x'.repeat(128) })).opId).toHaveLength(128);
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, opId: 'x'.repeat(129) })), 'OVERSIZED_VALUE', 'op_id');
  });

  it('rejects a negative ts or expired_at', () => {
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, ts: -1 })), 'INVALID_FIELD', 'ts');
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, body: { kind: 'DeletePin', cid: CID_V0, expiredAt: -1 } })), 'INVALID_FIELD', 'expired_at');
  });

  it('treats an expiredAt of null like none: an unconditional delete', () => {
    expect(decodeIntent(encodeIntent({ ...deleteIntent, body: { kind: 'DeletePin', cid: CID_V0, expiredAt: null } }))).toEqual(deleteIntent);
  });

  it('keeps a "__proto__" metadata key as data', () => {
    const decoded = decodeIntent(encodeIntent(upsertFull));
    const metadata = decoded.body.kind === 'UpsertPin' ? decoded.body.spec.metadata : {};
    expect(Object.keys(metadata)).toContain('__proto__');
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it('rejects an oversized origin', () => {
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, origin: 'é'.repeat(129) })), 'OVERSIZED_VALUE', 'origin');
  });

  it('rejects invalid CIDs in every op with INVALID_CID', () => {
    expectPinstateError(() => decodeIntent(rawUpsert({ cid: 'QmNotACid' })), 'INVALID_CID', 'cid');
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, body: { kind: 'DeletePin', cid: '' } })), 'INVALID_CID', 'cid');
    expectPinstateError(() => decodeIntent(encodeIntent({ ...placeIntent, body: { kind: 'SetDesiredPlacement', cid: 'bafy', peers: [] } })), 'INVALID_CID', 'cid');
    expectPinstateError(() => decodeIntent(rawUpsert({ reference: 'nope' })), 'INVALID_CID', 'reference');
  });

  it('rejects an unsupported hash as UNSUPPORTED_HASH', () => {
    // CIDv1 raw with an identity multihash.
    expectPinstateError(() => decodeIntent(encodeIntent({ ...deleteIntent, body: { kind: 'DeletePin', cid: 'bafkqaaa' } })), 'UNSUPPORTED_HASH', 'cid');
  });

  it('rejects bad replication factors with the pin validator error', () => {
    const err = expectPinstateError(() => decodeIntent(rawUpsert({ replication_factor_min: 3, replication_factor_max: 2 })), 'INVALID_REPLICATION', 'replicationFactorMin');
    expect(err).toBeInstanceOf(ValidationError);
    expectPinstateError(() => decodeIntent(rawUpsert({ replication_factor_min: -1, replication_factor_max: 2 })), 'INVALID_REPLICATION');
  });

  it('rejects oversized metadata, names and tag lists', () => {
    const metadata = Object.fromEntries(Array.from({ length: LIMITS.metadataEntries + 1 }, (_, i) => [`k${i}`, 'v']));
    expectPinstateError(() => decodeIntent(rawUpsert({ metadata })), 'OVERSIZED_VALUE', 'metadata');
    expectPinstateError(() => decodeIntent(rawUpsert({ metadata: { big: 'x'.repeat(LIMITS.metadataTotalBytes) } })), 'OVERSIZED_VALUE', 'metadata');
    expectPinstateError(() => decodeIntent(rawUpsert({ name: 'n'.repeat(LIMITS.nameBytes + 1) })), 'OVERSIZED_VALUE', 'name');
    expectPinstateError(() => decodeIntent(rawUpsert({ tags: Array.from({ length: LIMITS.tags + 1 }, (_, i) => `t${i}`) })), 'OVERSIZED_VALUE', 'tags');
  });

  it('rejects a bad origin multiaddr and a direct pin with depth', () => {
    expectPinstateError(() => decodeIntent(rawUpsert({ origins: ['/ip4/1.2.3.4'] })), 'INVALID_FIELD', 'origins[0]');
    expectPinstateError(() => decodeIntent(rawUpsert({ max_depth: -2 })), 'INVALID_FIELD', 'maxDepth');
  });

  it('rejects the UNKNOWN pin type (what an older reader sees for a newer symbol)', () => {
    expectPinstateError(() => decodeIntent(rawUpsert({ pin_type: 'UNKNOWN' })), 'INVALID_FIELD', 'pinType');
  });

  it('rejects bad peers and too many peers', () => {
    expectPinstateError(() => decodeIntent(encodeIntent({ ...placeIntent, body: { kind: 'SetDesiredPlacement', cid: CID_V1, peers: ['not a peer'] } })), 'INVALID_PEER', 'peers[0]');
    expectPinstateError(() => decodeIntent(encodeIntent({ ...placeIntent, body: { kind: 'SetDesiredPlacement', cid: CID_V1, peers: [''] } })), 'INVALID_PEER', 'peers[0]');
    const many = Array.from({ length: LIMITS.peersPerPin + 1 }, (_, i) => `peer${i}`);
    expectPinstateError(() => decodeIntent(encodeIntent({ ...placeIntent, body: { kind: 'SetDesiredPlacement', cid: CID_V1, peers: many } })), 'OVERSIZED_VALUE', 'peers');
  });

  it('rejects a PlacementAck given to the intent decoder as WRONG_SCHEMA, and the reverse', () => {
    const err = expectPinstateError(() => decodeIntent(encodeAck(ackFull)), 'WRONG_SCHEMA');
    expect(err.details).toMatchObject({ family: 'PinIntent', actualFamily: 'PlacementAck' });
    expectPinstateError(() => decodeAck(encodeIntent(deleteIntent)), 'WRONG_SCHEMA');
  });
});

describe('intent encoding', () => {
  it('names the Avro path of a value that does not fit the schema', () => {
    const bad = { ...upsertFull, body: { kind: 'UpsertPin', spec: { ...upsertFull.body.kind === 'UpsertPin' ? upsertFull.body.spec : {}, maxDepth: 1.5 } } } as unknown as PinIntent;
    const err = expectPinstateError(() => encodeIntent(bad), 'INVALID_FIELD');
    expect(err.field).toBe('op.io.pinstate.v1.UpsertPin.max_depth');
  });

  it('rejects an unknown pin type or op kind', () => {
    const spec = { ...(upsertFull.body.kind === 'UpsertPin' ? upsertFull.body.spec : {}), pinType: 'nope' };
    expectPinstateError(() => encodeIntent({ ...upsertFull, body: { kind: 'UpsertPin', spec } } as unknown as PinIntent), 'INVALID_FIELD', 'pinType');
    expectPinstateError(() => encodeIntent({ ...deleteIntent, body: { kind: 'Nope' } } as unknown as PinIntent), 'INVALID_FIELD', 'body.kind');
  });

  it('refuses longs avsc cannot write exactly (beyond ±(2^53 - 2))', () => {
    expect(decodeIntent(encodeIntent({ ...deleteIntent, ts: 9_007_199_254_740_990 })).ts).toBe(9_007_199_254_740_990);
    expectPinstateError(() => encodeIntent({ ...deleteIntent, ts: Number.MAX_SAFE_INTEGER }), 'INVALID_FIELD', 'ts');
  });

  it('encodes messages larger than the shared buffer', () => {
    const metadata = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`key-${i}`, 'v'.repeat(150)]));
    const spec = { ...(upsertFull.body.kind === 'UpsertPin' ? upsertFull.body.spec : {}), metadata };
    const intent = { ...upsertFull, body: { kind: 'UpsertPin', spec } } as PinIntent;
    const bytes = encodeIntent(intent);
    expect(bytes.length).toBeGreaterThan(4096);
    expect(decodeIntent(bytes)).toEqual(intent);
    // and the next small message is unaffected
    expect(decodeIntent(encodeIntent(deleteIntent))).toEqual(deleteIntent);
  });
});
