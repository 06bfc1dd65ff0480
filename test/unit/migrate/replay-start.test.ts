import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayStartOf } from '../../../src/cli/migrate/replay-command.js';
import { loadOffsetsFile, parseTimestamp } from '../../../src/migrate/replay-start.js';
import { defaultReplayGroup } from '../../../src/migrate/replay.js';

describe('replay start options', () => {
  it('exactly one of --from-beginning, --from-timestamp, --from-offsets', () => {
    expect(replayStartOf({})).toMatch(/exactly one/);
    expect(replayStartOf({ fromBeginning: true, fromTimestamp: '1' })).toMatch(/exactly one/);
    expect(replayStartOf({ fromBeginning: true })).toEqual({ kind: 'beginning' });
    expect(replayStartOf({ fromTimestamp: '2024-05-06T10:11:12Z' })).toEqual({ kind: 'timestamp', ts: Date.UTC(2024, 4, 6, 10, 11, 12) });
  });

  it('timestamps: unix ms or RFC 3339; anything else names the flag', () => {
    expect(parseTimestamp('1700000000000')).toBe(1_700_000_000_000);
    expect(() => parseTimestamp('yesterday')).toThrow(/--from-timestamp/);
  });

  it('offsets files: {topic: {partition: offset}}, checked field by field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'offsets-'));
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ intents: { '0': '12', '1': 40 }, 'pins.acks': {} }));
    expect(loadOffsetsFile(good)).toEqual({ intents: { '0': '12', '1': 40 }, 'pins.acks': {} });
    expect(replayStartOf({ fromOffsets: good })).toMatchObject({ kind: 'offsets' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ intents: { x: '1' } }));
    expect(() => loadOffsetsFile(bad)).toThrow(/--from-offsets\.intents\.x/);
    writeFileSync(bad, JSON.stringify({ intents: { '0': -1 } }));
    expect(() => loadOffsetsFile(bad)).toThrow(/offset must be a non-negative integer/);
    writeFileSync(bad, 'not json');
    expect(replayStartOf({ fromOffsets: bad })).toMatch(/--from-offsets/);
  });

  it('the default group is per keyspace', () => {
    expect(defaultReplayGroup('ks2')).toBe('pinstate-replay-ks2');
  });
});
