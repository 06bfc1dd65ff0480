import { describe, expect, it } from 'vitest';
import { createFileClusterState } from '../../../src/migrate/file-state.js';
import { parseApiPin } from '../../../src/cluster/index.js';
import { createMigrator } from '../../../src/migrate/migrator.js';
import { memoryCheckpointStore } from '../../../src/migrate/migration-state.js';
import { fixture, memoryState } from './helpers.js';

const NEW_CID = 'QmSnuWmxptJZdLJpKRarxBMS2Ju2oANVrgbr2xWLbtEKQR';
const newPin = () => parseApiPin({ cid: NEW_CID, type: 'pin', max_depth: -1 });

describe('migrator (file old state → in-memory new state)', () => {
  it('runs dual-write → backfill → validate → switch → cleanup, routing reads and writes per phase, with events', async () => {
    const oldState = createFileClusterState(fixture('cluster/export-v1.ndjson'));
    const newState = memoryState();
    const checkpoints = memoryCheckpointStore();
    const m = createMigrator(oldState, newState, { checkpoints, batchSize: 3 });
    const events: string[] = [];
    m.on('phase', (e) => events.push(`${e.phase}:${e.status}`));
    let progress = 0;
    m.on('progress', () => progress++);

    await expect(m.backfill()).rejects.toThrow(/needs dual-write/);
    const cluster = await m.dualWrite();
    // Dual write: both sides get the write, reads come from the old side.
    await cluster.add(newPin());
    expect(newState.pins.has(NEW_CID)).toBe(true);
    expect(await oldState.has(NEW_CID)).toBe(true);

    await expect(m.switchReads()).rejects.toThrow(/needs backfill, validate/);
    expect(await m.backfill()).toEqual({ copied: 9, skipped: 0 });
    expect(newState.pins.size).toBe(9);

    // A write that reached only the new side (a crash between the two) is found and repaired.
    await newState.rm('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    await newState.add(parseApiPin({ cid: 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o', type: 'pin', max_depth: -1 }));
    const first = await m.validate();
    expect(first).toMatchObject({ equal: false, missing: 1, extra: 1, repaired: 0 });
    await expect(m.switchReads()).rejects.toThrow(/switch needs validate first/);
    expect(await m.validate({ repair: true })).toMatchObject({ missing: 1, extra: 1, repaired: 2 });
    expect(await m.validate()).toMatchObject({ equal: true, expected: 9 });

    await m.switchReads();
    expect(m.routing).toBe('switched');
    await newState.rm(NEW_CID);
    expect(await cluster.has(NEW_CID)).toBe(false); // reads now come from the new side
    await cluster.rm('QmUaFyXjZUNaUwYF8rBtbJc7fEJ46aJXvgV8z2HHs6jvmJ');
    expect(await oldState.has('QmUaFyXjZUNaUwYF8rBtbJc7fEJ46aJXvgV8z2HHs6jvmJ')).toBe(false); // still written to both

    let cleaned = false;
    const m2 = createMigrator(oldState, newState, { checkpoints, onCleanup: () => Promise.resolve(void (cleaned = true)) });
    await m2.cleanup();
    expect(cleaned).toBe(true);
    expect(m2.routing).toBe('new-only');
    expect(events).toEqual(['dual-write:started', 'dual-write:completed', 'backfill:started', 'backfill:completed', 'validate:started', 'validate:started', 'validate:started', 'validate:completed', 'switch:started', 'switch:completed']);
    expect(progress).toBeGreaterThan(0);
    expect((await m2.status()).completed).toEqual(['dual-write', 'backfill', 'validate', 'switch', 'cleanup']);
  });

  it('resumes an interrupted backfill after the last checkpointed pin (ordered old state) and run() finishes the rest', async () => {
    const oldState = createFileClusterState(fixture('cluster/export-v1.ndjson'));
    const newState = memoryState();
    const checkpoints = memoryCheckpointStore();
    const abort = new AbortController();
    const m = createMigrator(oldState, newState, { checkpoints, batchSize: 2, checkpointEvery: 2 });
    m.on('progress', (p) => {
      if (p.phase === 'backfill' && p.done >= 4) abort.abort();
    });
    await m.dualWrite();
    await expect(m.backfill({ signal: abort.signal })).rejects.toThrow(/interrupted after/);
    const saved = (await checkpoints.load())!;
    expect(saved.backfill).toEqual({ copied: 4, done: false });
    const writesBefore = newState.writes;

    const resumed = createMigrator(oldState, newState, { checkpoints, batchSize: 2 });
    const final = await resumed.run();
    expect(final.completed).toEqual(['dual-write', 'backfill', 'validate', 'switch', 'cleanup']);
    expect(newState.writes - writesBefore).toBe(4); // only the 4 pins not yet copied
    expect(final.validation).toMatchObject({ equal: true, expected: 8 });
  });
});
