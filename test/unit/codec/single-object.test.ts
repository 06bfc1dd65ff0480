// The single-object envelope and the registry behind every decoder: header checks, fingerprint
// lookup, the bounded body scan, and the error code for each way bytes can be wrong.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { decodeIntent, encodeIntent } from '../../../src/codec/intent-codec.js';
import { createRegistry, loadReleasedSchemas, releasedRegistry } from '../../../src/codec/released-schemas.js';
import { SchemaRegistry } from '../../../src/codec/schema-registry.js';
import { fingerprintOf, singleObjectHeader } from '../../../src/codec/single-object.js';
import { expectPinstateError } from './expect-error.js';
import { CID_V0, deleteIntent, upsertFull } from './samples.js';

const intents = releasedRegistry.family('PinIntent');
const header = (): Buffer => singleObjectHeader(intents.reader.fingerprint);

/** Avro-encodes a sequence of primitive values, to hand-craft bodies field by field. */
function avro(...parts: [type: 'string' | 'long' | 'int' | 'boolean', value: unknown][]): Buffer {
  return Buffer.concat(parts.map(([type, value]) => avsc.Type.forSchema(type).toBuffer(value)));
}

/** A PinIntent/UpsertPin body up to (not including) the tags array. */
const upsertPrefix = (): Buffer =>
  avro(['string', 'op'], ['long', 1], ['string', ''], ['long', 0], ['string', CID_V0], ['string', ''], ['int', 1], ['int', -1], ['int', 0], ['int', 0], ['string', '']);

describe('single-object header', () => {
  it('is C3 01 then the little-endian fingerprint', () => {
    const bytes = encodeIntent(deleteIntent);
    expect(bytes.subarray(0, 10).equals(header())).toBe(true);
    expect(fingerprintOf(bytes)).toBe(intents.reader.fingerprintHex);
  });

  it('fingerprintOf returns null for anything without the header, and never throws', () => {
    expect(fingerprintOf(Buffer.from('hello world'))).toBeNull();
    expect(fingerprintOf(Buffer.from([0xc3, 0x01, 1, 2]))).toBeNull();
    expect(fingerprintOf(null)).toBeNull();
    expect(fingerprintOf('c301')).toBeNull();
    expect(fingerprintOf(Buffer.from([0xc3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe('0102030405060708');
  });
});

describe('decode errors', () => {
  it.each([0, 1, 2, 9])('%i bytes: UNDECODABLE', (n) => {
    expectPinstateError(() => decodeIntent(header().subarray(0, n)), 'UNDECODABLE');
  });

  it('a missing marker: UNDECODABLE', () => {
    const bytes = encodeIntent(deleteIntent);
    bytes[0] = 0xc2;
    expectPinstateError(() => decodeIntent(bytes), 'UNDECODABLE');
    expectPinstateError(() => decodeIntent(Buffer.from('{"op_id":"x"}')), 'UNDECODABLE');
  });

  it('not bytes at all: UNDECODABLE', () => {
    expectPinstateError(() => decodeIntent(null as unknown as Uint8Array), 'UNDECODABLE');
    expectPinstateError(() => decodeIntent('c301' as unknown as Uint8Array), 'UNDECODABLE');
  });

  it('a fingerprint nobody registered: UNKNOWN_FINGERPRINT with the fingerprint', () => {
    const bytes = encodeIntent(deleteIntent);
    bytes[9] = bytes[9]! ^ 0xff;
    const err = expectPinstateError(() => decodeIntent(bytes), 'UNKNOWN_FINGERPRINT');
    expect(err.details).toMatchObject({ family: 'PinIntent', fingerprint: fingerprintOf(bytes) });
  });

  it('trailing bytes after a valid body: UNDECODABLE', () => {
    const bytes = Buffer.concat([encodeIntent(deleteIntent), Buffer.from([0])]);
    expectPinstateError(() => decodeIntent(bytes), 'UNDECODABLE');
  });

  it('every truncation of a valid message: UNDECODABLE', () => {
    const bytes = encodeIntent(upsertFull);
    for (let n = 0; n < bytes.length; n++) expectPinstateError(() => decodeIntent(bytes.subarray(0, n)), 'UNDECODABLE');
  });

  it('garbage after a valid header: UNDECODABLE', () => {
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), Buffer.from('garbage garbage garbage')])), 'UNDECODABLE');
    expectPinstateError(() => decodeIntent(header()), 'UNDECODABLE');
  });

  it('an out-of-range union or enum index, a bad boolean, invalid UTF-8, a precision-losing long: UNDECODABLE', () => {
    const union = avro(['string', 'op'], ['long', 1], ['string', ''], ['long', 3], ['string', CID_V0]);
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), union])), 'UNDECODABLE');
    const badEnum = avro(['string', 'op'], ['long', 1], ['string', ''], ['long', 0], ['string', CID_V0], ['string', ''], ['int', 9]);
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), badEnum])), 'UNDECODABLE');
    const utf8 = Buffer.concat([header(), avro(['string', 'op'], ['long', 1]), Buffer.from([4, 0xff, 0xfe]), avro(['long', 1], ['string', CID_V0])]);
    expectPinstateError(() => decodeIntent(utf8), 'UNDECODABLE');
    const hugeTs = Buffer.concat([header(), avro(['string', 'op']), Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), avro(['string', ''], ['long', 1], ['string', CID_V0])]);
    expectPinstateError(() => decodeIntent(hugeTs), 'UNDECODABLE');
    const changes = releasedRegistry.family('PlacementChange');
    const bool = Buffer.concat([singleObjectHeader(changes.reader.fingerprint), avro(['string', CID_V0], ['string', 'p']), Buffer.from([2]), avro(['int', 1], ['string', 'o'], ['long', 1])]);
    expectPinstateError(() => changes.decode(bool), 'UNDECODABLE');
  });

  it('block counts the message cannot hold are rejected at once (avsc alone would loop for ever)', () => {
    // Zig-zag 2^31 - 1: a map of two billion entries announced in five bytes.
    const hugeCount = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0x0f]);
    const started = Date.now();
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), upsertPrefix(), Buffer.from([0]), hugeCount, Buffer.from([2, 0x61, 2, 0x62])])), 'UNDECODABLE');
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), upsertPrefix(), hugeCount, Buffer.from([2, 0x61])])), 'UNDECODABLE');
    // Negative counts carry a byte size, which must fit and match.
    expectPinstateError(() => decodeIntent(Buffer.concat([header(), upsertPrefix(), Buffer.from([0x01, 0x7e, 2, 0x61, 0])])), 'UNDECODABLE');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('accepts a negative (sized) array block, as other Avro writers may produce', () => {
    // tags: one block of -1 items, 2 bytes, "a"; then the rest of an UpsertPin with defaults.
    const rest = Buffer.from([0, 0, 0, 0, 0, 0, 0]); // metadata {}, expire_at null, shard_size 0, reference null, pin_update null, origins [], timestamp null
    const bytes = Buffer.concat([header(), upsertPrefix(), Buffer.from([0x01, 0x04, 0x02, 0x61, 0x00]), rest]);
    expect(decodeIntent(bytes).body).toMatchObject({ kind: 'UpsertPin', spec: { cid: CID_V0, tags: ['a'] } });
  });

  it('decodes a Uint8Array view into a larger buffer', () => {
    const bytes = encodeIntent(deleteIntent);
    const backing = new Uint8Array(bytes.length + 7);
    backing.set(bytes, 3);
    expect(decodeIntent(backing.subarray(3, 3 + bytes.length))).toEqual(deleteIntent);
  });
});

