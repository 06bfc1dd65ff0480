import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ClusterPin } from '../../../src/cluster/index.js';
import { loadCheckpoint } from '../../../src/migrate/checkpoint.js';
import { exitCodeOf, IMPORT_EXIT } from '../../../src/cli/migrate/import-command.js';
import type { ImportSink, SinkResult } from '../../../src/migrate/import-sinks.js';
import { runImport } from '../../../src/migrate/importer.js';
import { parseRejectLine } from '../../../src/migrate/rejects.js';
import { fixture } from './helpers.js';
import { sleep } from '../../../src/sleep.js';

interface FakeSink extends ImportSink {
  readonly written: ClusterPin[];
  calls: number;
}

function fakeSink(options: { concurrency?: number; delay?: (call: number) => number; fail?: (call: number) => boolean; refuse?: (pin: ClusterPin) => string | null } = {}): FakeSink {
  const sink: FakeSink = {
    target: 'direct:fake',
    concurrency: options.concurrency ?? 2,
    written: [],
    calls: 0,
    async write(pins): Promise<SinkResult> {
      const call = ++sink.calls;
      await sleep(options.delay?.(call) ?? 0);
      if (options.fail?.(call)) throw new Error(`sink down at call ${call}`);
      const rejected: Array<{ index: number; code: string; message: string }> = [];
      pins.forEach((p, index) => {
        const why = options.refuse?.(p) ?? null;
        if (why) rejected.push({ index, code: 'PIN_TYPE_CONFLICT', message: why });
        else sink.written.push(p);
      });
      return { duplicates: 0, rejected };
    },
  };
  return sink;
}

function workdir(name = 'migrate/mixed-export.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'import-'));
  const input = join(dir, 'export.json');
  copyFileSync(fixture(name), input);
  return input;
}

const cids = (pins: readonly ClusterPin[]): string[] => [...new Set(pins.map((p) => p.spec.cid))].sort();
const rejectLines = (input: string): number[] =>
  readFileSync(`${input}.rejects.ndjson`, 'utf8').trim().split('\n').map((l) => parseRejectLine(l).line);

describe('import loop', () => {
  it('imports the accepted records, rejects the others to the reject file and checkpoints completion', async () => {
    const input = workdir();
    const sink = fakeSink();
    const report = await runImport({ input, sink, batchPins: 2 });
    expect(report).toMatchObject({ outcome: 'completed', read: 10, written: 7, rejected: 3, readThisRun: 10, rejectFile: `${input}.rejects.ndjson` });
    expect(sink.written).toHaveLength(7);
    expect(rejectLines(input)).toEqual([21, 24, 25]);
    expect(loadCheckpoint(`${input}.pinstate-import.json`)?.status).toBe('completed');
    expect(exitCodeOf(report)).toBe(IMPORT_EXIT.rejected);
  });

  it('a clean file exits 0 and writes no reject file', async () => {
    const input = workdir('cluster/export-v1.ndjson');
    const report = await runImport({ input, sink: fakeSink() });
    expect(report).toMatchObject({ outcome: 'completed', read: 8, written: 8, rejected: 0, rejectFile: null });
    expect(existsSync(`${input}.rejects.ndjson`)).toBe(false);
    expect(exitCodeOf(report)).toBe(IMPORT_EXIT.ok);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9])('interrupted after %i records, then resumed: same pins, same rejects, same totals', async (n) => {
    const input = workdir();
    const sink = fakeSink({ concurrency: 3, delay: (call) => (call % 2) * 5 });
    const first = await runImport({ input, sink, batchPins: 1, stopAfter: n });
    expect(first.outcome).toBe('interrupted');
    expect(exitCodeOf(first)).toBe(IMPORT_EXIT.failure);
    expect(loadCheckpoint(`${input}.pinstate-import.json`)?.status).toBe('interrupted');
    const second = await runImport({ input, sink, batchPins: 1, resume: true });
    expect(second).toMatchObject({ outcome: 'completed', read: 10, written: 7, rejected: 3 });
    expect(second.resumedFrom).toEqual(first.resumePoint);
    expect(cids(sink.written)).toEqual(cids((await single()).written));
    expect(rejectLines(input)).toEqual([21, 24, 25]);
    // A resume of a completed import has nothing to do.
    const third = await runImport({ input, sink, resume: true });
    expect(third.readThisRun).toBe(0);
  });

  it('with out-of-order acknowledgements the resume point never passes an unacknowledged record', async () => {
    const input = workdir('cluster/export-v1.ndjson');
    const sink = fakeSink({ concurrency: 4, delay: (call) => (call === 1 ? 60 : 1), fail: (call) => call === 1 });
    const report = await runImport({ input, sink, batchPins: 1 });
    expect(report.outcome).toBe('failed');
    expect(report.error).toMatch(/sink down/);
    // The first batch failed: resuming starts at the very first record.
    expect(report.resumePoint).toEqual({ line: 1, offset: 0 });
    const again = fakeSink();
    const resumed = await runImport({ input, sink: again, resume: true });
    expect(resumed).toMatchObject({ outcome: 'completed', written: 8 });
    expect(again.written).toHaveLength(8);
  });

  it('--strict stops at the first bad record; a resume starts at it', async () => {
    const input = workdir();
    const sink = fakeSink();
    const report = await runImport({ input, sink, strict: true, batchPins: 1 });
    expect(report.outcome).toBe('strict');
    expect(report.error).toMatch(/^line 21: type:/);
    expect(report.readThisRun).toBe(4);
    expect(cids(sink.written)).toHaveLength(3);
    expect(report.resumePoint.line).toBe(21);
    expect(exitCodeOf(report)).toBe(IMPORT_EXIT.failure);
  });

  it('pins the target refuses are rejected with their line', async () => {
    const input = workdir('cluster/export-v1.ndjson');
    const sink = fakeSink({ refuse: (p) => (p.spec.pinType === 'meta-pin' ? 'pin exists with type pin' : null) });
    const report = await runImport({ input, sink });
    expect(report).toMatchObject({ written: 7, rejected: 1 });
    const r = parseRejectLine(readFileSync(`${input}.rejects.ndjson`, 'utf8').trim());
    expect(r).toMatchObject({ line: 4, code: 'PIN_TYPE_CONFLICT' });
    expect(r.message).toMatch(/refused by direct:fake/);
  });

  it('reads stdin ("-") but cannot resume it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-'));
    const sink = fakeSink();
    const stdin = Readable.from([readFileSync(fixture('cluster/export-multiline.json'))]);
    const report = await runImport({ input: '-', stdin, sink, rejectsPath: join(dir, 'r.ndjson') });
    expect(report).toMatchObject({ outcome: 'completed', written: 3, checkpoint: null });
    await expect(runImport({ input: '-', stdin, sink, resume: true })).rejects.toThrow(/--resume needs a FILE/);
  });

  it('refuses to resume with other overrides', async () => {
    const input = workdir();
    await runImport({ input, sink: fakeSink(), stopAfter: 2 });
    await expect(runImport({ input, sink: fakeSink(), resume: true, overrides: { rmin: 1 } })).rejects.toThrow(/overrides/);
  });
});

async function single(): Promise<FakeSink> {
  const input = workdir();
  const sink = fakeSink();
  await runImport({ input, sink });
  return sink;
}
