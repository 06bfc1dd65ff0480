import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { createRejectSink, formatRejectLine, parseRejectLine, rejectFromError } from '../../../src/migrate/rejects.js';

describe('reject file', () => {
  it('one NDJSON object per reject, keys line, code, field, message, raw', () => {
    const r = rejectFromError(new ValidationError('INVALID_CID', 'cid', 'not a CID (line 3)'), 3, '{"cid":"x"}');
    const line = formatRejectLine(r);
    expect(line).toBe('{"line":3,"code":"INVALID_CID","field":"cid","message":"cid: not a CID (line 3)","raw":"{\\"cid\\":\\"x\\"}"}\n');
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['line', 'code', 'field', 'message', 'raw']);
    expect(parseRejectLine(line)).toEqual(r);
  });

  it('non-pinstate errors become INTERNAL without a field', () => {
    expect(rejectFromError(new TypeError('boom'), 1, null)).toEqual({ line: 1, code: 'INTERNAL', field: null, message: 'boom', raw: null });
  });

  it('creates the file on the first reject only, and replaces an old one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rejects-'));
    const path = join(dir, 'r.ndjson');
    createRejectSink(path).close();
    expect(() => readFileSync(path)).toThrow();
    writeFileSync(path, 'old content\n');
    const sink = createRejectSink(path);
    sink.write({ line: 1, code: 'UNDECODABLE', field: '$', message: 'm', raw: null });
    sink.close();
    expect(readFileSync(path, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('a resume keeps the rejects of lines before the resume point and drops the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rejects-'));
    const path = join(dir, 'r.ndjson');
    const first = createRejectSink(path);
    for (const line of [2, 9, 5, 12]) first.write({ line, code: 'INVALID_FIELD', field: 'type', message: 'x', raw: null });
    first.close();
    const resumed = createRejectSink(path, 9);
    expect(resumed.count).toBe(2);
    resumed.write({ line: 9, code: 'INVALID_FIELD', field: 'type', message: 'again', raw: null });
    resumed.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').map((l) => parseRejectLine(l).line)).toEqual([2, 5, 9]);
  });
});
