/**
 * `pinstate schema replication` on the single-node stack: moves a keyspace from the configured
 * SimpleStrategy to NetworkTopologyStrategy in the stack's data center, prints the step, then
 * finds nothing to do; a data center the cluster does not have is refused, naming the field.
 * (The 4-node, 2-DC case with rebuild and repair is the multi-DC suite's alter-replication.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReplication } from '../../../src/store/replication.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';
import { runCli } from '../../unit/cli/capture.js';
import { rawConfigOf } from '../../support/process.js';
import { writeCliConfig } from './helpers.js';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('cli_repl');
});
afterAll(async () => {
  await ks?.cleanup();
});

describe('pinstate schema replication', () => {
  it('alters to the configured map, then is a no-op; refuses an unknown data center', async () => {
    const dc = ks.config.scylla.localDc;
    const nts = writeCliConfig(ks.config, { scylladb: { ...rawScylla(ks), replication: { class: 'NetworkTopologyStrategy', [dc]: 1 } } });
    const first = await runCli(['--config', nts, 'schema', 'replication', '--json']);
    expect(first.code, first.err).toBe(0);
    const report = JSON.parse(first.out) as { changed: boolean; before: Record<string, number>; after: Record<string, number>; steps: Array<{ dc: string; action: string; nodetool: string[] }> };
    expect(report).toMatchObject({ changed: true, before: { '*': 1 }, after: { [dc]: 1 } });
    expect(await readReplication(ks.store.session, ks.keyspace)).toMatchObject({ class: 'NetworkTopologyStrategy', dataCenters: { [dc]: 1 } });

    const again = await runCli(['--config', nts, 'schema', 'replication']);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`already has replication {${dc}:1}: nothing to do`);

    const typo = writeCliConfig(ks.config, { scylladb: { ...rawScylla(ks), replication: { class: 'NetworkTopologyStrategy', [dc]: 1, dc9: 1 } } });
    const refused = await runCli(['--config', typo, 'schema', 'replication']);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/scylladb\.replication/);
    expect(refused.err).toMatch(/data center dc9 is not part of the cluster/);
    expect(await readReplication(ks.store.session, ks.keyspace)).toMatchObject({ dataCenters: { [dc]: 1 } });
  });
});

function rawScylla(k: TestKeyspace): Record<string, unknown> {
  return rawConfigOf(k.config)['scylladb'] as Record<string, unknown>;
}
