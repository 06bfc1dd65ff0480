/** The parts run alone: `pinstate api` (no writer) and `pinstate sweep-ttl` (loop, --once, --direct). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opId, cidV1 } from '../../support/cids.js';
import type { TestPipeline } from '../../support/kafka.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';
import { runCli, startCli } from '../../unit/cli/capture.js';
import { apiUrlIn, pipeline, until, writeCliConfig } from '../cli/helpers.js';

let p: TestPipeline;
let direct: TestKeyspace;

beforeAll(async () => {
  [p, direct] = await Promise.all([pipeline('svc_parts'), freshStore('svc_direct')]);
});
afterAll(async () => {
  await Promise.all([p?.cleanup(), direct?.cleanup()]);
});

describe('pinstate api', () => {
  it('serves reads and readiness without a writer, stops with exit 0', async () => {
    const run = startCli(['--config', writeCliConfig(p.config), 'api']);
    const base = await until('API address printed', () => apiUrlIn(run.captured.out()));
    expect(run.captured.out()).toMatch(/^pinstate api running \(pid \d+\); API http/m);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: { ok: true }, kafka: { ok: true } } });
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ pins: 0, placements: {}, total_placements: 0 });
    expect((await fetch(`${base}/pins/${cidV1('svc-api')}`, { method: 'POST' })).status).toBe(202);
    const r = await run.stop();
    expect(r.code).toBe(0);
  });
});

describe('pinstate sweep-ttl', () => {
  it('--direct --once expires due pins straight in the store', async () => {
    const cid = cidV1('svc-direct');
    // The CLI sweeps at the real clock, so the due pin is written already expired instead of waiting for it to expire.
    await direct.store.upsertPin(opId('direct'), { cid, expireAt: Date.now() - 1_000 });
    await direct.store.upsertPin(opId('direct'), { cid: cidV1('svc-direct-later'), expireAt: Date.now() + 3_600_000 });
    const r = await runCli(['--config', writeCliConfig(direct.config), 'sweep-ttl', '--direct', '--once']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^expired 1 pins \(hour buckets \d+–\d+\)$/m);
    expect(await direct.store.has(cid)).toBe(false);
    expect(await direct.store.has(cidV1('svc-direct-later'))).toBe(true);
  });

  it('runs every --interval until stopped, exit 0', async () => {
    const run = startCli(['--config', writeCliConfig(direct.config), 'sweep-ttl', '--direct', '--interval', '200ms']);
    await until('running', () => (run.captured.out().includes('sweep-ttl running') ? true : undefined));
    expect(run.captured.out()).toMatch(/every 200ms, directly into the store/);
    // Due only after the loop's first sweep: its removal shows a later interval swept again.
    const cid = cidV1('svc-loop');
    await direct.store.upsertPin(opId('loop'), { cid, expireAt: Date.now() - 1_000 });
    await until('a later sweep expired the pin', async () => ((await direct.store.has(cid)) ? undefined : true), 20_000);
    const r = await run.stop();
    expect(r.code).toBe(0);
  });
});
