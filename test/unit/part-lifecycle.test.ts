import { describe, expect, it } from 'vitest';
import { PartLifecycle } from '../../src/part-lifecycle.js';

describe('PartLifecycle', () => {
  it('idle → starting → running → stopping → stopped', async () => {
    const l = new PartLifecycle('a part');
    const seen: string[] = [];
    await l.start(() => {
      seen.push(l.state);
      l.running();
      return Promise.resolve();
    }, () => Promise.resolve());
    seen.push(l.state);
    await l.stop(() => {
      seen.push(l.state);
      return Promise.resolve();
    });
    seen.push(l.state);
    expect(seen).toEqual(['starting', 'running', 'stopping', 'stopped']);
  });

  it('a failed start cleans up, ends failed, rethrows; a second start is ILLEGAL_STATE naming the part', async () => {
    const l = new PartLifecycle('a follower');
    let cleaned = false;
    await expect(l.start(() => Promise.reject(new Error('no broker')), () => Promise.resolve((cleaned = true)))).rejects.toThrow('no broker');
    expect([l.state, cleaned]).toEqual(['failed', true]);
    await expect(l.start(() => Promise.resolve(), () => Promise.resolve())).rejects.toMatchObject({ code: 'ILLEGAL_STATE', message: 'cannot start a follower that is failed' });
  });

  it('stop before start just ends stopped; stop of a failed part does nothing; a throwing stop still ends stopped', async () => {
    const idle = new PartLifecycle('a part');
    let called = false;
    await idle.stop(() => Promise.resolve(void (called = true)));
    expect([idle.state, called]).toEqual(['stopped', false]);

    const failed = new PartLifecycle('a part');
    await failed.start(() => Promise.reject(new Error('x')), () => Promise.resolve()).catch(() => undefined);
    await failed.stop(() => Promise.resolve(void (called = true)));
    expect([failed.state, called]).toEqual(['failed', false]);

    const running = new PartLifecycle('a part');
    await running.start(() => Promise.resolve(running.running()), () => Promise.resolve());
    await expect(running.stop(() => Promise.reject(new Error('close failed')))).rejects.toThrow('close failed');
    expect(running.state).toBe('stopped');
  });
});
