import { describe, expect, it } from 'vitest';
import { coalescing, groupByTopic, messageBytes, type TopicMessage } from '../../../consumers/writer/publisher.js';

const msg = (topic: string, valueBytes: number): TopicMessage => ({ topic, message: { key: 'k', value: Buffer.alloc(valueBytes) } });

/** A send that stays busy until released, recording every request's items. */
function gatedSend<T>() {
  const sends: T[][] = [];
  let release: () => void = () => undefined;
  let gate = new Promise<void>((r) => (release = r));
  return {
    sends,
    open() {
      release();
    },
    send: async (items: T[]): Promise<void> => {
      sends.push(items);
      await gate;
      gate = Promise.resolve();
    },
  };
}

describe('output coalescing bounded in bytes', () => {
  it('queued calls are packed into one send only while their bytes fit under maxBytes', async () => {
    const g = gatedSend<TopicMessage>();
    const send = coalescing<TopicMessage>(g.send, { maxItems: 1000, maxBytes: 2500, sizeOf: messageBytes });
    // The first call occupies the sender; the next four queue behind it.
    const calls = [send([msg('a', 100)]), ...[1, 2, 3, 4].map(() => send([msg('a', 1000)]))];
    g.open();
    await Promise.all(calls);
    const sizes = g.sends.map((s) => s.reduce((n, m) => n + messageBytes(m), 0));
    expect(g.sends.map((s) => s.length)).toEqual([1, 2, 2]);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2500);
  });

  it('one call larger than maxBytes is split into in-order sends that each fit; a single oversized item goes alone', async () => {
    const sent: TopicMessage[][] = [];
    const send = coalescing<TopicMessage>(
      (items) => {
        sent.push(items);
        return Promise.resolve();
      },
      { maxItems: 1000, maxBytes: 1000, sizeOf: messageBytes },
    );
    const items = [msg('a', 300), msg('a', 300), msg('a', 300), msg('a', 5000), msg('a', 10)];
    await send(items);
    expect(sent.flat()).toEqual(items);
    for (const s of sent) if (s.length > 1) expect(s.reduce((n, m) => n + messageBytes(m), 0)).toBeLessThanOrEqual(1000);
    expect(sent.find((s) => s.includes(items[3]!))).toEqual([items[3]]);
  });

  it('a failed send rejects exactly the callers whose items it carried', async () => {
    const g = gatedSend<TopicMessage>();
    const send = coalescing<TopicMessage>(
      async (items) => {
        await g.send(items);
        // The broker refuses any request carrying the 1000-byte records.
        if (items.some((m) => (m.message.value?.length ?? 0) >= 1000)) throw new Error('refused');
      },
      { maxItems: 1000, maxBytes: 1500, sizeOf: messageBytes },
    );
    const first = send([msg('a', 10)]);
    const second = send([msg('a', 1000)]);
    const third = send([msg('a', 1000)]);
    g.open();
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('refused');
    await expect(third).rejects.toThrow('refused');
    // 1500 bytes fit one 1000-byte record per send: the second and third callers went out separately.
    expect(g.sends).toHaveLength(3);
  });

  it('messageBytes counts key, value and headers; groupByTopic keeps first-seen topic order', () => {
    const m: TopicMessage = { topic: 't', message: { key: 'abc', value: Buffer.alloc(10), headers: { h: 'vv' } } };
    expect(messageBytes(m)).toBeGreaterThan(3 + 10 + 1 + 2);
    expect(groupByTopic([msg('b', 1), msg('a', 1), msg('b', 2)]).map((t) => [t.topic, t.messages.length])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });
});
