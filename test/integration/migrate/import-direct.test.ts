import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiPinLine, parseApiPin } from '../../../src/cluster/index.js';
import { exportPins } from '../../../src/migrate/exporter.js';
import { writeSyntheticExport } from '../../../src/migrate/generate-export.js';
import { directSink } from '../../../src/migrate/import-sinks.js';
import { runImport } from '../../../src/migrate/importer.js';
import { migrationProgram } from '../../../src/cli/migrate/register.js';
import { applyHeapPolicy, effectiveHeapGrowingPercent } from '../../../src/heap-policy.js';
import { verifyFile } from '../../../src/cli/migrate/verify-command.js';
import { diffDumps } from '../../support/diff-dump.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { fixture, fixtureCopy, tempDir, testContext } from './helpers.js';

const PINS = 3000;
let a: TestKeyspace;
let b: TestKeyspace;
let c: TestKeyspace;
let generated: string;

beforeAll(async () => {
  [a, b, c] = await Promise.all([freshStore('imp_a'), freshStore('imp_b'), freshStore('imp_c')]);
  generated = join(tempDir(), 'export-3k.ndjson');
  await writeSyntheticExport(generated, PINS, 'it-direct');
});
afterAll(async () => {
  await Promise.all([a?.cleanup(), b?.cleanup(), c?.cleanup()]);
});

async function exportText(store: TestKeyspace['store']): Promise<string[]> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (d: Buffer) => chunks.push(d.toString()));
  await exportPins(store.list(), out);
  return chunks.join('').split('\n').filter(Boolean).sort();
}

