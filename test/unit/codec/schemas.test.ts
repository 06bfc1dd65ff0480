// The released schemas are the wire contract: their conventions are checked here, and their
// fingerprints are pinned, so editing a released file (instead of adding a version) fails.
import { describe, expect, it } from 'vitest';
import { decodeIntent } from '../../../src/codec/intent-codec.js';
import { loadReleasedSchemas, releasedRegistry } from '../../../src/codec/released-schemas.js';
import { fingerprintOf } from '../../../src/codec/single-object.js';

/** Wire-order fingerprints (bytes 2..9 of every message) of the released schemas. Never change one: add a version. */
const RELEASED_FINGERPRINTS: Readonly<Record<string, string>> = {
  'PinIntent.v1.avsc': 'eea9e2ca7784c7cf',
  'PlacementAck.v1.avsc': '18a9e5fdf46eaf5a',
  'PlacementChange.v1.avsc': '820b778665dcee44',
  'PinEvent.v1.avsc': '3e5de87109c783c8',
  'PeerHeartbeat.v1.avsc': 'da6970c4b8161695',
};

interface JsonSchema {
  type?: unknown;
  name?: string;
  namespace?: string;
  doc?: string;
  fields?: JsonField[];
  symbols?: string[];
  default?: unknown;
  items?: unknown;
  values?: unknown;
}
interface JsonField {
  name: string;
  doc?: string;
  type: unknown;
}

/** Every named type (records, enums) in a schema. */
function namedTypes(schema: unknown, out: JsonSchema[] = []): JsonSchema[] {
  if (Array.isArray(schema)) schema.forEach((s) => namedTypes(s, out));
  else if (typeof schema === 'object' && schema !== null) {
    const s = schema as JsonSchema;
    if (s.type === 'record' || s.type === 'enum') out.push(s);
    for (const f of s.fields ?? []) namedTypes(f.type, out);
    if (s.items !== undefined) namedTypes(s.items, out);
    if (s.values !== undefined) namedTypes(s.values, out);
    if (typeof s.type === 'object') namedTypes(s.type, out);
  }
  return out;
}

const released = loadReleasedSchemas();

describe('released schemas', () => {
  it('are exactly the pinned set, unchanged', () => {
    const actual = Object.fromEntries(released.map((s) => [s.label, releasedRegistry.family(s.family).writers.find((w) => w.label === s.label)!.fingerprintHex]));
    expect(actual).toEqual(RELEASED_FINGERPRINTS);
  });

  it.each(released.map((s) => [s.label, s.schema] as const))('%s follows the conventions', (_label, schema) => {
    const top = schema as JsonSchema;
    expect(top.namespace).toBe('io.pinstate.v1');
    for (const named of namedTypes(schema)) {
      expect(named.doc, `${named.name} has a doc`).toBeTruthy();
      expect(named.name).toMatch(/^[A-Z][A-Za-z]+$/);
      for (const field of named.fields ?? []) {
        expect(field.name).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(field.doc, `${named.name}.${field.name} has a doc`).toBeTruthy();
      }
      if (named.type === 'enum') {
        // Evolution: a newer symbol reads as UNKNOWN in an older reader, which pinstate rejects by name.
        expect(named.symbols?.[0]).toBe('UNKNOWN');
        expect(named.default).toBe('UNKNOWN');
      }
    }
  });

  it('use timestamp-millis longs for times', () => {
    const text = JSON.stringify(released.map((s) => s.schema));
    const timeFields = [...text.matchAll(/"name":"(ts|expire_at|timestamp)","type":(\{[^}]*\}|\[[^\]]*\])/g)];
    expect(timeFields.length).toBeGreaterThanOrEqual(6);
    for (const [, , type] of timeFields) expect(type).toContain('"logicalType":"timestamp-millis"');
  });
});

describe('interoperability', () => {
  // Written from schemas/PinIntent.v1.avsc with fastavro 1.13.1 (Python): its CRC-64-AVRO fingerprint
  // (which fastavro prints in the same wire-order hex) behind C3 01, then schemaless_writer. Fields
  // the Python dict left out were filled from the schema defaults.
  it('decodes an UpsertPin written by fastavro', () => {
    const bytes = Buffer.from(
      'c301eea9e2ca7784c7cf0870792d31f6f1bc8c80640c707974686f6e007662616679626569676479727a74357366703775646d37687537367568377932366e6633656675796c71616266336f636c67747179353566627a646900060202040002027800060261026204c3bc04c3b6125f5f70726f746f5f5f02700002ceffbc8c80640000000000',
      'hex',
    );
    expect(fingerprintOf(bytes)).toBe(RELEASED_FINGERPRINTS['PinIntent.v1.avsc']);
    expect(decodeIntent(bytes)).toEqual({
      opId: 'py-1',
      ts: 1_718_000_000_123,
      origin: 'python',
      body: {
        kind: 'UpsertPin',
        spec: {
          cid: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
          owner: '',
          pinType: 'clusterdag-pin',
          maxDepth: 1,
          replicationFactorMin: 1,
          replicationFactorMax: 2,
          name: '',
          tags: ['x'],
          metadata: { a: 'b', ü: 'ö', ['__proto__']: 'p' },
          expireAt: 1_718_000_000_999,
          shardSize: 0,
          reference: null,
          pinUpdate: null,
          origins: [],
          timestamp: null,
        },
      },
    });
  });

  it('decodes a TTL DeletePin written by fastavro', () => {
    const bytes = Buffer.from(
      'c301eea9e2ca7784c7cf0870792d32f6f1bc8c80641674746c2d73776565706572025c516d597741504a7a7635435a736e4136323573335866326e656d7459675070486457457a37396f6a576e506264470280f0bc8c8064',
      'hex',
    );
    expect(decodeIntent(bytes)).toEqual({
      opId: 'py-2',
      ts: 1_718_000_000_123,
      origin: 'ttl-sweeper',
      body: { kind: 'DeletePin', cid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG', expiredAt: 1_718_000_000_000 },
    });
  });
});
