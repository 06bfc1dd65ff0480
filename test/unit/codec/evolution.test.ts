// Schema evolution through the real single-object/registry path, with a test-only v2 of PinIntent
// (fixtures/PinIntent.v2.avsc: v1 + `priority: int default 0` + a new PinType symbol).
// Old writer → new reader fills the default; new writer → old reader ignores the field, once the
// old reader's registry knows the v2 schema (deploy schema files to readers before writers).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIntentCodec, encodeIntent } from '../../../src/codec/intent-codec.js';
import { createRegistry, releasedRegistry } from '../../../src/codec/released-schemas.js';
import type { ReleasedSchema } from '../../../src/codec/released-schemas.js';
import { fingerprintOf } from '../../../src/codec/single-object.js';
import { expectPinstateError } from './expect-error.js';
import { CID_V0, TS, deleteIntent, expireIntent, placeIntent, upsertFull } from './samples.js';

const v2: ReleasedSchema = {
  family: 'PinIntent',
  version: 2,
  label: 'PinIntent.v2.avsc (test fixture)',
  schema: JSON.parse(readFileSync(new URL('fixtures/PinIntent.v2.avsc', import.meta.url), 'utf8')),
};

/** Reads with v2, knows v1 (released) and v2. */
const v2Registry = createRegistry({ extraWriters: [v2], readers: { PinIntent: v2 } });
/** Reads with v1 (released), and knows v2 as a writer. */
const v1Registry = createRegistry({ extraWriters: [v2] });

const v2Family = v2Registry.family('PinIntent');
const v1Family = v1Registry.family('PinIntent');

describe('PinIntent evolution', () => {
  it('v2 is a different writer schema', () => {
    expect(v2Family.reader.fingerprintHex).not.toBe(releasedRegistry.family('PinIntent').reader.fingerprintHex);
    expect(v1Family.writers.map((w) => w.label)).toEqual(['PinIntent.v1.avsc', v2.label]);
  });

  it('v1 bytes decode with the v2 reader, priority defaulted to 0', () => {
    for (const intent of [upsertFull, deleteIntent, expireIntent, placeIntent]) {
      const v1Bytes = encodeIntent(intent);
      expect(v2Family.decode(v1Bytes)).toMatchObject({ op_id: intent.opId, ts: intent.ts, priority: 0 });
      expect(createIntentCodec(v2Family).decode(v1Bytes)).toEqual(intent);
    }
    // Resolved maps keep a "__proto__" key as data too.
    const resolved = createIntentCodec(v2Family).decode(encodeIntent(upsertFull));
    expect(Object.keys(resolved.body.kind === 'UpsertPin' ? resolved.body.spec.metadata : {})).toContain('__proto__');
  });

  it('v2 bytes decode with the v1 reader, priority ignored', () => {
    const v2Bytes = v2Family.encode({ op_id: 'op-v2', ts: TS, origin: 'api', priority: 7, op: { 'io.pinstate.v1.DeletePin': { cid: CID_V0 } } });
    expect(fingerprintOf(v2Bytes)).toBe(v2Family.reader.fingerprintHex);

    const raw = v1Family.decode(v2Bytes) as Record<string, unknown>;
    expect(raw).not.toHaveProperty('priority');
    expect(createIntentCodec(v1Family).decode(v2Bytes)).toEqual({ opId: 'op-v2', ts: TS, origin: 'api', body: { kind: 'DeletePin', cid: CID_V0 } });
  });

  it('the typed codec writes v2 with the default when it does not know the field', () => {
    const v2Bytes = createIntentCodec(v2Family).encode(upsertFull);
    expect(v2Family.decode(v2Bytes)).toMatchObject({ priority: 0 });
    expect(createIntentCodec(v1Family).decode(v2Bytes)).toEqual(upsertFull);
  });

  it('a reader whose registry lacks v2 answers UNKNOWN_FINGERPRINT, not garbage', () => {
    const v2Bytes = createIntentCodec(v2Family).encode(deleteIntent);
    expectPinstateError(() => createIntentCodec(releasedRegistry.family('PinIntent')).decode(v2Bytes), 'UNKNOWN_FINGERPRINT');
  });

  it('a pin type the v1 reader does not know arrives as UNKNOWN and is rejected naming pinType', () => {
    const base = v2Family.decode(encodeIntent(upsertFull)) as { op: Record<string, Record<string, unknown>> };
    const upsert = { ...base.op['io.pinstate.v1.UpsertPin'], pin_type: 'sparse_pin' };
    const v2Bytes = v2Family.encode({ ...base, op: { 'io.pinstate.v1.UpsertPin': upsert } });
    const raw = v1Family.decode(v2Bytes) as { op: Record<string, Record<string, unknown>> };
    expect(raw.op['io.pinstate.v1.UpsertPin']!['pin_type']).toBe('UNKNOWN');
    expectPinstateError(() => createIntentCodec(v1Family).decode(v2Bytes), 'INVALID_FIELD', 'pinType');
  });
});
