import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture, readAllRecords } from './helpers.js';

const summary = (records: Awaited<ReturnType<typeof readAllRecords>>): string[] =>
  records.map((r) => (r.ok ? `${r.line}:${r.pin.spec.pinType}:${r.pin.spec.cid}` : `${r.line}:${r.reject.code}/${r.reject.field}`));

describe('reading IPFS Cluster exports for import', () => {
  it.each([
    ['cluster/export-v1.ndjson', '1:ok 2:ok 3:ok 4:ok 5:ok 6:ok 7:ok 8:ok'],
    ['cluster/export-multiline.json', '1:ok 25:ok 35:ok'],
    ['cluster/export-pre-1.0.json', '1:ok 2:ok 3:ok 4:ok 5:ok'],
    [
      'cluster/export-bad.ndjson',
      '1:ok 2:INVALID_CID/cid 3:INVALID_REPLICATION/replication_factor_min 4:UNDECODABLE/$ 5:ok 6:INVALID_FIELD/replication_factor_min 7:UNDECODABLE/$ 8:INVALID_FIELD/type 9:INVALID_PEER/allocations[2] 10:MISSING_FIELD/type 11:INVALID_FIELD/metadata.size 12:INVALID_FIELD/expire_at 13:ok',
    ],
    ['migrate/mixed-export.json', '1:ok 2:ok 20:ok 21:MISSING_FIELD/type 22:ok 22:ok 23:ok 24:INVALID_FIELD/type 25:UNDECODABLE/$ 27:ok'],
  ])('%s: accepted and rejected records, by line', async (name, expected) => {
    const records = await readAllRecords(readFileSync(fixture(name)));
    expect(records.map((r) => (r.ok ? `${r.line}:ok` : `${r.line}:${r.reject.code}/${r.reject.field}`)).join(' ')).toBe(expected);
  });

  it('keeps every field of a fully-set pin, sharded types, pre-1.0 shapes and expire_at', async () => {
    const records = await readAllRecords(readFileSync(fixture('migrate/mixed-export.json')));
    const pins = records.flatMap((r) => (r.ok ? [r.pin] : []));
    const full = pins[0]!;
    expect(full.spec).toMatchObject({ name: 'every-field <v1>', replicationFactorMin: 2, replicationFactorMax: 3, metadata: { app: 'demo', env: 'prod' }, pinUpdate: 'QmP63DkAFEnDYNjDYBpyNDfttu1fvUw99x1brscPzpqmmq', expireAt: Date.UTC(2031, 1, 3, 4, 5, 6) });
    expect(full.spec.origins).toHaveLength(1);
    expect(full.allocations).toEqual(['12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv', '12D3KooWGHTKzeT4KaLGLrbKKyT8zKrBPXAUBRzCAN6ZMDMo4M6M']);
    expect(full.userAllocations).toEqual(['12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv']);
    expect(pins.map((p) => p.spec.pinType)).toEqual(['pin', 'pin', 'pin', 'meta-pin', 'clusterdag-pin', 'shard-pin', 'pin']);
    // Pre-1.0: {"/": cid} and numeric type 2, no timestamp.
    expect(pins[2]!.spec).toMatchObject({ cid: 'QmUaFyXjZUNaUwYF8rBtbJc7fEJ46aJXvgV8z2HHs6jvmJ', pinType: 'pin', timestamp: null });
    // Sub-millisecond expire_at with an offset: truncated to ms, converted to UTC.
    expect(pins[6]!.spec.expireAt).toBe(Date.UTC(2029, 11, 31, 23, 0, 0, 123));
  });

  it('rejects carry the line, code, field, a message naming the field and the raw text', async () => {
    const records = await readAllRecords(readFileSync(fixture('migrate/mixed-export.json')));
    const rejects = records.flatMap((r) => (r.ok ? [] : [r.reject]));
    expect(rejects[0]).toMatchObject({ line: 21, code: 'MISSING_FIELD', field: 'type' });
    expect(rejects[0]!.message).toMatch(/^type: .*line 21/);
    expect(JSON.parse(rejects[0]!.raw!)).toMatchObject({ name: 'no-type' });
    // Undecodable input: raw is the text of the line it starts on.
    expect(rejects[2]!.raw).toMatch(/^\{"replication_factor_min":2.*"allo$/);
  });

  it('gives each record the byte offset of its first line; chunking does not matter', async () => {
    const bytes = readFileSync(fixture('migrate/mixed-export.json'));
    const records = await readAllRecords(bytes, {}, 1);
    for (const r of records) {
      expect(r.offset).not.toBeNull();
      const lineStart = bytes.subarray(0, r.offset!).toString().split('\n').length;
      expect(lineStart).toBe(r.line);
    }
    expect(summary(await readAllRecords(bytes, {}, 65536))).toEqual(summary(records));
  });

  it('read from any record position, gives the same records with absolute line numbers', async () => {
    const bytes = readFileSync(fixture('migrate/mixed-export.json'));
    const all = await readAllRecords(bytes);
    for (const [i, r] of all.entries()) {
      const rest = await readAllRecords(bytes.subarray(r.offset!), { start: { line: r.line, offset: r.offset! } });
      // Objects sharing the start line are read again.
      const from = all.findIndex((x) => x.line === r.line);
      expect(summary(rest), `from record ${i}`).toEqual(summary(all.slice(from)));
      expect(rest.every((x) => x.offset! >= r.offset!)).toBe(true);
    }
  });

  it('applies overrides while reading and rejects a pin the override makes invalid', async () => {
    const bytes = readFileSync(fixture('cluster/export-v1.ndjson'));
    const records = await readAllRecords(bytes, { overrides: { rmin: 5 } });
    // Pins with max 3 become 5/3 → rejected; -1/-1 pins too (-1 goes only with -1); 0/0 → 5/0 is accepted (0 = default).
    const rejected = records.filter((r) => !r.ok);
    expect(rejected.every((r) => !r.ok && r.reject.field === 'replication_factor_min' && r.reject.code === 'INVALID_REPLICATION')).toBe(true);
    const ok = records.flatMap((r) => (r.ok ? [r.pin] : []));
    expect(ok.length + rejected.length).toBe(8);
    expect(ok.every((p) => p.spec.replicationFactorMin === 5)).toBe(true);
  });
});
