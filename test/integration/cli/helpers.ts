/** Shared by the CLI, API and service integration tests: config files for the CLI, polling. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PinstateConfig } from '../../../src/config/types.js';
import { freshPipeline, type TestPipeline } from '../../support/kafka.js';
import { rawConfigOf } from '../../support/process.js';
import { sleep } from '../../../src/sleep.js';

/** The test config as a file for `--config`, with the API on a free port and a fast TTL sweep. */
export function writeCliConfig(config: PinstateConfig, extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pinstate-cli-'));
  const file = join(dir, 'pinstate.json');
  // The IPFS Cluster API on a free port too: its default 9094 is one port for every parallel test.
  const clusterApi = { http_listen_multiaddress: '/ip4/127.0.0.1/tcp/0', identity_file: join(dir, 'cluster-identity.json') };
  const raw = { ...rawConfigOf(config), api: { host: '127.0.0.1', port: 0 }, cluster_api: clusterApi, ttl: { sweep_interval: '1s' }, ...extra };
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err: unknown) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`);
    await sleep(everyMs);
  }
}

/** The API base URL a `start` / `api` / `writer --http` run printed. */
export function apiUrlIn(output: string): string | undefined {
  return /API (http:\/\/[^\s]+)/.exec(output)?.[1];
}

/** A metric's value from Prometheus text (sum over the lines matching name and label fragment). */
export function metricValue(text: string, name: string, labelFragment = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || line.startsWith('#')) continue;
    const rest = line.slice(name.length);
    if (!(rest.startsWith(' ') || rest.startsWith('{'))) continue;
    if (!line.includes(labelFragment)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * freshPipeline, tried again when the broker answers a just-created topic's metadata with a
 * transient protocol error ("does not host this topic-partition") while it is busy.
 */
export async function pipeline(prefix: string, overrides: Record<string, unknown> = {}): Promise<TestPipeline> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await freshPipeline(prefix, overrides);
    } catch (err: unknown) {
      if (attempt >= 3 || !(err instanceof Error && err.name.startsWith('KafkaJS'))) throw err;
      await sleep(1_000 * attempt);
    }
  }
}
