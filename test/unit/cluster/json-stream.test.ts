import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApiPin } from '../../../src/cluster/api-pin.js';
import { isJsonErrorRecord, readJsonObjects, type JsonStreamRecord } from '../../../src/cluster/json-stream.js';
import { ValidationError } from '../../../src/errors.js';
import { byteChunks, collect, cutAt, fixture, stream, strings, summary } from './helpers.js';

const CHUNK_SIZES = [1, 7, 4096] as const;

const values = (records: JsonStreamRecord[]): unknown[] => records.map((r) => ('value' in r ? r.value : r.error.code));

describe.each(CHUNK_SIZES)('readJsonObjects, %i-byte chunks', (size) => {
  it('reads a v1 NDJSON export, one object per line', async () => {
    const text = fixture('export-v1.ndjson');
    const records = await collect(byteChunks(text, size));
    expect(records.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(values(records)).toEqual(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown));
  });

  it('reads pretty-printed multi-line objects with the line each starts on', async () => {
    const records = await collect(byteChunks(fixture('export-multiline.json'), size));
    expect(records.map(summary).map((s) => s.line)).toEqual([1, 25, 35]);
    expect(records.every((r) => !isJsonErrorRecord(r))).toBe(true);
    const first = records[0] as { value: { metadata: { note: string } } };
    expect(first.value.metadata.note).toBe('braces { } and "quotes" in a string');
  });

  it('reads pre-1.0 exports ({"/": cid} objects nest one level deeper)', async () => {
    const records = await collect(byteChunks(fixture('export-pre-1.0.json'), size));
    expect(records).toHaveLength(5);
    expect(records.every((r) => 'value' in r)).toBe(true);
  });

  it('reports malformed lines and carries on', async () => {
    const records = await collect(byteChunks(fixture('export-bad.ndjson'), size));
    expect(records.map(summary).map((s) => [s.line, s.code ?? 'ok'])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
      [3, 'ok'],
      [4, 'UNDECODABLE'],
      [5, 'ok'],
      [6, 'ok'],
      [7, 'UNDECODABLE'],
      [8, 'ok'],
      [9, 'ok'],
      [10, 'ok'],
      [11, 'ok'],
      [12, 'ok'],
      [13, 'ok'],
    ]);
  });

  it('keeps multi-byte UTF-8 intact across chunk boundaries', async () => {
    const text = '{"name":"données-🎉-名前","m":{"κ":"€"}}\n{"x":"😀😀😀"}';
    const records = await collect(byteChunks(text, size));
    expect(values(records)).toEqual([{ name: 'données-🎉-名前', m: { κ: '€' } }, { x: '😀😀😀' }]);
  });
});

