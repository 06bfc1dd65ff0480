/**
 * Issue 12 point 4: offsets of work finished during a graceful drain are committed. kafkajs drops
 * a commit made once its consumer is no longer running, so a drain that stopped the consumer
 * before its in-flight batches finished would leave their offsets uncommitted, and the next start
 * would redeliver them and publish their outputs a second time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePinEvent } from '../../../src/codec/index.js';
import { groupLag, waitForGroupCaughtUp } from '../../../src/kafka/lag.js';
import { sleep } from '../../../src/sleep.js';
import { freshPipeline, produceOps, readAll, type TestPipeline } from '../../support/kafka.js';
import { spawnWriter, waitForOutput, writeConfigFile } from '../../support/process.js';
import { intentsOnly } from '../../support/workload.js';



describe('writer drain', () => {
  let p: TestPipeline;
  beforeAll(async () => {
    // Small chunks: a SIGTERM always finds several in flight.
    p = await freshPipeline('wdrain', { writer: { max_batch_ops: 25, drain_timeout: '20s' } });
  });
  afterAll(async () => {
    await p?.cleanup();
  });

  it('SIGTERM mid-backlog: every op whose outputs went out has its offset committed; the next run publishes nothing twice', async () => {
    const ops = intentsOnly(41, 5000, 900, 'drain');
    await produceOps(p.kafka, p.config, ops);
    const { intents: intentsTopic, acks, events } = p.config.kafka.topics;
    const groupId = p.config.kafka.groupId;
    const lag = async (): Promise<bigint> => (await groupLag(p.admin, groupId, [intentsTopic])).reduce((n, x) => n + x.lag, 0n);

    const first = spawnWriter(writeConfigFile(p.config));
    await waitForOutput(first, 'writer running');
    const deadline = Date.now() + 60_000;
    while ((await lag()) > BigInt(ops.length) - 500n && Date.now() < deadline) await sleep(50);
    const stopAt = Date.now();
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Within writer.drain_timeout + 10 s.
    expect(Date.now() - stopAt).toBeLessThan(30_000);

    // Offsets committed by the drained run, per partition (next offset to read).
    const committed = new Map<number, bigint>();
    for (const t of await p.admin.fetchOffsets({ groupId, topics: [intentsTopic] })) {
      for (const part of t.partitions) committed.set(part.partition, BigInt(part.offset));
    }
    // The furthest source offset whose outputs the run published, per partition.
    const published = new Map<number, bigint>();
    const firstEvents = (await readAll(p.kafka, events)).map((m) => decodePinEvent(m.value!));
    for (const e of firstEvents) {
      if (e.source?.topic !== intentsTopic) continue;
      const o = BigInt(e.source.offset);
      if (o > (published.get(e.source.partition) ?? -1n)) published.set(e.source.partition, o);
    }
    // Mid-stream: the run applied some of the backlog, not all of it.
    expect(firstEvents.length).toBeGreaterThan(0);
    expect(firstEvents.length).toBeLessThan(ops.length);
    const behind = [...published].filter(([partition, o]) => (committed.get(partition) ?? -1n) < o + 1n).map(([partition, o]) => ({ partition, published: o.toString(), committed: String(committed.get(partition)) }));
    expect(behind).toEqual([]);

    const second = spawnWriter(writeConfigFile(p.config));
    await waitForOutput(second, 'writer running');
    await waitForGroupCaughtUp(p.admin, groupId, [intentsTopic, acks], 240_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const perOp = new Map<string, number>();
    for (const m of await readAll(p.kafka, events)) {
      const id = decodePinEvent(m.value!).opId;
      perOp.set(id, (perOp.get(id) ?? 0) + 1);
    }
    expect(ops.filter((op) => perOp.get(op.opId) !== 1).map((op) => ({ opId: op.opId, events: perOp.get(op.opId) ?? 0 }))).toEqual([]);
  });
});
