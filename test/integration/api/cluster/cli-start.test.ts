/** `pinstate api` as a real process opens the IPFS Cluster REST API too; ipfs-cluster-ctl reaches it at the printed multiaddress. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../src/paths.js';
import { runCtl } from '../../../support/cluster-ctl.js';
import type { TestPipeline } from '../../../support/kafka.js';
import { pipeline, until, writeCliConfig } from '../../cli/helpers.js';

let p: TestPipeline;
beforeAll(async () => {
  p = await pipeline('cluster_cli');
});
afterAll(async () => {
  await p?.cleanup();
});

describe('pinstate api (process) with the cluster API', () => {
  it('prints the cluster API multiaddress and peer id; ipfs-cluster-ctl id answers with that peer', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(packageRoot(), 'src/cli/main-entry.ts'), '--config', writeCliConfig(p.config), 'api'], {
      cwd: packageRoot(),
      env: { ...process.env, KAFKA_BROKERS: '', SCYLLA_HOSTS: '', PINSTATE_CONFIG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', () => undefined);
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
    try {
      const [, host, peer] = await until('cluster API printed', () => /IPFS Cluster REST API (\/ip4\/127\.0\.0\.1\/tcp\/\d+) \(peer (\w+)\)/.exec(out) ?? undefined, 120_000);
      const id = await runCtl(['--host', host!, 'id']);
      expect(id.code, id.stdout).toBe(0);
      expect(id.stdout.startsWith(`${peer!} | `)).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