describe('readJsonObjects', () => {
  it('with parseApiPin, sorts a bad export into pins and reasons', async () => {
    const outcome: (string | [string, string | undefined])[] = [];
    for await (const record of readJsonObjects(byteChunks(fixture('export-bad.ndjson'), 64))) {
      if ('error' in record) {
        outcome.push([record.error.code, `line ${record.line}`]);
        continue;
      }
      try {
        outcome.push(parseApiPin(record.value, `line ${record.line}`).spec.name);
      } catch (err: unknown) {
        if (!(err instanceof ValidationError)) throw err;
        outcome.push([err.code, err.field]);
      }
    }
    expect(outcome).toEqual([
      'good-1',
      ['INVALID_CID', 'cid'],
      ['INVALID_REPLICATION', 'replication_factor_min'],
      ['UNDECODABLE', 'line 4'],
      'good-2',
      ['INVALID_FIELD', 'replication_factor_min'],
      ['UNDECODABLE', 'line 7'],
      ['INVALID_FIELD', 'type'],
      ['INVALID_PEER', 'allocations[2]'],
      ['MISSING_FIELD', 'type'],
      ['INVALID_FIELD', 'metadata.size'],
      ['INVALID_FIELD', 'expire_at'],
      'good-3',
    ]);
  });

  it('reads several objects on one line, with or without whitespace between', async () => {
    const records = await collect(strings('{"a":1} {"b":2}{"c":3}\t\r\n  {"d":4}'));
    expect(records).toEqual([
      { value: { a: 1 }, line: 1 },
      { value: { b: 2 }, line: 1 },
      { value: { c: 3 }, line: 1 },
      { value: { d: 4 }, line: 2 },
    ]);
  });

  it('handles braces, brackets, escaped quotes and backslashes inside strings', async () => {
    const text = String.raw`{"a":"}{][","b":"say \"hi\" {","c":"\\","d":"\\\"}","e":"\u007b\/"}`;
    const records = await collect(byteChunks(text, 1));
    expect(values(records)).toEqual([JSON.parse(text)]);
  });

  it('accepts every JSON value type inside an object', async () => {
    const text = '{"n":[-0.5e+10,0,12,3.25E-2],"t":true,"f":false,"z":null,"o":{"deep":[[{}],[]]},"s":""}';
    expect(values(await collect(byteChunks(text, 3)))).toEqual([JSON.parse(text)]);
  });

  it('returns nothing for empty or blank input (IPFS Cluster: success)', async () => {
    expect(await collect(strings())).toEqual([]);
    expect(await collect(strings('', ' \n\n\t '))).toEqual([]);
  });

  it('skips a leading byte-order mark', async () => {
    const bom = Uint8Array.from([0xef, 0xbb, 0xbf]);
    expect(values(await collect(stream([bom, new TextEncoder().encode('{"a":1}')])))).toEqual([{ a: 1 }]);
    expect(values(await collect(strings('\ufeff{"a":1}')))).toEqual([{ a: 1 }]);
  });

  it('replaces invalid UTF-8 with U+FFFD, as Go does', async () => {
    const bytes = Uint8Array.from([...new TextEncoder().encode('{"a":"x'), 0xff, ...new TextEncoder().encode('y"}')]);
    expect(values(await collect(stream([bytes])))).toEqual([{ a: 'x\ufffdy' }]);
  });

  it('mixes string and byte chunks', async () => {
    const euro = new TextEncoder().encode('€');
    expect(values(await collect(stream<Uint8Array | string>(['{"a":"', euro, '"}'])))).toEqual([{ a: '€' }]);
  });

  it('includes the source text on request', async () => {
    const records = await collect(strings('  {"a": [1, 2]}\n{"b":\n 2}'), { includeRaw: true });
    expect(records).toEqual([
      { value: { a: [1, 2] }, line: 1, raw: '{"a": [1, 2]}' },
      { value: { b: 2 }, line: 2, raw: '{"b":\n 2}' },
    ]);
  });

  describe('errors and resynchronisation', () => {
    it('reports stray text once, with its line, then resumes at the next object line', async () => {
      const records = await collect(strings('not exactly json\nmore junk\n{"a":1}\n'));
      expect(records.map(summary)).toEqual([{ line: 1, code: 'UNDECODABLE', errorLine: 1 }, { line: 3, value: { a: 1 } }]);
      const err = (records[0] as { error: ValidationError }).error;
      expect(err.field).toBe('$');
      expect(err.message).toMatch(/expected '\{'.*found "n"/);
      expect(err.isInputError).toBe(true);
    });

    it('restarts at once when a truncated line is followed by an object', async () => {
      const records = await collect(strings('{"a":1,"b":"x"\n{"c":3}\n'));
      expect(records.map(summary)).toEqual([{ line: 1, code: 'UNDECODABLE', errorLine: 2 }, { line: 2, value: { c: 3 } }]);
    });

    it('treats a line break inside a string as a truncated line', async () => {
      const records = await collect(strings('{"a":"trunc\n{"c":3}\n'));
      expect(records.map(summary)).toEqual([{ line: 1, code: 'UNDECODABLE', errorLine: 1 }, { line: 2, value: { c: 3 } }]);
      expect((records[0] as { error: ValidationError }).error.message).toMatch(/line break inside a string/);
    });

    it('skips the rest of a line after a syntax error mid-line', async () => {
      const records = await collect(strings('{"a":1,} {"b":2}\n{"c":3}'));
      expect(records.map(summary)).toEqual([{ line: 1, code: 'UNDECODABLE', errorLine: 1 }, { line: 2, value: { c: 3 } }]);
    });

    it('reports the column of the fault', async () => {
      const [record] = await collect(strings('{"a":tru}'));
      expect((record as { error: ValidationError }).error.details).toEqual({ line: 1, errorLine: 1, column: 9 });
    });

    it.each([
      ['trailing comma', '{"a":1,}'],
      ['missing colon', '{"a" 1}'],
      ['unquoted key', '{a:1}'],
      ['single quotes', "{'a':1}"],
      ['leading zero', '{"a":01}'],
      ['bare minus', '{"a":-}'],
      ['dot without digits', '{"a":1.}'],
      ['exponent without digits', '{"a":1e}'],
      ['bad literal', '{"a":nul}'],
      ['bad escape', String.raw`{"a":"\x"}`],
      ['short unicode escape', String.raw`{"a":"\u12"}`],
      ['tab in string', '{"a":"\t"}'],
      ['mismatched bracket', '{"a":[1}'],
      ['NaN', '{"a":NaN}'],
      ['two values', '{"a":1 2}'],
    ])('rejects %s', async (_name, text) => {
      expect(() => JSON.parse(text) as unknown).toThrow();
      const records = await collect(strings(text, '\n{"ok":true}'));
      expect(records.map(summary).map((s) => s.code ?? s.value)).toEqual(['UNDECODABLE', { ok: true }]);
    });

    it('rejects top-level arrays and scalars, as IPFS Cluster does', async () => {
      for (const text of ['[{"a":1}]', '"pin"', '42', 'null']) {
        const [first] = await collect(strings(text));
        expect(first && 'error' in first && first.error.code).toBe('UNDECODABLE');
      }
      const [arr] = await collect(strings('[]'));
      expect((arr as { error: ValidationError }).error.message).toMatch(/jq -c/);
    });

    it("in lenient use still recovers the objects of sharness's array-wrapped importState", async () => {
      const text = '[\n    {\n        "cid": "QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6",\n        "name": ""\n    }\n]\n';
      expect((await collect(strings(text))).map(summary)).toEqual([
        { line: 1, code: 'UNDECODABLE', errorLine: 1 },
        { line: 2, value: { cid: 'QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6', name: '' } },
        { line: 6, code: 'UNDECODABLE', errorLine: 6 },
      ]);
    });

    it('reports an object cut off by the end of input', async () => {
      const records = await collect(strings('{"a":1}\n{"b":[2,'));
      expect(records.map(summary)).toEqual([{ line: 1, value: { a: 1 } }, { line: 2, code: 'UNDECODABLE', errorLine: 2 }]);
      expect((records[1] as { error: ValidationError }).error.message).toMatch(/end of input/);
    });

    it('skips an oversized object without buffering it, then goes on', async () => {
      const big = `{"name":"${'x'.repeat(5000)}","nested":{"s":"}{"}}`;
      const records = await collect(byteChunks(`{"a":1}\n${big}\n{"b":2}\n`, 7), { maxObjectBytes: 1000 });
      expect(records.map(summary)).toEqual([
        { line: 1, value: { a: 1 } },
        { line: 2, code: 'OVERSIZED_VALUE', errorLine: 2 },
        { line: 3, value: { b: 2 } },
      ]);
    });

    it('counts the limit in UTF-8 bytes', async () => {
      const obj = `{"a":"${'é'.repeat(10)}"}`; // 8 ASCII + 20 bytes of é
      expect(values(await collect(strings(obj), { maxObjectBytes: 28 }))).toEqual([{ a: 'é'.repeat(10) }]);
      expect(values(await collect(strings(obj), { maxObjectBytes: 27 }))).toEqual(['OVERSIZED_VALUE']);
    });

    it('bounds nesting', async () => {
      const deep = `{"a":${'['.repeat(10)}${']'.repeat(10)}}`;
      expect(values(await collect(strings(deep), { maxNesting: 11 }))).toEqual([{ a: JSON.parse('['.repeat(10) + ']'.repeat(10)) as unknown }]);
      expect(values(await collect(strings(deep), { maxNesting: 10 }))).toEqual(['UNDECODABLE']);
    });

    it('rejects nonsense options', async () => {
      await expect(readJsonObjects(strings(), { maxObjectBytes: 0 }).next()).rejects.toThrow(RangeError);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties.

/** An object with JSON-safe content (no `-0`, which JSON text cannot carry back). */
const objectArb = fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }).map((o) => JSON.parse(JSON.stringify(o)) as unknown);
const separatorArb = fc.stringMatching(/^[ \t\r\n]{0,3}$/);

/** A stream of objects, each compact or pretty-printed, with random whitespace between. */
const streamArb = fc
  .array(fc.tuple(objectArb, fc.constantFrom(undefined, 2, '\t'), separatorArb), { maxLength: 6 })
  .map((items) => {
    let text = '';
    const expected: { value: unknown; line: number }[] = [];
    for (const [value, indent, sep] of items) {
      text += sep; // may be empty: Go's decoder reads `{}{}` too
      expected.push({ value, line: text.split('\n').length });
      text += JSON.stringify(value, null, indent);
    }
    return { text, expected };
  });

describe('readJsonObjects (properties)', () => {
  it('any split of a valid stream into byte chunks yields the same objects and lines', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, fc.array(fc.nat(), { maxLength: 20 }), async ({ text, expected }, cuts) => {
        const byteLength = new TextEncoder().encode(text).length;
        const records = await collect(cutAt(text, cuts.map((c) => (byteLength === 0 ? 0 : c % (byteLength + 1)))));
        expect(records).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with JSON.parse on one-character corruptions of an object', async () => {
    const corrupted = fc
      .tuple(objectArb, fc.nat(), fc.constantFrom('delete', 'insert', 'replace'), fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', 'a', '1', ' ', '-', '.', 'e'))
      .map(([value, at, op, ch]) => {
        const text = JSON.stringify(value);
        const i = at % (text.length + 1);
        if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
        if (op === 'insert') return text.slice(0, i) + ch + text.slice(i);
        return text.slice(0, i) + ch + text.slice(i + 1);
      })
      .filter((t) => t.startsWith('{'));
    await fc.assert(
      fc.asyncProperty(corrupted, async (text) => {
        let parsed: unknown;
        let valid = true;
        try {
          parsed = JSON.parse(text);
        } catch {
          valid = false;
        }
        const records = await collect(strings(text));
        if (valid && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
          expect(records).toEqual([{ value: parsed, line: 1 }]);
        } else {
          expect(records.some(isJsonErrorRecord)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws and always terminates on arbitrary input', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), fc.integer({ min: 1, max: 16 }), async (text, size) => {
        const records = await collect(byteChunks(text, size), { maxObjectBytes: 64 });
        for (const r of records) expect(r.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });
});
