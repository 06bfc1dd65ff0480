import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterState } from '../../../src/adapter/cluster-state.js';
import { createFileClusterState } from '../../../src/migrate/file-state.js';
import { parseApiPin, type ClusterPin } from '../../../src/cluster/index.js';
import { writeSyntheticExport } from '../../../src/migrate/generate-export.js';
import { fileCheckpointStore } from '../../../src/migrate/migration-state.js';
import { createMigrator } from '../../../src/migrate/migrator.js';
import { verifyFile } from '../../../src/cli/migrate/verify-command.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';
import { tempDir } from './helpers.js';

const PINS = 2000;
let ks: TestKeyspace;
let exportFile: string;

beforeAll(async () => {
  ks = await freshStore('migrator');
  exportFile = join(tempDir(), 'old-state.ndjson');
  await writeSyntheticExport(exportFile, PINS, 'it-migrator');
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('migrator: export-file old state → pinstate store new state', () => {
  it('five phases, interrupted backfill resumed from the file checkpoint, writes during the migration kept', async () => {
    const checkpointPath = join(tempDir(), 'migration.json');
    const oldState = createFileClusterState(exportFile);
    const newState = createClusterState(ks.store);
    const phases: string[] = [];
    const abort = new AbortController();
    const first = createMigrator(oldState, newState, { checkpointPath, batchSize: 250, checkpointEvery: 250 });
    first.on('phase', (e) => phases.push(`${e.phase}:${e.status}`));
    first.on('progress', (e) => {
      if (e.phase === 'backfill' && e.done >= 1000) abort.abort();
    });
    const cluster = await first.dualWrite();
    // A pin added by the cluster during dual write reaches both sides.
    const live = parseApiPin({ cid: 'bafybeigixivp4gzwhmk3k7vimnseuvceykhyqk3bnypkzlakvhk6aivi6u', type: 'pin', max_depth: -1, replication_factor_min: 1, replication_factor_max: 1, name: 'added-live' });
    await cluster.add(live);
    expect(await ks.store.has(live.spec.cid)).toBe(true);
    await expect(first.backfill({ signal: abort.signal })).rejects.toThrow(/interrupted/);

    // A new process: state from the checkpoint file, backfill continues where it stopped.
    const second = createMigrator(oldState, newState, { checkpoints: fileCheckpointStore(checkpointPath), batchSize: 250 });
    second.on('phase', (e) => phases.push(`${e.phase}:${e.status}`));
    expect((await second.status()).backfill.copied).toBe(1000);
    expect(await second.backfill()).toEqual({ copied: PINS + 1 - 1000, skipped: 1000 });
    expect((await ks.store.stats()).pins).toBe(PINS + 1);

    // A pin removed behind the migrator's back on the new side: validate finds it, repair fixes it.
    const victim = (await oldState.list().next()).value as ClusterPin;
    await ks.store.deletePin('test-delete', victim.spec.cid);
    const report = await second.validate({ repair: true });
    expect(report).toMatchObject({ equal: false, missing: 1, repaired: 1 });
    expect(await second.validate()).toMatchObject({ equal: true, expected: PINS + 1 });

    await second.switchReads();
    const wrapper = await second.dualWrite();
    expect((await wrapper.get(live.spec.cid)).spec.name).toBe('added-live');
    await second.cleanup();
    expect(second.routing).toBe('new-only');
    await wrapper.rm(live.spec.cid);
    expect(await ks.store.has(live.spec.cid)).toBe(false);
    expect(await oldState.has(live.spec.cid)).toBe(true); // no more writes to the old side
    expect(phases).toEqual(['dual-write:started', 'dual-write:completed', 'backfill:started', 'backfill:started', 'backfill:completed', 'validate:started', 'validate:started', 'validate:completed', 'switch:started', 'switch:completed', 'cleanup:started', 'cleanup:completed']);
    // The store now holds exactly the export file.
    expect(await verifyFile(exportFile, ks.store)).toMatchObject({ equal: true, expected: PINS });
  });
});
