import { sleep } from '../../../src/sleep.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePinEvent } from '../../../src/codec/index.js';
import { groupLag, waitForGroupCaughtUp } from '../../../src/kafka/lag.js';
import type { StoreOp } from '../../../src/store/records.js';
import { freshPipeline, produceOps, readAll, type TestPipeline } from '../../support/kafka.js';
import { spawnWriter, waitForOutput, writeConfigFile } from '../../support/process.js';
import { diffDumps } from '../../support/diff-dump.js';
import { dumpKeyspace, freshStore, type TestKeyspace } from '../../support/store.js';
import { intentsOnly, rng } from '../../support/workload.js';

const STATE_TABLES = ['pins_by_cid', 'pins_by_peer', 'pin_ttl_queue', 'pin_stats'] as const;
const intents = (seed: number, n: number): StoreOp[] => intentsOnly(seed, n, 600, `f${seed}`);


async function reference(ref: TestKeyspace, ops: readonly StoreOp[]): Promise<Record<string, string[]>> {
  for (let i = 0; i < ops.length; i += 500) await ref.store.apply(ops.slice(i, i + 500));
  return dumpKeyspace(ref.store.session, STATE_TABLES);
}

async function eventOpIds(p: TestPipeline): Promise<Set<string>> {
  return new Set((await readAll(p.kafka, p.config.kafka.topics.events)).map((m) => decodePinEvent(m.value!).opId));
}

describe('writer under process faults', () => {
  let p: TestPipeline;
  let ref: TestKeyspace;
  beforeAll(async () => {
    [p, ref] = await Promise.all([freshPipeline('wkill', { writer: { max_batch_ops: 200 } }), freshStore('wkill_ref')]);
  });
  afterAll(async () => {
    await Promise.all([p?.cleanup(), ref?.cleanup()]);
  });

  it('SIGKILL mid-stream, three times, then a clean run: the final state equals a single run, no op lost', async () => {
    const ops = intents(11, 8000);
    await produceOps(p.kafka, p.config, ops);
    const file = writeConfigFile(p.config);
    const rand = rng(5);
    const lagOf = async (): Promise<bigint> =>
      (await groupLag(p.admin, p.config.kafka.groupId, [p.config.kafka.topics.intents])).reduce((n, x) => n + x.lag, 0n);
    for (let k = 0; k < 3; k++) {
      const before = await lagOf();
      const child = spawnWriter(file);
      await waitForOutput(child, 'writer running');
      // Killed mid-stream: once this run has committed something (or after 5 s), plus a random
      // moment — a fixed delay let a fast writer finish the whole backlog before the third kill.
      const deadline = Date.now() + 5000;
      while ((await lagOf()) >= before && Date.now() < deadline) await sleep(50);
      await sleep(Math.floor(rand() * 300));
      child.proc.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
    }
    // The kills landed mid-stream: work was left for the last run.
    expect(await lagOf()).toBeGreaterThan(0n);
    const last = spawnWriter(file);
    await waitForOutput(last, 'writer running');
    await waitForGroupCaughtUp(p.admin, p.config.kafka.groupId, [p.config.kafka.topics.intents, p.config.kafka.topics.acks], 240_000);
    last.proc.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    expect(diffDumps(await reference(ref, ops), await dumpKeyspace(p.store.session, STATE_TABLES))).toBe('');
    const seen = await eventOpIds(p);
    expect(ops.filter((op) => !seen.has(op.opId))).toEqual([]);
  });
});

describe('writer group membership changes', () => {
  let p: TestPipeline;
  let ref: TestKeyspace;
  beforeAll(async () => {
    [p, ref] = await Promise.all([freshPipeline('wgroup', { writer: { max_batch_ops: 200 } }), freshStore('wgroup_ref')]);
  });
  afterAll(async () => {
    await Promise.all([p?.cleanup(), ref?.cleanup()]);
  });

  it('two writers share the group; one leaves mid-stream (SIGTERM drains and exits 0); the final state equals a single run', async () => {
    const ops = intents(12, 6000);
    const file = writeConfigFile(p.config);
    const a = spawnWriter(file);
    const b = spawnWriter(file);
    await Promise.all([waitForOutput(a, 'writer running'), waitForOutput(b, 'writer running')]);
    await produceOps(p.kafka, p.config, ops.slice(0, 3000));
    await sleep(1500);
    b.proc.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    await produceOps(p.kafka, p.config, ops.slice(3000));
    await waitForGroupCaughtUp(p.admin, p.config.kafka.groupId, [p.config.kafka.topics.intents, p.config.kafka.topics.acks], 240_000);
    a.proc.kill('SIGTERM');
    expect(await a.exited).toBe(0);

    expect(diffDumps(await reference(ref, ops), await dumpKeyspace(p.store.session, STATE_TABLES))).toBe('');
    const seen = await eventOpIds(p);
    expect(ops.filter((op) => !seen.has(op.opId))).toEqual([]);
  });
});