describe('registry construction', () => {
  const released = loadReleasedSchemas();
  const intentV1 = released.find((s) => s.label === 'PinIntent.v1.avsc')!;

  it('holds every released schema', () => {
    expect(released.map((s) => s.label).sort()).toEqual(['PeerHeartbeat.v1.avsc', 'PinEvent.v1.avsc', 'PinIntent.v1.avsc', 'PlacementAck.v1.avsc', 'PlacementChange.v1.avsc']);
    expect(releasedRegistry.families.map((f) => f.name).sort()).toEqual(['PeerHeartbeat', 'PinEvent', 'PinIntent', 'PlacementAck', 'PlacementChange']);
    for (const s of released) expect(releasedRegistry.family(s.family).writers.some((w) => w.label === s.label)).toBe(true);
    expect(releasedRegistry.versionOf(intents.reader.fingerprintHex)?.label).toBe('PinIntent.v1.avsc');
  });

  it('fails when a writer schema cannot be resolved to the reader', () => {
    const incompatible = { type: 'record', name: 'PinIntent', namespace: 'io.pinstate.v1', fields: [{ name: 'op_id', type: 'int' }] };
    expectPinstateError(() => createRegistry({ extraWriters: [{ family: 'PinIntent', version: 99, label: 'bad', schema: incompatible }] }), 'SCHEMA_MISMATCH');
  });

  it('fails when one schema is claimed by two families, or a top-level name does not match its family', () => {
    expectPinstateError(
      () =>
        new SchemaRegistry([
          { name: 'PinIntent', reader: intentV1, writers: [] },
          { name: 'Other', reader: { label: 'copy', schema: { ...(intentV1.schema as object), name: 'Other' } }, writers: [{ label: 'dup', schema: intentV1.schema }] },
        ]),
      'SCHEMA_MISMATCH',
    );
  });

  it('rejects a misnamed schema file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pinstate-schemas-'));
    writeFileSync(join(dir, 'PinIntent-v1.avsc'), '{}');
    expectPinstateError(() => loadReleasedSchemas(dir), 'SCHEMA_MISMATCH');
  });

  it('names the Avro path when a raw value does not fit', () => {
    const err = expectPinstateError(() => intents.encode({ op_id: 1, ts: 1, origin: '', op: null }), 'INVALID_FIELD');
    expect(err.field).toBe('op_id');
  });
});
