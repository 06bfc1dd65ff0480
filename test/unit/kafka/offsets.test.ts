import type { Admin } from 'kafkajs';
import { KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { topicOffsets } from '../../../src/kafka/offsets.js';

// The errors a broker answers to ListOffsets, as kafkajs builds them.
const notLeader = (): Error => new KafkaJSProtocolError({ message: 'This server is not the leader for that topic-partition', type: 'NOT_LEADER_FOR_PARTITION', code: 6, retriable: true } as never);
const denied = (): Error => new KafkaJSProtocolError({ message: 'Not authorized to access topics', type: 'TOPIC_AUTHORIZATION_FAILED', code: 29, retriable: false } as never);

const OFFSETS = [{ partition: 0, offset: '7', high: '7', low: '0' }];

function adminAnswering(...answers: Array<() => Error | typeof OFFSETS>): { admin: Admin; calls: () => number } {
  let calls = 0;
  const admin = {
    fetchTopicOffsets: () => {
      const next = answers[Math.min(calls++, answers.length - 1)]!();
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  } as unknown as Admin;
  return { admin, calls: () => calls };
}

describe('topicOffsets', () => {
  it('waits out "not the leader" on a new partition (kafkajs gives up on it at once)', async () => {
    const { admin, calls } = adminAnswering(notLeader, notLeader, () => OFFSETS);
    await expect(topicOffsets(admin, 't')).resolves.toEqual(OFFSETS);
    expect(calls()).toBe(3);
  });

  it('rethrows a refusal at once', async () => {
    const { admin, calls } = adminAnswering(denied, () => OFFSETS);
    await expect(topicOffsets(admin, 't')).rejects.toThrow(/Not authorized/);
    expect(calls()).toBe(1);
  });

  it('gives up after its timeout with the last error', async () => {
    const { admin, calls } = adminAnswering(notLeader);
    await expect(topicOffsets(admin, 't', 300)).rejects.toThrow(/not the leader/);
    expect(calls()).toBeGreaterThan(1);
  });
});
