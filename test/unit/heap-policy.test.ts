import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyHeapPolicy, explicitHeapGrowingPercent, heapPolicyFor } from '../../src/heap-policy.js';
import { packageRoot } from '../../src/paths.js';

describe('heap growing percent', () => {
  it('finds --heap-growing-percent among node flags in either spelling and form; the last one counts', () => {
    expect(explicitHeapGrowingPercent([])).toBeNull();
    expect(explicitHeapGrowingPercent(['--max-old-space-size=160', '--trace-gc'])).toBeNull();
    expect(explicitHeapGrowingPercent(['--heap-growing-percent=40'])).toBe(40);
    expect(explicitHeapGrowingPercent(['--trace-gc', '--heap_growing_percent=25'])).toBe(25);
    expect(explicitHeapGrowingPercent(['--heap-growing-percent', '60'])).toBe(60);
    expect(explicitHeapGrowingPercent(['--heap-growing-percent=50', '--heap-growing-percent=0'])).toBe(0);
    // a value V8 would not take is not counted
    expect(explicitHeapGrowingPercent(['--heap-growing-percent=lots'])).toBeNull();
    expect(explicitHeapGrowingPercent(['--heap-growing-percent', '--trace-gc'])).toBeNull();
    expect(explicitHeapGrowingPercent(['--heap-growing-percent='])).toBeNull();
    expect(explicitHeapGrowingPercent(['--heap-growing-percent'])).toBeNull();
  });

  it('takes the config unless node was given the flag; 0 is V8 own policy', () => {
    expect(heapPolicyFor(100, [])).toEqual({ source: 'config', percent: 100 });
    expect(heapPolicyFor(0, [])).toEqual({ source: 'v8', percent: 0 });
    expect(heapPolicyFor(100, ['--heap-growing-percent=0'])).toEqual({ source: 'node-flag', percent: 0 });
    expect(heapPolicyFor(0, ['--heap-growing-percent=30'])).toEqual({ source: 'node-flag', percent: 30 });
  });

  it('sets the V8 flag from the config, and leaves one given to node alone', () => {
    const set: string[] = [];
    const setFlags = (flags: string): void => void set.push(flags);
    expect(applyHeapPolicy(100, { execArgv: [], setFlags }).source).toBe('config');
    expect(applyHeapPolicy(0, { execArgv: [], setFlags }).source).toBe('v8');
    expect(applyHeapPolicy(100, { execArgv: ['--heap-growing-percent=10'], setFlags }).source).toBe('node-flag');
    expect(set).toEqual(['--heap-growing-percent=100', '--heap-growing-percent=0']);
  });

  it('node refuses the flag in NODE_OPTIONS, so only its command line can override the key', async () => {
    const refused = await promisify(execFile)(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--heap-growing-percent=50' } }).then(
      () => null,
      (err: unknown) => String((err as { stderr?: string }).stderr),
    );
    expect(refused).toMatch(/--heap-growing-percent.* is not allowed in NODE_OPTIONS/);
  });

  it('bounds a running process heap when set at start-up (V8 reads the flag at every full collection)', async () => {
    // A process that keeps ~25 MB live and turns it over, as a writer does with its fetches; long
    // enough that V8's initial limit no longer matters. Its old generation is compared: Node 24's
    // young generation is four times Node 20's, and this flag does not govern it.
    const module = pathToFileURL(join(packageRoot(), 'src/heap-policy.ts')).href;
    const script = `
      const v8 = await import('node:v8');
      const { applyHeapPolicy } = await import(${JSON.stringify(module)});
      applyHeapPolicy(Number(process.argv[1]), { execArgv: [] });
      const live = [];
      let max = 0;
      for (let i = 0; i < 5000; i++) {
        const batch = [];
        for (let j = 0; j < 2000; j++) batch.push({ a: 'x'.repeat(20) + j, b: [j, j + 1, j + 2], c: { d: j } });
        live.push(batch);
        if (live.length > 60) live.shift();
        if (i % 10 === 0) for (const s of v8.getHeapSpaceStatistics()) if (s.space_name === 'old_space') max = Math.max(max, s.space_size);
      }
      process.stdout.write(String(max));`;
    const run = async (percent: number): Promise<number> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, String(percent)], { cwd: packageRoot(), env: { ...process.env, NODE_OPTIONS: '' } });
      return Number(stdout);
    };
    const [v8Own, twice] = await Promise.all([run(0), run(100)]);
    // Largest old generation, measured: Node 20 356 vs 181 MB, Node 24 434 vs 269 MB.
    expect(twice).toBeLessThan(v8Own * 0.8);
  }, 120_000);
});
