/**
 * A follower against the real broker: placement changes for three peers, keyed by peer id, on a
 * fresh placements topic. The follower of peer A (acting as a simulated peer) sees only A's
 * changes, in order, and leaves exactly one AckPlacement per change that needs one on the acks
 * topic, with a deterministic op id; a second pass over the same changes repeats those op ids.
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFollower, formatChangeNdjson, type Follower } from '../../../consumers/follower/index.js';
import { createPinProducer } from '../../../producers/index.js';
import { decodeAck, encodePlacementChange } from '../../../src/codec/index.js';
import type { KafkaConfig } from '../../../src/config/types.js';
import { parseCid } from '../../../src/domain/cid.js';
import type { PlacementChange } from '../../../src/domain/messages.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import type { PlacementState } from '../../../src/domain/placement-state.js';
import { createRegistry } from '../../../src/metrics.js';
import { uniqueName } from '../../support/env.js';
import { cidV0, cidV1, peerId } from '../../support/cids.js';
import { createTopics, deleteTopics, freshKafkaConfig, rawKafka, readAll } from '../producers/kafka-helpers.js';
import { sleep } from '../../../src/sleep.js';

const A = peerId('follower-A');
const B = peerId('follower-B');
const C = peerId('follower-C');

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('follower on real Kafka', () => {
  let config: KafkaConfig;
  let kafka: Kafka;
  let admin: Admin;
  let writer: Producer;
  const groups: string[] = [];
  const followers: Follower[] = [];
  const changes: PlacementChange[] = [];

  beforeAll(async () => {
    config = freshKafkaConfig('fol');
    kafka = rawKafka();
    admin = kafka.admin();
    await admin.connect();
    await createTopics(admin, config);
    writer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await writer.connect();

    // What the writer would publish: per peer a run of changes; A's mixes pins, unpins, and changes
    // already at their target state (echoes of earlier acks), which a peer must not answer.
    const states: Array<[boolean, PlacementState]> = [
      [true, 'pin_queued'],
      [false, 'unpin_queued'],
      [true, 'pinning'],
      [true, 'pinned'],
      [false, 'unpinned'],
      [true, 'pin_error'],
      [false, 'unpinning'],
    ];
    let n = 0;
    for (let i = 0; i < 70; i++) {
      for (const peer of [A, B, C]) {
        const [desired, state] = states[(i + (peer === A ? 0 : 1)) % states.length]!;
        n += 1;
        changes.push({ cid: i % 2 === 0 ? cidV1(`fol-${i}`) : cidV0(`fol-${i}`), peer, desired, state, opId: `op-${n.toString().padStart(4, '0')}`, ts: 1_700_000_000_000 + n });
      }
    }
    await writer.send({ topic: config.topics.placements, acks: -1, messages: changes.map((c) => ({ key: c.peer, value: encodePlacementChange(c) })) });
    // A record keyed by A that is not a PlacementChange: skipped and counted, never delivered.
    await writer.send({ topic: config.topics.placements, acks: -1, messages: [{ key: A, value: Buffer.from('not avro') }] });
  });

  afterAll(async () => {
    for (const f of followers) await f.stop().catch(() => undefined);
    await writer?.disconnect();
    if (admin !== undefined) {
      await deleteTopics(admin, config, groups);
      await admin.disconnect();
    }
  });

  it('delivers only its peer’s changes, in order, acks each one that needs it once, and commits', async () => {
    const seen: PlacementChange[] = [];
    const lines: string[] = [];
    const registry = createRegistry();
    const groupId = uniqueName('fol_a');
    groups.push(groupId);
    const follower = createFollower({
      config,
      peer: A,
      groupId,
      ack: true,
      registry,
      onChange: (change) => {
        seen.push(change);
        lines.push(formatChangeNdjson(change));
      },
    });
    followers.push(follower);
    await follower.start();
    const mine = changes.filter((c) => c.peer === A);
    await until('all of A’s changes', () => seen.length >= mine.length);
    await follower.waitForCaughtUp(30_000);
    await follower.stop();

    expect(seen).toEqual(mine);
    expect(lines.map((l) => (JSON.parse(l) as { op_id: string }).op_id)).toEqual(mine.map((c) => c.opId));

    const needing = mine.filter((c) => c.state !== (c.desired ? 'pinned' : 'unpinned'));
    expect(needing.length).toBeGreaterThan(0);
    expect(needing.length).toBeLessThan(mine.length);
    const acks = await readAll(kafka, config.topics.acks);
    expect(acks).toHaveLength(needing.length);
    const byOpId = new Map(acks.map((r) => [decodeAck(r.value).opId, r]));
    expect(byOpId.size).toBe(needing.length);
    for (const change of needing) {
      const r = byOpId.get(`ack:${change.opId}:${A}`);
      expect(r, change.opId).toBeDefined();
      expect(r!.key).toBe(mhPrefixKey(parseCid(change.cid).mhPrefix));
      expect(decodeAck(r!.value)).toMatchObject({ cid: change.cid, peer: A, state: change.desired ? 'pinned' : 'unpinned', error: null });
    }

    const text = await registry.metrics();
    expect(text).toContain(`pinstate_follower_messages_total{outcome="delivered"} ${mine.length}`);
    expect(text).toContain(`pinstate_follower_messages_total{outcome="other_peer"} ${changes.length - mine.length}`);
    expect(text).toContain('pinstate_follower_messages_total{outcome="undecodable"} 1');
    expect(text).toContain(`pinstate_producer_sent_total{topic="${config.topics.acks}"} ${needing.length}`);
  });

  it('a redelivery (a new group over the same changes) repeats the same ack op ids, adding no distinct ack', async () => {
    const producer = createPinProducer({ config, origin: B });
    await producer.connect();
    const groupId = uniqueName('fol_a2');
    groups.push(groupId);
    const seen: PlacementChange[] = [];
    const follower = createFollower({ config, peer: A, groupId, ack: true, producer, onChange: (c) => void seen.push(c) });
    followers.push(follower);
    try {
      await follower.start();
      const mine = changes.filter((c) => c.peer === A);
      await until('A’s changes again', () => seen.length >= mine.length);
      await follower.waitForCaughtUp(30_000);
      await follower.stop();
      // The follower did not own this producer: it is still usable.
      expect(producer.state).toBe('connected');
    } finally {
      await producer.disconnect();
    }
    const acks = (await readAll(kafka, config.topics.acks)).map((r) => decodeAck(r.value).opId);
    const distinct = new Set(acks);
    expect(acks.length).toBe(distinct.size * 2);
    for (const id of distinct) expect(id.startsWith('ack:op-') && id.endsWith(`:${A}`)).toBe(true);
  });

  it('a follower of a peer with no changes sees none and still catches up', async () => {
    const groupId = uniqueName('fol_d');
    groups.push(groupId);
    const seen: PlacementChange[] = [];
    const follower = createFollower({ config, peer: peerId('follower-D'), groupId, onChange: (c) => void seen.push(c) });
    followers.push(follower);
    await follower.start();
    await follower.waitForCaughtUp(60_000);
    await follower.stop();
    expect(seen).toEqual([]);
  });
});
