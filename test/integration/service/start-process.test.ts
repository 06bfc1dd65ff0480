/** `pinstate start` as a real process: ready over HTTP, then a real SIGTERM drains it and it exits 0. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';
import type { TestPipeline } from '../../support/kafka.js';
import { apiUrlIn, pipeline, until, writeCliConfig } from '../cli/helpers.js';

let p: TestPipeline;

beforeAll(async () => {
  p = await pipeline('svc_proc');
});
afterAll(async () => {
  await p?.cleanup();
});

describe('pinstate start (process)', () => {
  it('answers /readyz 200 with its heap policy and semi-space on /metrics, then SIGTERM → graceful stop, exit 0', async () => {
    // No --no-local-stack: the config points at 127.0.0.1:9092/9042 and they answer, so the stack script is not run.
    const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot(), 'src/cli/main-entry.ts'), '--config', writeCliConfig(p.config), 'start'], {
      cwd: packageRoot(),
      env: { ...process.env, KAFKA_BROKERS: '', SCYLLA_HOSTS: '', PINSTATE_CONFIG: '', PINSTATE_HEAP_GROWING_PERCENT: '', PINSTATE_HEAP_SEMI_SPACE_MB: '', PINSTATE_REEXECUTED: '', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', () => undefined);
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    try {
      const base = await until('API address printed', () => apiUrlIn(out), 120_000);
      await until('ready', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
      expect(out).not.toContain('starting the local stack');
      // heap_growing_percent (default 100) was set by the process itself, not by node's flags.
      const metrics = await (await fetch(`${base}/metrics`)).text();
      expect(metrics).toMatch(/^pinstate_nodejs_heap_growing_percent 100$/m);
      // heap_semi_space_mb (default 16): where node has process.execve the process re-executed
      // itself with the flag, in place (the pid it prints is the one spawned); Node 20 cannot.
      const canReexec = typeof (process as unknown as { execve?: unknown }).execve === 'function';
      expect(metrics).toMatch(canReexec ? /^pinstate_nodejs_heap_semi_space_mb 16$/m : /^pinstate_nodejs_heap_semi_space_mb 0$/m);
      expect(out).toContain(`pinstate running (pid ${child.pid}):`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('pinstate: SIGTERM: stopping');
    expect(out).toContain('pinstate: stopped\n');
  });
});
