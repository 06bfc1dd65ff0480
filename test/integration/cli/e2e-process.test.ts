/**
 * End to end through real child processes, as an operator runs them: `pinstate writer` in the
 * background, `pinstate pin add`, then `pinstate pin get --json` shows the pin; SIGTERM stops the
 * writer with exit 0.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinJson } from '../../../src/api/index.js';
import { packageRoot } from '../../../src/paths.js';
import { cidV1 } from '../../support/cids.js';
import type { TestPipeline } from '../../support/kafka.js';
import { pipeline, until, writeCliConfig } from './helpers.js';

const ENTRY = join(packageRoot(), 'src/cli/main-entry.ts');

interface Proc {
  readonly output: () => string;
  readonly stdout: () => string;
  readonly exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): void;
}

/** `pinstate <args…>` as a child process (from source, through tsx). */
function pinstate(args: readonly string[]): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: packageRoot(),
    env: { ...process.env, KAFKA_BROKERS: '', SCYLLA_HOSTS: '', PINSTATE_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  let out = '';
  child.stdout.on('data', (d: Buffer) => ((out += d.toString()), (all += d.toString())));
  child.stderr.on('data', (d: Buffer) => (all += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { output: () => all, stdout: () => out, exited, kill: (s) => child.kill(s) };
}

let p: TestPipeline;
let file: string;

beforeAll(async () => {
  p = await pipeline('cli_e2e');
  file = writeCliConfig(p.config);
});
afterAll(async () => {
  await p?.cleanup();
});

describe('pinstate as child processes', () => {
  it('pin add → writer → pin get --json shows the pin; SIGTERM stops the writer with exit 0', async () => {
    const writer = pinstate(['--config', file, 'writer']);
    try {
      await until('writer running', () => (writer.output().includes('writer running') ? true : undefined), 90_000);
      const cid = cidV1('e2e-process');
      const add = pinstate(['--config', file, 'pin', 'add', cid, '--name', 'e2e', '--tag', 'proc']);
      expect(await add.exited).toBe(0);
      const opId = add.stdout().trim();
      expect(opId).toMatch(/^[0-9a-f-]{36}$/);

      const pin = await until('pin get --json shows the pin', async () => {
        const get = pinstate(['--config', file, 'pin', 'get', cid, '--json']);
        return (await get.exited) === 0 ? (JSON.parse(get.stdout()) as PinJson) : undefined;
      }, 90_000, 500);
      expect(pin).toMatchObject({ cid, name: 'e2e', tags: ['proc'], last_op_id: opId });
    } finally {
      writer.kill('SIGTERM');
    }
    expect(await writer.exited).toBe(0);
    expect(writer.stdout()).toContain('pinstate: stopped\n');
  });

  it('a usage error exits 2 naming the option', async () => {
    const bad = pinstate(['--config', file, 'pin', 'add', cidV1('x'), '--rf-max', 'lots']);
    expect(await bad.exited).toBe(2);
    expect(bad.output()).toContain('error: --rf-max: expected an integer, got "lots"');
  });
});