describe('import --direct, export, verify (real Cassandra)', () => {
  it('importing the same file twice leaves identical tables; the second run is all duplicates', async () => {
    const input = fixtureCopy('migrate/mixed-export.json');
    const first = await runImport({ input, sink: directSink(a.store), batchPins: 3 });
    expect(first).toMatchObject({ outcome: 'completed', read: 10, written: 7, rejected: 3, duplicates: 0 });
    const once = await dumpKeyspace(a.store.session);
    expect(once['pins_by_cid']).toHaveLength(7);
    const second = await runImport({ input, sink: directSink(a.store), batchPins: 3 });
    expect(second).toMatchObject({ outcome: 'completed', written: 7, duplicates: 7 });
    expect(diffDumps(once, await dumpKeyspace(a.store.session))).toBe('');
  });

  it('an interrupted import resumed gives the same tables, write times included, as one run', async () => {
    const single = await runImport({ input: generated, sink: directSink(b.store), checkpointPath: join(tempDir(), 'single.json') });
    expect(single).toMatchObject({ outcome: 'completed', written: PINS });
    const reference = await dumpKeyspace(b.store.session);

    const checkpointPath = join(tempDir(), 'resumed.json');
    const part = await runImport({ input: generated, sink: directSink(c.store), checkpointPath, batchPins: 100, stopAfter: 1234 });
    expect(part.outcome).toBe('interrupted');
    expect(part.resumePoint.line).toBeGreaterThan(1);
    const rest = await runImport({ input: generated, sink: directSink(c.store), checkpointPath, batchPins: 100, resume: true });
    expect(rest).toMatchObject({ outcome: 'completed', read: PINS, written: PINS });
    expect(rest.readThisRun).toBeLessThanOrEqual(PINS - part.resumePoint.line + 1);
    expect(diffDumps(reference, await dumpKeyspace(c.store.session))).toBe('');
  });

  it('import → export → verify against the original reports equality; export lines are the normalised originals', async () => {
    const original = readFileSync(generated, 'utf8').split('\n').filter(Boolean).sort();
    // The generator writes formatApiPinLine output, so the export must be byte-identical.
    expect(await exportText(b.store)).toEqual(original);
    const report = await verifyFile(generated, b.store);
    expect(report).toMatchObject({ equal: true, expected: PINS, matching: PINS, missing: 0, extra: 0, differing: 0, unreadable: 0 });

    // Real fixtures round-trip through the normalisation (sorted allocations, UTC seconds, …).
    const v1 = fixture('cluster/export-v1.ndjson');
    expect(await runImport({ input: fixtureCopy('cluster/export-v1.ndjson'), sink: directSink(c.store) })).toMatchObject({ written: 8, rejected: 0 });
    const expectedLines = readFileSync(v1, 'utf8').split('\n').filter(Boolean).map((l) => formatApiPinLine(parseApiPin(JSON.parse(l))).trimEnd());
    const exported = await exportText(c.store);
    const byCid = new Map(exported.map((l) => [(JSON.parse(l) as { cid: string }).cid, l]));
    for (const line of expectedLines) expect(byCid.get((JSON.parse(line) as { cid: string }).cid)).toBe(line);
  });

  it('a modified file reports exactly the differences', async () => {
    const lines = readFileSync(generated, 'utf8').split('\n').filter(Boolean);
    const removed = [lines[10]!, lines[2000]!].map((l) => (JSON.parse(l) as { cid: string }).cid);
    const renamed = JSON.parse(lines[500]!) as { cid: string; name: string };
    const added = readFileSync(fixture('cluster/export-v1.ndjson'), 'utf8').split('\n')[0]!;
    const modified = lines.filter((_, i) => i !== 10 && i !== 2000).map((l, i) => (i === 499 ? l.replace(`"name":"${renamed.name}"`, '"name":"renamed"') : l));
    modified.push(added, 'garbage line');
    const path = join(tempDir(), 'modified.ndjson');
    writeFileSync(path, `${modified.join('\n')}\n`);
    const report = await verifyFile(path, b.store, { sample: 5 });
    expect(report).toMatchObject({ equal: false, expected: PINS - 2 + 1, missing: 1, extra: 2, differing: 1, unreadable: 1, fields: { name: 1 } });
    expect(report.samples.missing).toEqual([(JSON.parse(added) as { cid: string }).cid]);
    expect([...report.samples.extra].sort()).toEqual([...removed].sort());
    expect(report.samples.differing).toEqual([{ cid: renamed.cid, fields: [{ field: 'name', expected: 'renamed', actual: renamed.name }] }]);
  });

  it('the commands: import exit 3 with rejects, verify exit 0/1, export to a file, usage errors exit 2', async () => {
    const codes: number[] = [];
    const ctx = testContext(a.config);
    const run = async (...argv: string[]): Promise<number> => {
      await migrationProgram(ctx, { onExit: (code) => codes.push(code) }).parseAsync(argv, { from: 'user' });
      return codes.at(-1)!;
    };
    const input = fixtureCopy('migrate/mixed-export.json');
    expect(await run('import', input, '--direct')).toBe(3);
    expect(ctx.stdout.join('')).toMatch(/outcome:\s+completed[\s\S]*applied:\s+7[\s\S]*rejected:\s+3 \(see .*rejects\.ndjson\)[\s\S]*duplicates:\s+7/);
    expect(await run('import', input, '--direct', '--strict')).toBe(1);
    const out = join(tempDir(), 'exported.ndjson');
    expect(await run('export', out)).toBe(0);
    expect(await run('verify', '--against', out)).toBe(0);
    expect(await run('verify', '--against', input)).toBe(1);
    expect(ctx.stdout.join('')).toMatch(/DIFFERENT[\s\S]*unreadable:\s+3/);
    expect(await run('verify')).toBe(2);
    expect(await run('import', join(tempDir(), 'nope.json'), '--direct')).toBe(2);
    expect(await run('import', input, '--direct', '--rmin', 'x')).toBe(2);
    expect(await run('replay', '--keyspace', 'x')).toBe(2);
    expect(await run('replay', '--from-beginning', '--keyspace', a.keyspace.replace(/.*/, a.config.scylla.keyspace))).toBe(2);
  });

  it('export and import apply heap_growing_percent from their config', async () => {
    const run = async (percent: number, ...argv: string[]): Promise<number> => {
      const codes: number[] = [];
      await migrationProgram(testContext({ ...a.config, heapGrowingPercent: percent }), { onExit: (code) => codes.push(code) }).parseAsync(argv, { from: 'user' });
      return codes.at(-1)!;
    };
    try {
      expect(await run(37, 'export', join(tempDir(), 'heap.ndjson'))).toBe(0);
      expect(effectiveHeapGrowingPercent()).toBe(37);
      expect(await run(41, 'import', fixtureCopy('migrate/mixed-export.json'), '--direct')).toBe(3);
      expect(effectiveHeapGrowingPercent()).toBe(41);
    } finally {
      // Back to V8's own policy, which this test process started with.
      applyHeapPolicy(0);
    }
  });
});
