import { describe, expect, it } from 'vitest';
import { API_PIN_KEYS, GO_ZERO_TIME, formatApiPinLine, formatGoTime, parseApiPin, parseGoTime, toApiPin, type ClusterPin } from '../../../src/cluster/api-pin.js';
import { ValidationError } from '../../../src/errors.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import { CIDS, PEERS, fixture } from './helpers.js';

/** The example line of /work/shared/ipfs-cluster-notes.md §2, as `state export` writes it. */
const NOTES_EXAMPLE =
  '{"replication_factor_min":2,"replication_factor_max":3,"name":"dataset-001","mode":"recursive","shard_size":0,"user_allocations":null,"expire_at":"0001-01-01T00:00:00Z","metadata":{"app":"demo"},"pin_update":null,"origins":[],"cid":"QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6","type":"pin","allocations":["12D3KooWGHTKzeT4KaLGLrbKKyT8zKrBPXAUBRzCAN6ZMDMo4M6M","12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv"],"max_depth":-1,"reference":null,"timestamp":"2024-05-06T10:11:12Z"}';

/** A complete, valid api.Pin object to vary one field at a time. */
function base(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(JSON.parse(NOTES_EXAMPLE) as Record<string, unknown>), ...overrides };
}

function without(key: string): Record<string, unknown> {
  const o = base();
  delete o[key];
  return o;
}

/** Runs parseApiPin expecting a ValidationError; returns it. */
function rejection(value: unknown, where?: string): ValidationError {
  try {
    parseApiPin(value, where);
  } catch (err: unknown) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('parseApiPin accepted the value');
}

const ts = (iso: string): number => Date.parse(iso);

