/**
 * The writer's group-commit helper (consumers/writer/writer.ts), added for performance: pure
 * logic over an injected send. (Kept with the benchmark's tests; test/unit/writer/ is the natural
 * home if the writer's owner prefers.)
 */
import { describe, expect, it } from 'vitest';
import { coalescing } from '../../../consumers/writer/publisher.js';

describe('coalescing', () => {
  it('sends the first call at once and everything queued meanwhile together, in order', async () => {
    const sends: number[][] = [];
    let release!: () => void;
    const send = coalescing<number>(async (items) => {
      sends.push(items);
      if (sends.length === 1) await new Promise<void>((r) => (release = r));
    });
    const a = send([1]);
    const b = send([2, 3]);
    const c = send([4]);
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all([a, b, c]);
    expect(sends).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects exactly the callers whose send failed', async () => {
    let n = 0;
    const send = coalescing<number>(async () => {
      if (n++ === 0) throw new Error('broker down');
    });
    const a = send([1]);
    const b = send([2]);
    await expect(a).rejects.toThrow('broker down');
    await expect(b).resolves.toBeUndefined();
  });

  it('caps the items of one send', async () => {
    const sends: number[][] = [];
    let release!: () => void;
    const send = coalescing<number>(async (items) => {
      sends.push(items);
      if (sends.length === 1) await new Promise<void>((r) => (release = r));
    }, 3);
    const calls = [send([0]), send([1, 2]), send([3, 4]), send([5])];
    await new Promise((r) => setImmediate(r));
    release();
    await Promise.all(calls);
    expect(sends).toEqual([[0], [1, 2], [3, 4, 5]]);
  });
});
