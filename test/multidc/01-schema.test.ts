/**
 * Keyspace per topology: `pinstate schema apply` creates NetworkTopologyStrategy replication from
 * config, and changing it later is ALTER KEYSPACE (alterReplication) plus the data movement an
 * operator must run (rebuild for a new data center, full repair for a raised factor).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { parseCid } from '../../src/domain/cid.js';
import type { Replication } from '../../src/config/types.js';
import { upsertOp } from '../../src/store/ops.js';
import { alterReplication, readReplication } from '../../src/store/replication.js';
import { applySchema } from '../../src/store/migrate.js';
import { openSession } from '../../src/store/session.js';
import { createStore } from '../../src/store/store.js';
import { cidV1 } from '../support/cids.js';
import { NodeProbe, cqlTypes, dcOf, ensureSchemaAgreement, nodeOf, nodetool } from './support/cluster.js';
import { configOf, recordSummary, uniqueBase } from './support/run.js';

const NTS: Replication = { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 1 } };

describe('keyspace per topology', () => {
  const probe = new NodeProbe();
  const keyspaces: string[] = [];
  const dropAll = async (): Promise<void> => {
    await ensureSchemaAgreement();
    const s = await openSession({ config: configOf({ keyspace: 'unused', base: 'unused', localDc: 'dc1' }).scylla });
    for (const ks of keyspaces) await s.executeDdl(`DROP KEYSPACE IF EXISTS ${ks}`).catch(() => undefined);
    await s.shutdown();
  };

  afterAll(async () => {
    await probe.close();
    if (process.env['PINSTATE_MULTIDC_KEEP_DATA'] !== '1') await dropAll();
  });

  it('schema apply creates {dc1:3, dc2:1} from config; applying again and an unchanged alterReplication are no-ops', async () => {
    const base = uniqueBase('schema');
    keyspaces.push(base);
    const config = configOf({ keyspace: base, base, localDc: 'dc1' });
    expect(config.scylla.replication).toEqual(NTS);
    const first = await applySchema({ config: config.scylla });
    expect(first.appliedNow.length).toBeGreaterThan(0);
    const again = await applySchema({ config: config.scylla });
    expect(again.appliedNow).toEqual([]);

    const s = await openSession({ config: config.scylla, keyspace: base });
    try {
      expect(await readReplication(s, base)).toEqual(NTS);
      // Every token has 3 replicas in dc1 and 1 in dc2, as the driver computes them.
      const store = await createStore({ config: config.scylla, session: s });
      const cid = cidV1('schema-replicas');
      await store.upsertPin('schema-op-1', { cid, name: 'x' });
      const replicas = s.client.getReplicas(base, Buffer.from(parseCid(cid).bytes)) as Array<{ address: string }>;
      const perDc: Record<string, number> = {};
      for (const h of replicas) perDc[dcOf(h.address)] = (perDc[dcOf(h.address)] ?? 0) + 1;
      expect(perDc).toEqual({ dc1: 3, dc2: 1 });
    } finally {
      await s.shutdown();
    }

    const same = await alterReplication(config.scylla, NTS);
    expect(same.changed).toBe(false);
    expect(same.steps).toEqual([]);
    // A typo in a data-center name or a factor above a DC's size is refused before any ALTER.
    await expect(alterReplication(config.scylla, { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc3: 1 } })).rejects.toThrow(/dc3 is not part of the cluster/);
    await expect(alterReplication(config.scylla, { class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 2 } })).rejects.toThrow(/more than its 1 node/);
    recordSummary({ scenario: 'schema-apply-nts', passed: true, ops_produced: 1, ops_applied: 1, lost: 0, replication: '{dc1:3,dc2:1}', replicas_per_token: '{dc1:3,dc2:1}', reapply: 'no-op', alter_same: 'no-op' });
  });

  it('{dc1:2} → {dc1:3, dc2:1}: ALTER KEYSPACE, then rebuild dc2 and full repair in dc1; data readable in dc2 afterwards', async () => {
    const base = uniqueBase('alter');
    keyspaces.push(base);
    const replication = { class: 'NetworkTopologyStrategy', dc1: 2 };
    const config = configOf({ keyspace: base, base, localDc: 'dc1', replication });
    await applySchema({ config: config.scylla });
    const s0 = await openSession({ config: config.scylla, keyspace: base });
    expect(await readReplication(s0, base)).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 2 } });
    await s0.shutdown();

    // Pins written while only dc1 holds the keyspace.
    const N = 600;
    const store = await createStore({ config: config.scylla });
    const ops = Array.from({ length: N }, (_, i) => upsertOp(`alter-${i}`, { cid: cidV1(`alter-${base}-${i}`), name: `p${i}` }, { ts: 1_700_000_000_000 + i, origin: 'multidc' }));
    for (let i = 0; i < ops.length; i += 200) await store.apply(ops.slice(i, i + 200));
    const statsDc1 = await store.stats();
    expect(statsDc1.pins).toBe(N);

    const change = await alterReplication(config.scylla, NTS);
    expect(change.changed).toBe(true);
    expect(change.schemaAgreement).toBe(true);
    expect(change.steps.map((st) => `${st.action} ${st.dc} ${st.nodetool.join(' ')} on ${st.nodes.map(nodeOf).join(',')}`)).toEqual([
      `rebuild dc2 rebuild -ks ${base} -- dc1 on 4`,
      `repair dc1 repair -full ${base} on 1,2,3`,
    ]);
    const s1 = await openSession({ config: config.scylla, keyspace: base });
    expect(await readReplication(s1, base)).toEqual(NTS);
    await s1.shutdown();

    // Before the data movement, dc2's replica is empty: a LOCAL_ONE read there finds nothing.
    const countOn = async (n: number): Promise<number> => (await probe.all(n, `SELECT cid_bin FROM ${base}.pins_by_cid`, [], cqlTypes.consistencies.localOne)).length;
    const inDc2Before = await countOn(4);
    expect(inDc2Before).toBe(0);

    const t0 = Date.now();
    const timings: string[] = [];
    for (const step of change.steps) {
      for (const address of step.nodes) {
        const t = Date.now();
        await nodetool(nodeOf(address), ...step.nodetool);
        timings.push(`${step.action}@node${nodeOf(address)} ${((Date.now() - t) / 1000).toFixed(1)}s`);
      }
    }
    const movedMs = Date.now() - t0;

    const inDc2After = await countOn(4);
    expect(inDc2After).toBe(N);
    // The dc2 store (local_dc=dc2, LOCAL_QUORUM = node 4 alone) sees the same pins and counts.
    const dc2 = await createStore({ config: configOf({ keyspace: base, base, localDc: 'dc2' }).scylla });
    try {
      expect(await dc2.stats()).toEqual(statsDc1);
      for (const op of ops.slice(0, 50)) {
        const cid = op.body.kind === 'UpsertPin' ? op.body.spec.cid : '';
        expect((await dc2.get(cid)).spec.name).toBe((await store.get(cid)).spec.name);
      }
    } finally {
      await dc2.close();
      await store.close();
    }
    // Every replica holds the same data now: a preview of a full repair finds nothing to stream.
    const preview = await nodetool(1, 'repair', '--preview', '-full', base);
    expect(preview).toMatch(/Previewed data was in sync/);
    recordSummary({
      scenario: 'alter-replication',
      passed: true,
      ops_produced: N,
      ops_applied: inDc2After,
      lost: N - inDc2After,
      change: '{dc1:2} -> {dc1:3,dc2:1}',
      rows_in_dc2_before_steps: inDc2Before,
      rows_in_dc2_after_steps: inDc2After,
      steps_seconds: +(movedMs / 1000).toFixed(1),
      step_times: timings.join('; '),
    });
  });

  it('the writer default consistency is LOCAL_QUORUM / LOCAL_SERIAL', () => {
    const c = loadConfig({ env: {} }).scylla;
    expect(c.consistency).toBe('LOCAL_QUORUM');
    expect(c.serialConsistency).toBe('LOCAL_SERIAL');
  });
});
