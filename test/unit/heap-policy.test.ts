import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyHeapPolicy, effectiveSemiSpaceMb, explicitHeapGrowingPercent, explicitSemiSpaceMb, heapPolicyFor, semiSpacePlan, takeReexecMark } from '../../src/heap-policy.js';
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

describe('heap semi-space (heap_semi_space_mb)', () => {
  const facts = { execArgv: [] as string[], nodeOptions: undefined, canReexec: true, reexecuted: false };

  it('finds --max-semi-space-size among node flags in either spelling and form; the last one counts', () => {
    expect(explicitSemiSpaceMb([])).toBeNull();
    expect(explicitSemiSpaceMb(['--max-old-space-size=160'])).toBeNull();
    expect(explicitSemiSpaceMb(['--max-semi-space-size=8'])).toBe(8);
    expect(explicitSemiSpaceMb(['--max_semi_space_size', '32'])).toBe(32);
    expect(explicitSemiSpaceMb(['--max-semi-space-size=8', '--max-semi-space-size=4'])).toBe(4);
    expect(explicitSemiSpaceMb(['--max-semi-space-size='])).toBeNull();
    expect(explicitSemiSpaceMb(['--max-semi-space-size=lots'])).toBeNull();
  });

  it('re-executes with the key unless node already has a semi-space, the key is 0, or it cannot', () => {
    expect(semiSpacePlan(16, facts)).toEqual({ action: 'reexec', flags: ['--max-semi-space-size=16'], mb: 16 });
    expect(semiSpacePlan(16, { ...facts, execArgv: ['--max-semi-space-size=8'] })).toEqual({ action: 'keep', source: 'node-flag', mb: 8 });
    expect(semiSpacePlan(16, { ...facts, nodeOptions: '--trace-gc  --max-semi-space-size=32' })).toEqual({ action: 'keep', source: 'node-options', mb: 32 });
    expect(semiSpacePlan(0, facts)).toEqual({ action: 'keep', source: 'v8', mb: null });
    expect(semiSpacePlan(16, { ...facts, canReexec: false })).toEqual({ action: 'keep', source: 'no-execve', mb: null });
    // The re-executed process: it has the flag, and says where it came from.
    expect(semiSpacePlan(16, { ...facts, execArgv: ['--max-semi-space-size=16', '--import', 'tsx'], reexecuted: true })).toEqual({ action: 'keep', source: 'reexecuted', mb: 16 });
    // Marked as re-executed but without the flag (something dropped it): never a second re-exec.
    expect(semiSpacePlan(16, { ...facts, reexecuted: true })).toEqual({ action: 'keep', source: 'no-execve', mb: null });
  });

  it('takes the re-exec mark out of the environment, so children do not inherit it, and remembers it', () => {
    const env: NodeJS.ProcessEnv = { PINSTATE_REEXECUTED: '1', KEEP: 'me' };
    expect(takeReexecMark(env)).toBe(true);
    expect(env).toEqual({ KEEP: 'me' });
    // A second ask (start's action, then runUntilStopped) answers the same.
    expect(takeReexecMark(env)).toBe(true);
  });

  it('reports the semi-space in effect for /metrics (0: V8 own size)', () => {
    expect(effectiveSemiSpaceMb([], undefined)).toBe(0);
    expect(effectiveSemiSpaceMb(['--max-semi-space-size=16'], '--max-semi-space-size=64')).toBe(16);
    expect(effectiveSemiSpaceMb([], '--max-semi-space-size=64')).toBe(64);
  });

  it('a launcher re-executes itself in the same process with the flag, and its young generation stays within it', async () => {
    // Node 22 and later let the young generation grow to 128 MB; --max-semi-space-size=16 keeps it
    // near 32 MB (V8 rounds to pages: 32–34.75 MB seen under Node 24.21).
    const dir = mkdtempSync(join(tmpdir(), 'pinstate-semi-'));
    const script = join(dir, 'child.mjs');
    writeFileSync(
      script,
      `const { processIo } = await import(${JSON.stringify(pathToFileURL(join(packageRoot(), 'src/cli/context.ts')).href)});
      const v8 = await import('node:v8');
      const io = processIo({ reexec: true });
      if (process.argv[2] === 'reexec' && io.reexec !== undefined && process.env.PINSTATE_REEXECUTED !== '1') io.reexec(['--max-semi-space-size=16']);
      let keep = [];
      let maxNew = 0;
      for (let i = 0; i < 3e6; i++) {
        keep.push({ a: i, b: 'x' + i, c: [i, i + 1] });
        if (keep.length > 200000) keep = keep.slice(100000);
        if (i % 10000 === 0) maxNew = Math.max(maxNew, v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
      }
      process.stdout.write(JSON.stringify({ pid: process.pid, execArgv: process.execArgv, args: process.argv.slice(2), maxNewMb: maxNew / 2 ** 20, canReexec: io.reexec !== undefined }));`,
    );
    const run = (mode: string): Promise<{ spawned: number; out: { pid: number; execArgv: string[]; args: string[]; maxNewMb: number; canReexec: boolean } }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', script, mode, 'extra arg'], { cwd: packageRoot(), env: { ...process.env, NODE_OPTIONS: '', PINSTATE_REEXECUTED: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve({ spawned: child.pid!, out: JSON.parse(out) as never }) : reject(new Error(`child exited ${code}`))));
      });
    const [reexec, plain] = await Promise.all([run('reexec'), run('plain')]);
    if (typeof (process as unknown as { execve?: unknown }).execve === 'function') {
      expect(reexec.out.canReexec).toBe(true);
      // The same process (pid), started over with the flag in front of its own flags and the same arguments.
      expect(reexec.out.pid).toBe(reexec.spawned);
      expect(reexec.out.execArgv).toEqual(['--max-semi-space-size=16', '--import', 'tsx']);
      expect(reexec.out.args).toEqual(['reexec', 'extra arg']);
      expect(reexec.out.maxNewMb).toBeLessThan(48);
      expect(plain.out.maxNewMb).toBeGreaterThan(reexec.out.maxNewMb);
    } else {
      // Node 20: no process.execve, so no re-exec; its own young generation is already 32 MB at most.
      expect([reexec.out.canReexec, reexec.out.execArgv]).toEqual([false, ['--import', 'tsx']]);
      expect(reexec.out.maxNewMb).toBeLessThan(48);
    }
    expect(plain.out.execArgv).toEqual(['--import', 'tsx']);
  }, 120_000);
});