describe('parseApiPin', () => {
  it('maps the notes example field by field', () => {
    const pin = parseApiPin(JSON.parse(NOTES_EXAMPLE));
    expect(pin.spec).toEqual({
      cid: CIDS.v0,
      owner: '',
      pinType: 'pin',
      maxDepth: -1,
      replicationFactorMin: 2,
      replicationFactorMax: 3,
      name: 'dataset-001',
      tags: [],
      metadata: { app: 'demo' },
      expireAt: null,
      shardSize: 0,
      reference: null,
      pinUpdate: null,
      origins: [],
      timestamp: ts('2024-05-06T10:11:12Z'),
    });
    expect(pin.allocations).toEqual([PEERS.b, PEERS.a]);
    expect(pin.userAllocations).toEqual([]);
    expect(Object.isFrozen(pin)).toBe(true);
  });

  it('parses every line of a v1 export, sharded pins included', () => {
    const pins = fixture('export-v1.ndjson')
      .trimEnd()
      .split('\n')
      .map((line, i) => parseApiPin(JSON.parse(line), `line ${i + 1}`));
    expect(pins.map((p) => p.spec.pinType)).toEqual(['pin', 'pin', 'pin', 'meta-pin', 'clusterdag-pin', 'shard-pin', 'shard-pin', 'pin']);
    const [, everywhere, direct, meta, dag, shard0, shard1, unicode] = pins as [ClusterPin, ...ClusterPin[]];
    expect(everywhere).toMatchObject({ spec: { replicationFactorMin: -1, replicationFactorMax: -1, cid: CIDS.v1, timestamp: ts('2024-05-06T10:30:00Z') }, allocations: [] });
    expect(direct?.spec).toMatchObject({
      maxDepth: 0,
      name: 'nightly-build <v2> & co',
      expireAt: ts('2030-01-01T00:00:00Z'),
      pinUpdate: 'QmP63DkAFEnDYNjDYBpyNDfttu1fvUw99x1brscPzpqmmq',
      metadata: { commit: '9f1c2e7', env: 'prod', team: 'storage' },
    });
    expect(direct?.spec.origins).toHaveLength(2);
    expect(meta?.spec).toMatchObject({ reference: 'QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB', shardSize: 104857600, maxDepth: 0 });
    expect(dag?.spec.reference).toBe(meta?.spec.cid);
    expect(shard0?.spec).toMatchObject({ maxDepth: 1, reference: null });
    expect(shard1?.spec.reference).toBe(shard0?.spec.cid);
    expect(unicode?.spec).toMatchObject({ name: 'données-🎉', metadata: { owner: 'équipe' }, replicationFactorMin: 0, expireAt: ts('2025-12-31T23:59:59Z') });
  });

  it('accepts pre-1.0 exports: {"/": cid} links and numeric types', () => {
    const pins = fixture('export-pre-1.0.json')
      .trimEnd()
      .split('\n')
      .map((line) => parseApiPin(JSON.parse(line)));
    expect(pins.map((p) => p.spec.pinType)).toEqual(['pin', 'pin', 'meta-pin', 'clusterdag-pin', 'shard-pin']);
    expect(pins[0]?.spec).toMatchObject({ cid: CIDS.v0b, maxDepth: 0, timestamp: null, origins: [] });
    expect(pins[2]?.spec.reference).toBe('QmPZ9gcCEpqKTo6aq61g2nXGUhM4iCL3ewB6LDXZCtioEB');
    expect(pins[4]?.allocations).toEqual(['QmPGDFvBkgWhvzEK9qaTWrWurSwqXNmhnK3hgELPdZZNPa', PEERS.rsa2]);
  });

  it('normalises CIDs to canonical text (v1 in base32)', () => {
    const v1b36 = 'k2jmtxw8rjh1z69c6not3wfbc3tpqtlsblpmp7s1ydxe7fbu2rx2u3x6';
    const pin = parseApiPin(base({ cid: v1b36 }));
    expect(pin.spec.cid).toMatch(/^bafy/);
  });

  it('ignores keys it does not know, as Go does', () => {
    expect(parseApiPin(base({ future_field: { x: 1 } })).spec.cid).toBe(CIDS.v0);
  });

  describe('type', () => {
    it('rejects a missing or null type as MISSING_FIELD (Go would store "bad-type")', () => {
      expect(rejection(without('type'))).toMatchObject({ code: 'MISSING_FIELD', field: 'type' });
      expect(rejection(base({ type: null }))).toMatchObject({ code: 'MISSING_FIELD', field: 'type' });
    });
    it.each([['bad-type'], ['all'], [''], ['Pin']])('rejects %j', (type) => {
      const err = rejection(base({ type }));
      expect(err).toMatchObject({ code: 'INVALID_FIELD', field: 'type' });
    });
    it('explains "bad-type"', () => {
      expect(rejection(base({ type: 'bad-type' })).message).toMatch(/unset or undecodable/);
    });
    it.each([
      [2, 'pin'],
      [16, 'shard-pin'],
    ])('maps pre-1.0 numeric type %i to %s', (type, expected) => {
      const extra = expected === 'shard-pin' ? { max_depth: 1 } : {};
      expect(parseApiPin(base({ type, ...extra })).spec.pinType).toBe(expected);
    });
    it.each([[1], [0], [3], [30], [2.5]])('rejects numeric type %d', (type) => {
      expect(rejection(base({ type }))).toMatchObject({ code: 'INVALID_FIELD', field: 'type' });
    });
  });

  describe('max_depth and mode', () => {
    it('max_depth wins over mode', () => {
      expect(parseApiPin(base({ max_depth: -1, mode: 'direct' })).spec.maxDepth).toBe(-1);
      expect(parseApiPin(base({ max_depth: 0, mode: 'recursive' })).spec.maxDepth).toBe(0);
      expect(parseApiPin(base({ max_depth: 5, mode: '' })).spec.maxDepth).toBe(5);
    });
    it('falls back to mode when max_depth is absent', () => {
      const noDepth = without('max_depth');
      expect(parseApiPin({ ...noDepth, mode: 'direct' }).spec.maxDepth).toBe(0);
      expect(parseApiPin({ ...noDepth, mode: 'recursive' }).spec.maxDepth).toBe(-1);
      expect(parseApiPin({ ...noDepth, mode: 'direct', max_depth: null }).spec.maxDepth).toBe(0);
    });
    it('rejects a pin with neither (Go would silently make it direct)', () => {
      const o = without('max_depth');
      delete o['mode'];
      expect(rejection(o)).toMatchObject({ code: 'MISSING_FIELD', field: 'max_depth' });
      expect(rejection({ ...o, mode: '' })).toMatchObject({ code: 'MISSING_FIELD', field: 'max_depth' });
    });
    it('rejects unknown modes and bad depths', () => {
      expect(rejection(base({ mode: 'indirect' }))).toMatchObject({ code: 'INVALID_FIELD', field: 'mode' });
      expect(rejection(base({ mode: 1 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'mode' });
      expect(rejection(base({ max_depth: -2 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'max_depth' });
      expect(rejection(base({ max_depth: '-1' }))).toMatchObject({ code: 'INVALID_FIELD', field: 'max_depth' });
    });
  });

  describe('replication factors', () => {
    it('default to 0 ("cluster default") when absent or null', () => {
      const o = without('replication_factor_min');
      delete o['replication_factor_max'];
      expect(parseApiPin(o).spec).toMatchObject({ replicationFactorMin: 0, replicationFactorMax: 0 });
      expect(parseApiPin(base({ replication_factor_min: null, replication_factor_max: 4 })).spec.replicationFactorMin).toBe(0);
    });
    it('rejects min > max, naming the JSON key', () => {
      const err = rejection(base({ replication_factor_min: 3, replication_factor_max: 2 }), 'line 3');
      expect(err).toMatchObject({ code: 'INVALID_REPLICATION', field: 'replication_factor_min' });
      expect(err.message).toBe('replication_factor_min: min (3) is greater than max (2) (line 3)');
      expect(err.details).toEqual({ where: 'line 3' });
      expect(err.cause).toBeInstanceOf(ValidationError);
    });
    it('rejects -1 paired with anything but -1', () => {
      expect(rejection(base({ replication_factor_min: -1, replication_factor_max: 2 }))).toMatchObject({ code: 'INVALID_REPLICATION', field: 'replication_factor_max' });
      expect(rejection(base({ replication_factor_min: 1, replication_factor_max: -1 }))).toMatchObject({ code: 'INVALID_REPLICATION', field: 'replication_factor_min' });
    });
    it.each([['2'], [1.5], [true], [[1]]])('rejects a non-integer %j', (v) => {
      expect(rejection(base({ replication_factor_min: v }))).toMatchObject({ code: 'INVALID_FIELD', field: 'replication_factor_min' });
    });
  });

  describe('cid, reference, pin_update', () => {
    it('requires a cid', () => {
      expect(rejection(without('cid'))).toMatchObject({ code: 'MISSING_FIELD', field: 'cid' });
      expect(rejection(base({ cid: null }))).toMatchObject({ code: 'MISSING_FIELD', field: 'cid' });
      expect(rejection(base({ cid: '' }))).toMatchObject({ code: 'INVALID_CID', field: 'cid' });
    });
    it.each([['QmNotAValidCidAtAll'], [42], [{ '/': 'QmNope' }], [{ '/': CIDS.v0, extra: 1 }], [{ cid: CIDS.v0 }]])('rejects cid %j', (cid) => {
      expect(rejection(base({ cid }))).toMatchObject({ code: 'INVALID_CID', field: 'cid' });
    });
    it('rejects identity-hash CIDs, which pinstate cannot spread by prefix', () => {
      const identity = 'bafkqaaa'; // CIDv1 raw, identity multihash, empty digest
      expect(rejection(base({ cid: identity })).field).toBe('cid');
    });
    it('reads optional CIDs: string, link, null, "" and absent', () => {
      expect(parseApiPin(base({ pin_update: { '/': CIDS.v1 } })).spec.pinUpdate).toBe(CIDS.v1);
      expect(parseApiPin(base({ pin_update: '' })).spec.pinUpdate).toBeNull();
      expect(parseApiPin(without('pin_update')).spec.pinUpdate).toBeNull();
      expect(rejection(base({ pin_update: 'nope' }))).toMatchObject({ code: 'INVALID_CID', field: 'pin_update' });
      expect(rejection(base({ type: 'meta-pin', allocations: [], max_depth: 0, reference: 'nope' }))).toMatchObject({ code: 'INVALID_CID', field: 'reference' });
    });
  });

  describe('pin type shape (IPFS Cluster checkPinType)', () => {
    it('data pins carry no reference', () => {
      expect(rejection(base({ reference: CIDS.v1 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'reference' });
    });
    it('shards have max_depth 1; the first shard has no reference', () => {
      expect(rejection(base({ type: 'shard-pin', max_depth: -1 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'max_depth' });
      expect(parseApiPin(base({ type: 'shard-pin', max_depth: 1 })).spec.reference).toBeNull();
    });
    it('clusterdag pins are direct and reference their meta pin', () => {
      expect(rejection(base({ type: 'clusterdag-pin', max_depth: 0 }))).toMatchObject({ code: 'MISSING_FIELD', field: 'reference' });
      expect(rejection(base({ type: 'clusterdag-pin', max_depth: -1, reference: CIDS.v1 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'max_depth' });
    });
    it('meta pins reference their clusterdag; allocations are kept (state import --allocs sets them)', () => {
      expect(rejection(base({ type: 'meta-pin', max_depth: 0 }))).toMatchObject({ code: 'MISSING_FIELD', field: 'reference' });
      expect(parseApiPin(base({ type: 'meta-pin', max_depth: 0, reference: CIDS.v1 })).allocations).toHaveLength(2);
    });
  });

  describe('times', () => {
    it('reads Go zero time, epoch, null and absent as "none"', () => {
      for (const expire_at of [GO_ZERO_TIME, '0001-01-01T01:00:00+01:00', '1970-01-01T00:00:00Z', null]) {
        expect(parseApiPin(base({ expire_at })).spec.expireAt).toBeNull();
      }
      expect(parseApiPin(without('timestamp')).spec.timestamp).toBeNull();
    });
    it('reads RFC3339Nano, truncating below the millisecond', () => {
      expect(parseApiPin(base({ timestamp: '2024-05-06T10:11:12.987654321Z' })).spec.timestamp).toBe(ts('2024-05-06T10:11:12.987Z'));
      expect(parseApiPin(base({ timestamp: '2024-05-06T10:11:12.5Z' })).spec.timestamp).toBe(ts('2024-05-06T10:11:12.500Z'));
    });
    it('applies offsets (IPFS Cluster writes read-back times in local time)', () => {
      expect(parseApiPin(base({ timestamp: '2024-05-06T12:11:12+02:00' })).spec.timestamp).toBe(ts('2024-05-06T10:11:12Z'));
      expect(parseApiPin(base({ timestamp: '2024-05-05T23:41:12-10:30' })).spec.timestamp).toBe(ts('2024-05-06T10:11:12Z'));
    });
    it('keeps an expire_at in the past: an export may hold pins not yet swept', () => {
      expect(parseApiPin(base({ expire_at: '2001-02-03T04:05:06Z' })).spec.expireAt).toBe(ts('2001-02-03T04:05:06Z'));
    });
    it.each([
      ['2030-13-01T00:00:00Z'],
      ['2030-02-30T00:00:00Z'],
      ['2030-01-01T24:00:00Z'],
      ['2030-01-01T00:00:60Z'],
      ['2030-01-01 00:00:00Z'],
      ['2030-01-01T00:00:00'],
      ['2030-01-01T00:00:00+0200'],
      ['2030-01-01T00:00:00.Z'],
      ['1969-12-31T23:59:59Z'],
      ['yesterday'],
      [1700000000],
    ])('rejects expire_at %j', (expire_at) => {
      expect(rejection(base({ expire_at }))).toMatchObject({ code: 'INVALID_FIELD', field: 'expire_at' });
    });
    it('knows leap years', () => {
      expect(parseGoTime('2024-02-29T00:00:00Z', 't')).toBe(ts('2024-02-29T00:00:00Z'));
      expect(parseGoTime('2000-02-29T00:00:00Z', 't')).toBe(ts('2000-02-29T00:00:00Z'));
      expect(() => parseGoTime('2100-02-29T00:00:00Z', 't')).toThrow(ValidationError);
      expect(parseGoTime('9999-12-31T23:59:59.999999999Z', 't')).toBe(253402300799999);
    });
  });

  describe('metadata, name, origins', () => {
    it('reads null metadata as empty and a null value as ""', () => {
      expect(parseApiPin(base({ metadata: null })).spec.metadata).toEqual({});
      expect(parseApiPin(base({ metadata: { a: null } })).spec.metadata).toEqual({ a: '' });
    });
    it('names the bad metadata key', () => {
      expect(rejection(base({ metadata: { size: 42 } }))).toMatchObject({ code: 'INVALID_FIELD', field: 'metadata.size' });
      expect(rejection(base({ metadata: ['a'] }))).toMatchObject({ code: 'INVALID_FIELD', field: 'metadata' });
      expect(rejection(base({ metadata: JSON.parse('{"__proto__":"x"}') as unknown }))).toMatchObject({ field: 'metadata.__proto__' });
      expect(rejection(base({ metadata: { '': 'x' } }))).toMatchObject({ code: 'INVALID_FIELD', field: 'metadata' });
    });
    it('enforces pinstate size limits with OVERSIZED_VALUE', () => {
      expect(rejection(base({ name: 'x'.repeat(1025) }))).toMatchObject({ code: 'OVERSIZED_VALUE', field: 'name' });
    });
    it('replaces lone surrogates as Go does', () => {
      expect(parseApiPin(base({ name: 'a\ud800b' })).spec.name).toBe('a\ufffdb');
    });
    it('requires /p2p/ in origins', () => {
      expect(rejection(base({ origins: ['/ip4/1.2.3.4/tcp/4001'] }))).toMatchObject({ code: 'INVALID_FIELD', field: 'origins[0]' });
      expect(rejection(base({ origins: [7] }))).toMatchObject({ code: 'INVALID_FIELD', field: 'origins[0]' });
      expect(parseApiPin(base({ origins: null })).spec.origins).toEqual([]);
    });
    it('rejects a negative or fractional shard_size', () => {
      expect(rejection(base({ shard_size: -1 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'shard_size' });
      expect(rejection(base({ shard_size: 1.5 }))).toMatchObject({ code: 'INVALID_FIELD', field: 'shard_size' });
    });
  });

  describe('allocations and user_allocations', () => {
    it('sorts and de-duplicates', () => {
      const pin = parseApiPin(base({ allocations: [PEERS.rsa1, PEERS.a, PEERS.rsa1, PEERS.b] }));
      expect(pin.allocations).toEqual([PEERS.b, PEERS.a, PEERS.rsa1]);
    });
    it('reads null as []', () => {
      expect(parseApiPin(base({ allocations: null, user_allocations: null }))).toMatchObject({ allocations: [], userAllocations: [] });
    });
    it('normalises CID-form peer ids to base58, as go-libp2p writes them', () => {
      const cidForm = 'k51qzi5uqu5dikt09lmzryd1ad2j6ss953iy2mti6re1lueiiwot3xxqlbdrdq';
      const b32Form = 'bafzaajaiaejcayawumrrfpmup5grgswfc35vzc33jph6m2lizf3vm662y34h4cw6';
      expect(parseApiPin(base({ allocations: [cidForm, b32Form, PEERS.a] })).allocations).toEqual([PEERS.a]);
    });
    it('names the bad entry', () => {
      expect(rejection(base({ allocations: [PEERS.a, PEERS.b, 'peer-3'] }))).toMatchObject({ code: 'INVALID_PEER', field: 'allocations[2]' });
      expect(rejection(base({ allocations: [PEERS.a, 'QmNotAPeer'] }))).toMatchObject({ code: 'INVALID_PEER', field: 'allocations[1]' });
      expect(rejection(base({ allocations: [CIDS.v1] }))).toMatchObject({ code: 'INVALID_PEER', field: 'allocations[0]' });
      expect(rejection(base({ user_allocations: [null] }))).toMatchObject({ code: 'INVALID_PEER', field: 'user_allocations[0]' });
      expect(rejection(base({ allocations: PEERS.a }))).toMatchObject({ code: 'INVALID_FIELD', field: 'allocations' });
    });
    it('keeps user_allocations apart from allocations', () => {
      expect(parseApiPin(base({ user_allocations: [PEERS.c] })).userAllocations).toEqual([PEERS.c]);
    });
  });

  it.each([[null], [[]], ['pin'], [42]])('rejects a non-object %j with field $', (value) => {
    expect(rejection(value)).toMatchObject({ code: 'INVALID_FIELD', field: '$' });
  });

  it('classifies every rejection as an input error', () => {
    for (const bad of [without('type'), base({ cid: 'x' }), base({ allocations: ['!'] }), base({ replication_factor_min: 9, replication_factor_max: 2 })]) {
      expect(rejection(bad).isInputError).toBe(true);
    }
  });
});

describe('toApiPin / formatApiPinLine', () => {
  it('writes the notes example byte for byte, allocations sorted', () => {
    const expected = NOTES_EXAMPLE.replace(`"${PEERS.a}","${PEERS.b}"`, `"${PEERS.b}","${PEERS.a}"`);
    expect(formatApiPinLine(parseApiPin(JSON.parse(NOTES_EXAMPLE)))).toBe(`${expected}\n`);
  });

  it('reproduces the canonical lines of a v1 export exactly', () => {
    const lines = fixture('export-v1.ndjson').trimEnd().split('\n');
    // Line 1 lists allocations unsorted, line 2 has a +02:00 timestamp: pinstate writes both normalised.
    const canonical = lines.slice(2);
    for (const line of canonical) expect(formatApiPinLine(parseApiPin(JSON.parse(line)))).toBe(`${line}\n`);
    expect(toApiPin(parseApiPin(JSON.parse(lines[1] ?? '')))).toMatchObject({ timestamp: '2024-05-06T10:30:00Z' });
  });

  it('writes what a v1 export would hold for a pre-1.0 line', () => {
    const line = fixture('export-pre-1.0.json').split('\n')[0] ?? '';
    expect(formatApiPinLine(parseApiPin(JSON.parse(line)))).toBe(
      `{"replication_factor_min":-1,"replication_factor_max":-1,"name":"","mode":"direct","shard_size":0,"user_allocations":null,"expire_at":"0001-01-01T00:00:00Z","metadata":null,"pin_update":null,"origins":[],"cid":"${CIDS.v0b}","type":"pin","allocations":[],"max_depth":0,"reference":null,"timestamp":"0001-01-01T00:00:00Z"}\n`,
    );
  });

  it('uses Go field order, Go zero times and derives mode from max_depth', () => {
    const spec = validatePinSpec({ cid: CIDS.v1, pinType: 'shard-pin', maxDepth: 1, reference: CIDS.v0, shardSize: 42 });
    const json = toApiPin({ spec, allocations: [], userAllocations: [] });
    expect(Object.keys(json)).toEqual([...API_PIN_KEYS]);
    expect(json).toMatchObject({ mode: 'recursive', expire_at: GO_ZERO_TIME, timestamp: GO_ZERO_TIME, metadata: null, user_allocations: null, origins: [] });
    expect(toApiPin({ spec: validatePinSpec({ cid: CIDS.v1, maxDepth: 0 }), allocations: [], userAllocations: [] }).mode).toBe('direct');
  });

  it('truncates times to whole seconds in UTC', () => {
    const spec = validatePinSpec({ cid: CIDS.v1, expireAt: ts('2031-03-04T05:06:07.890Z'), timestamp: ts('2024-01-02T03:04:05.999Z') });
    expect(toApiPin({ spec, allocations: [], userAllocations: [] })).toMatchObject({ expire_at: '2031-03-04T05:06:07Z', timestamp: '2024-01-02T03:04:05Z' });
  });

  it('writes user_allocations only when there are some', () => {
    const spec = validatePinSpec({ cid: CIDS.v1 });
    expect(toApiPin({ spec, allocations: [], userAllocations: [PEERS.c, PEERS.a] }).user_allocations).toEqual([PEERS.c, PEERS.a].sort());
  });

  it('leaves pinstate-only fields (owner, tags) out', () => {
    const spec = validatePinSpec({ cid: CIDS.v1, owner: 'alice', tags: ['x'] });
    const line = formatApiPinLine({ spec, allocations: [], userAllocations: [] });
    expect(line).not.toMatch(/alice|tags|owner/);
  });

  it("escapes like Go's encoding/json and sorts map keys byte-wise", () => {
    const spec = validatePinSpec({
      cid: CIDS.v1,
      name: 'a<b>&c\u2028\u2029"\n\u0001é🎉',
      metadata: { '9': 'nine', '10': 'ten', b: '<', a: '', '\uff61': 'bmp', '\u{1f600}': 'astral' },
    });
    const line = formatApiPinLine({ spec, allocations: [], userAllocations: [] });
    expect(line).toContain(String.raw`"name":"a\u003cb\u003e\u0026c\u2028\u2029\"\n\u0001é🎉"`);
    // "10" < "9" as strings; U+FF61 (EF BD A1) < U+1F600 (F0 9F 98 80) as UTF-8 bytes, though not as UTF-16.
    expect(line).toContain(String.raw`"metadata":{"10":"ten","9":"nine","a":"","b":"\u003c","｡":"bmp","😀":"astral"}`);
    expect(line.endsWith('}\n')).toBe(true);
    expect(parseApiPin(JSON.parse(line)).spec).toEqual(spec);
  });

  it('refuses times Go cannot write', () => {
    expect(() => formatGoTime(253402300800000, 'expire_at')).toThrow(ValidationError);
    expect(() => formatGoTime(-1, 'expire_at')).toThrow(ValidationError);
    expect(formatGoTime(null)).toBe(GO_ZERO_TIME);
  });
});
