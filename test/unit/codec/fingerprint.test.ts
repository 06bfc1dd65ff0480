// CRC-64-AVRO and Parsing Canonical Form against the Avro project's published vectors
// (apache/avro share/test/data/schema-tests.txt: input schema, canonical form, signed 64-bit
// fingerprint), and against avsc's own canonical form for pinstate's schemas.
import { createHash } from 'node:crypto';
import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { crc64Avro, fingerprintBytes, fingerprintHex, fingerprintSigned, schemaFingerprint } from '../../../src/codec/fingerprint.js';
import { loadReleasedSchemas } from '../../../src/codec/released-schemas.js';
import { canonicalForm, parseSchemaTree } from '../../../src/codec/schema-tree.js';

const AVRO_VECTORS: readonly (readonly [input: string, canonical: string, fingerprint: bigint])[] = [
  ['"null"', '"null"', 7195948357588979594n],
  ['{"type":"null"}', '"null"', 7195948357588979594n],
  ['"boolean"', '"boolean"', -6970731678124411036n],
  ['{"type":"boolean"}', '"boolean"', -6970731678124411036n],
  ['"int"', '"int"', 8247732601305521295n],
  ['{"type":"int"}', '"int"', 8247732601305521295n],
  ['"long"', '"long"', -3434872931120570953n],
  ['{"type":"long"}', '"long"', -3434872931120570953n],
  ['"float"', '"float"', 5583340709985441680n],
  ['{"type":"float"}', '"float"', 5583340709985441680n],
  ['"double"', '"double"', -8181574048448539266n],
  ['{"type":"double"}', '"double"', -8181574048448539266n],
  ['"bytes"', '"bytes"', 5746618253357095269n],
  ['{"type":"bytes"}', '"bytes"', 5746618253357095269n],
  ['"string"', '"string"', -8142146995180207161n],
  ['{"type":"string"}', '"string"', -8142146995180207161n],
  ['[  ]', '[]', -1241056759729112623n],
  ['[ "int"  ]', '["int"]', -5232228896498058493n],
  ['[ "int" , {"type":"boolean"} ]', '["int","boolean"]', 5392556393470105090n],
  ['{"fields":[], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"fields":[], "type":"record", "name":"foo", "namespace":"x.y"}', '{"name":"x.y.foo","type":"record","fields":[]}', 5916914534497305771n],
  ['{"fields":[], "type":"record", "name":"a.b.foo", "namespace":"x.y"}', '{"name":"a.b.foo","type":"record","fields":[]}', -4616218487480524110n],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"Useful info"}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"fields":[], "type":"record", "name":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"fields":[], "type":"record", "name":"foo", "doc":"foo", "aliases":["foo","bar"]}', '{"name":"foo","type":"record","fields":[]}', -4824392279771201922n],
  ['{"fields":[{"type":{"type":"boolean"}, "name":"f1"}], "type":"record", "name":"foo"}', '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"}]}', 7843277075252814651n],
  [
    '{ "fields":[{"type":"boolean", "aliases":[], "name":"f1", "default":true},\n{"order":"descending","name":"f2","doc":"Hello","type":"int"}],"type":"record", "name":"foo"}',
    '{"name":"foo","type":"record","fields":[{"name":"f1","type":"boolean"},{"name":"f2","type":"int"}]}',
    -4860222112080293046n,
  ],
  ['{"type":"enum", "name":"foo", "symbols":["A1"]}', '{"name":"foo","type":"enum","symbols":["A1"]}', -6342190197741309591n],
  ['{"namespace":"x.y.z", "type":"enum", "name":"foo", "doc":"foo bar", "symbols":["A1", "A2"]}', '{"name":"x.y.z.foo","type":"enum","symbols":["A1","A2"]}', -4448647247586288245n],
  ['{"name":"foo","type":"fixed","size":15}', '{"name":"foo","type":"fixed","size":15}', 1756455273707447556n],
  ['{"namespace":"x.y.z", "type":"fixed", "name":"foo", "doc":"foo bar", "size":32}', '{"name":"x.y.z.foo","type":"fixed","size":32}', -3064184465700546786n],
  ['{ "items":{"type":"null"}, "type":"array"}', '{"type":"array","items":"null"}', -589620603366471059n],
  ['{ "values":"string", "type":"map"}', '{"type":"map","values":"string"}', -8732877298790414990n],
  [
    '{"name":"PigValue","type":"record",\n   "fields":[{"name":"value", "type":["null", "int", "long", "PigValue"]}]}',
    '{"name":"PigValue","type":"record","fields":[{"name":"value","type":["null","int","long","PigValue"]}]}',
    -1759257747318642341n,
  ],
];

describe('CRC-64-AVRO', () => {
  it('fingerprints "null" as 0x63dd24e7cc258f8a, written (and printed) little-endian', () => {
    const fp = crc64Avro(new TextEncoder().encode('"null"'));
    expect(fp).toBe(0x63dd24e7cc258f8an);
    expect(fingerprintHex(fp)).toBe('8a8f25cce724dd63');
    expect(fingerprintSigned(fp)).toBe(7195948357588979594n);
    expect(Buffer.from(fingerprintBytes(fp)).toString('hex')).toBe('8a8f25cce724dd63');
  });

  it('fingerprints the empty input as the spec EMPTY constant', () => {
    expect(crc64Avro(new Uint8Array(0))).toBe(0xc15d213aa4d7a795n);
  });

  it.each(AVRO_VECTORS)('matches the Avro vector for %s', (input, canonical, fingerprint) => {
    const form = canonicalForm(parseSchemaTree(JSON.parse(input)));
    expect(form).toBe(canonical);
    expect(fingerprintSigned(schemaFingerprint(form))).toBe(fingerprint);
  });
});

describe('Parsing Canonical Form of the released schemas', () => {
  const released = loadReleasedSchemas();

  it.each(released.map((s) => [s.label, s] as const))('%s: equals avsc canonical schema', (_label, source) => {
    // avsc's Type#schema() (no options) is its Parsing Canonical Form; its default fingerprint is md5 of it.
    const type = avsc.Type.forSchema(source.schema as Parameters<typeof avsc.Type.forSchema>[0]);
    const form = canonicalForm(parseSchemaTree(source.schema));
    expect(form).toBe(JSON.stringify(type.schema()));
    expect(createHash('md5').update(form).digest()).toEqual(type.fingerprint());
  });

  it('strips logical types, docs and defaults', () => {
    const form = canonicalForm(parseSchemaTree({ type: 'record', name: 'R', namespace: 'n', doc: 'x', fields: [{ name: 't', doc: 'y', default: 0, type: { type: 'long', logicalType: 'timestamp-millis' } }] }));
    expect(form).toBe('{"name":"n.R","type":"record","fields":[{"name":"t","type":"long"}]}');
  });

  it('spells a named type out once, then by full name', () => {
    const form = canonicalForm(
      parseSchemaTree({
        type: 'record',
        name: 'R',
        namespace: 'n',
        fields: [
          { name: 'a', type: { type: 'enum', name: 'E', symbols: ['X'] } },
          { name: 'b', type: 'E' },
          { name: 'c', type: 'n.E' },
        ],
      }),
    );
    expect(form).toBe('{"name":"n.R","type":"record","fields":[{"name":"a","type":{"name":"n.E","type":"enum","symbols":["X"]}},{"name":"b","type":"n.E"},{"name":"c","type":"n.E"}]}');
  });
});
