import { describe, expect, it } from 'vitest';
import { ndjsonStream } from '../../../src/api/ndjson.js';
import { sleep } from '../../../src/sleep.js';

function counting(total = Number.POSITIVE_INFINITY): { source: AsyncGenerator<number>; pulled: () => number; returned: () => boolean } {
  let pulled = 0;
  let returned = false;
  async function* gen(): AsyncGenerator<number> {
    try {
      while (pulled < total) yield pulled++;
    } finally {
      returned = true;
    }
  }
  return { source: gen(), pulled: () => pulled, returned: () => returned };
}

describe('NDJSON streams', () => {
  it('writes one JSON line per item and ends with the source', async () => {
    const { source } = counting(3);
    const text = await new Response(ndjsonStream(source, (n) => ({ n }))).text();
    expect(text).toBe('{"n":0}\n{"n":1}\n{"n":2}\n');
  });

  it('pulls from an endless source only as the reader reads (bounded memory)', async () => {
    const c = counting();
    const reader = ndjsonStream(c.source, (n) => ({ n, pad: 'x'.repeat(100) })).getReader();
    await sleep(20);
    expect(c.pulled()).toBe(0);
    const first = await reader.read();
    expect(first.done).toBe(false);
    const afterOne = c.pulled();
    expect(afterOne).toBeGreaterThan(0);
    expect(afterOne).toBeLessThan(200); // about one 16 KiB chunk
    await sleep(20);
    expect(c.pulled()).toBe(afterOne);
    await reader.cancel();
    expect(c.returned()).toBe(true);
  });

  it('stops the source at the limit', async () => {
    const c = counting();
    const text = await new Response(ndjsonStream(c.source, (n) => n, { limit: 5 })).text();
    expect(text.trim().split('\n')).toEqual(['0', '1', '2', '3', '4']);
    expect(c.returned()).toBe(true);
  });

  it('cuts the stream when the source fails mid-way and reports the error', async () => {
    const errors: unknown[] = [];
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error('scan failed');
    }
    const res = new Response(ndjsonStream(failing(), (n) => n, { onError: (e) => errors.push(e) }));
    await expect(res.text()).rejects.toThrow('scan failed');
    expect(errors).toHaveLength(1);
  });
});
