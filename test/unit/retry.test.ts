import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retry } from '../../src/retry.js';

describe('backoffDelayMs', () => {
  it('spreads each delay over the whole window from the floor to the attempt cap', () => {
    expect(backoffDelayMs(0, 100, 10_000, () => 0)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 0)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 0.999_999)).toBe(800);
    expect(backoffDelayMs(3, 100, 10_000, () => 0.5)).toBe(450);
    // The cap stops at maxMs.
    expect(backoffDelayMs(20, 100, 10_000, () => 0.999_999)).toBe(10_000);
  });

  it('is really random: many draws cover the window, not one point', () => {
    const draws = Array.from({ length: 500 }, () => backoffDelayMs(4, 10, 10_000));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...draws)).toBeLessThanOrEqual(160);
    expect(new Set(draws).size).toBeGreaterThan(50);
    expect(Math.min(...draws)).toBeLessThan(50);
    expect(Math.max(...draws)).toBeGreaterThan(120);
  });
});

describe('retry', () => {
  const options = (retries: number, waits: number[]) => ({
    retries,
    minDelayMs: 10,
    maxDelayMs: 1000,
    random: () => 0.5,
    sleep: async (ms: number) => {
      waits.push(ms);
    },
  });

  it('retries a retryable failure until it succeeds, backing off between attempts', async () => {
    const waits: number[] = [];
    const attempts: number[] = [];
    const result = await retry(
      async (attempt) => {
        attempts.push(attempt);
        if (attempt < 2) throw new Error('flaky');
        return 'ok';
      },
      { ...options(5, waits), shouldRetry: () => true },
    );
    expect(result).toBe('ok');
    expect(attempts).toEqual([0, 1, 2]);
    expect(waits).toEqual([10, 15]);
  });

  it('gives up after the last retry and rethrows the last error unchanged', async () => {
    const waits: number[] = [];
    const seen: number[] = [];
    let n = 0;
    const err = await retry(
      async () => {
        throw new Error(`fail ${n++}`);
      },
      { ...options(2, waits), shouldRetry: () => true, onRetry: (_e, attempt) => seen.push(attempt) },
    ).catch((e: unknown) => e);
    expect((err as Error).message).toBe('fail 2');
    expect(seen).toEqual([0, 1]);
    expect(waits).toHaveLength(2);
  });

  it('does not retry what the classification refuses', async () => {
    const waits: number[] = [];
    let calls = 0;
    const fatal = new Error('bad request');
    await expect(
      retry(
        async () => {
          calls++;
          throw fatal;
        },
        { ...options(5, waits), shouldRetry: (e) => e !== fatal },
      ),
    ).rejects.toBe(fatal);
    expect(calls).toBe(1);
    expect(waits).toEqual([]);
  });

  it('stops waiting when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = retry(
      async () => {
        throw new Error('down');
      },
      { retries: 3, minDelayMs: 60_000, maxDelayMs: 60_000, shouldRetry: () => true, signal: controller.signal },
    );
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
