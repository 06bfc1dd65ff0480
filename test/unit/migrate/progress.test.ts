import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../../src/migrate/progress.js';
import { formatImportReport } from '../../../src/cli/migrate/import-command.js';
import type { ImportReport } from '../../../src/migrate/importer.js';

describe('progress and reports', () => {
  it('without a terminal: a JSON log line per interval with count, rate, percent and ETA', async () => {
    const lines: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const p = createProgressReporter({ label: 'import', unit: 'pins', tty: false, logger: pino(stream), logEveryMs: 0 });
    p.update({ done: 50, total: 200, items: 10, counts: { rejected: 1 } });
    p.stop();
    await new Promise((r) => setImmediate(r));
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ msg: 'import progress', pins: 10, percent: 25, rejected: 1 });
    expect(typeof entry['perSecond']).toBe('number');
    expect(typeof entry['etaSeconds']).toBe('number');
  });

  it('the final import report names the target, counts and where to resume', () => {
    const report: ImportReport = {
      outcome: 'interrupted', target: 'kafka:pins.intents', read: 10, written: 7, rejected: 3, duplicates: 0, readThisRun: 10, seconds: 2, pinsPerSecond: 5,
      resumedFrom: null, resumePoint: { line: 4, offset: 99 }, rejectFile: 'x.rejects.ndjson', checkpoint: '/d/x.ndjson.pinstate-import.json', error: null,
    };
    const text = formatImportReport(report);
    expect(text).toMatch(/outcome:\s+interrupted/);
    expect(text).toMatch(/published:\s+7/);
    expect(text).toMatch(/rejected:\s+3 \(see x\.rejects\.ndjson\)/);
    expect(text).toMatch(/duplicates:\s+n\/a/);
    expect(text).toMatch(/resume with:\s+pinstate import "\/d\/x\.ndjson" --resume/);
  });
});
