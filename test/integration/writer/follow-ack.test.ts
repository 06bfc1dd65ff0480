import { sleep } from '../../../src/sleep.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFollower, type Follower } from '../../../consumers/follower/index.js';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import { createRegistry } from '../../../src/metrics.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { cidV1, peerId } from '../../support/cids.js';
import { freshPipeline, type TestPipeline } from '../../support/kafka.js';

let p: TestPipeline;
let writer: Writer;
let producer: PinProducer;
const followers: Follower[] = [];

beforeAll(async () => {
  p = await freshPipeline('follow_ack');
  writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  await writer.start();
  producer = createPinProducer({ config: p.config.kafka, origin: 'test-node' });
  await producer.connect();
});
afterAll(async () => {
  await Promise.allSettled(followers.map((f) => f.stop()));
  await producer?.disconnect();
  await writer?.stop();
  await p?.cleanup();
});

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await sleep(200);
  }
}

describe('follow → ack loop', () => {
  it('after setDesiredPlacement(cid, [p1, p2]) two acking followers bring both placements to pinned', async () => {
    const cid = cidV1('follow-ack');
    const [p1, p2] = [peerId('f1'), peerId('f2')];
    const seen: Record<string, PlacementChange[]> = { [p1]: [], [p2]: [] };
    for (const peer of [p1, p2]) {
      const f = createFollower({ config: p.config.kafka, peer, ack: true, groupId: `${p.config.kafka.groupId}-${peer.slice(-6)}`, onChange: (c) => void seen[peer]!.push(c) });
      await f.start();
      followers.push(f);
    }
    await producer.upsertPin({ cid, replicationFactorMin: 2, replicationFactorMax: 2 });
    await producer.setDesiredPlacement(cid, [p1, p2]);

    await until(async () => {
      const placement = await p.store.getPlacement(cid);
      return placement?.actual[p1] === 'pinned' && placement.actual[p2] === 'pinned';
    }, 60_000);
    expect(await p.store.getPlacement(cid)).toMatchObject({ desired: [p1, p2].sort(), actual: { [p1]: 'pinned', [p2]: 'pinned' } });
    // Each follower saw only its own peer's changes: queued first, then its own pinned ack echoed back.
    for (const peer of [p1, p2]) {
      expect(seen[peer]!.every((c) => c.peer === peer && c.cid === cid)).toBe(true);
      expect(seen[peer]!.map((c) => c.state)).toEqual(expect.arrayContaining(['pin_queued', 'pinned']));
    }

    // Unpinning closes the loop the other way: placements move to unpin_queued, followers ack unpinned, rows go.
    await producer.deletePin(cid);
    await until(async () => (await p.store.getPlacement(cid)) === null, 60_000);
    const left = [];
    for await (const row of p.store.listByPeer(p1)) left.push(row);
    expect(left).toEqual([]);
  });
});
