import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCheckpointPath, inputIdentity, loadCheckpoint, resumeMismatch, saveCheckpoint, type ImportCheckpoint } from '../../../src/migrate/checkpoint.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'ckpt-'));
  const input = join(dir, 'export.ndjson');
  writeFileSync(input, '{"a":1}\n{"b":2}\n');
  const identity = inputIdentity(input);
  const checkpoint: ImportCheckpoint = {
    version: 1,
    input: identity,
    target: 'direct:ks',
    overrides: '{"rmin":null,"rmax":null,"allocs":[]}',
    status: 'interrupted',
    resume: { position: { line: 2, offset: 8 }, records: 1 },
    rejectFile: `${input}.rejects.ndjson`,
    startedAt: 'x',
    updatedAt: 'y',
  };
  return { dir, input, identity, checkpoint };
}

describe('import checkpoint', () => {
  it('defaults next to the input and round-trips through the file atomically', () => {
    const { input, checkpoint } = setup();
    const path = defaultCheckpointPath(input);
    expect(path).toBe(`${input}.pinstate-import.json`);
    expect(loadCheckpoint(path)).toBeNull();
    saveCheckpoint(path, checkpoint);
    expect(loadCheckpoint(path)).toEqual(checkpoint);
  });

  it('refuses a file that is not a checkpoint, naming it', () => {
    const { dir } = setup();
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"version": 9}');
    expect(() => loadCheckpoint(path)).toThrow(/not a pinstate import checkpoint/);
    writeFileSync(path, 'nope');
    expect(() => loadCheckpoint(path)).toThrow(/not valid JSON/);
  });

  it('a resume must continue the same import: same file, target and overrides', () => {
    const { input, identity, checkpoint } = setup();
    expect(resumeMismatch(checkpoint, identity, 'direct:ks', checkpoint.overrides)).toBeNull();
    expect(resumeMismatch(checkpoint, identity, 'kafka:pins.intents', checkpoint.overrides)?.field).toBe('checkpoint.target');
    expect(resumeMismatch(checkpoint, identity, 'direct:ks', '{"rmin":2}')?.field).toBe('checkpoint.overrides');
    writeFileSync(input, '{"a":1}\n{"b":3}\n');
    expect(resumeMismatch(checkpoint, inputIdentity(input), 'direct:ks', checkpoint.overrides)?.field).toBe('checkpoint.input');
  });
});
