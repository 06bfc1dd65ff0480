/** The same API on a real socket (port 0) with fetch(): writer + API in one service, as `pinstate start` runs them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinJson } from '../../../src/api/index.js';
import { createLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/metrics.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { cidV0, cidV1, peerId } from '../../support/cids.js';
import { type TestPipeline } from '../../support/kafka.js';
import { metricValue, until, pipeline } from '../cli/helpers.js';

const TOKEN = 'listening-token';
let p: TestPipeline;
let service: RunningService;
let base: string;

beforeAll(async () => {
  p = await pipeline('api_listen');
  const config = { ...p.config, api: { ...p.config.api, host: '127.0.0.1', port: 0, tokens: [TOKEN] } };
  service = await startService({ config, logger: createLogger({ level: 'silent' }), registry: createRegistry({ defaultMetrics: true }), parts: { writer: true, api: true, sweeper: false } });
  base = service.api!.url;
});
afterAll(async () => {
  await service?.close();
  await p?.cleanup();
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('listening server', () => {
  it('binds the asked host on a real port', () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.api!.port).toBeGreaterThan(0);
  });

  it('liveness, readiness and request ids over HTTP', async () => {
    const res = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const ready = await until('readyz 200', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
    expect(ready).toBe(true);
  });

  it('write → apply → read, with auth, and NDJSON streamed over the socket', async () => {
    const cids = [cidV1('listen-1'), cidV0('listen-2'), cidV1('listen-3')];
    expect((await fetch(`${base}/pins/${cids[0]}`, { method: 'POST', body: '{}' })).status).toBe(401);
    for (const cid of cids) {
      const res = await fetch(`${base}/pins/${cid}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: cid.slice(-6) }) });
      expect(res.status).toBe(202);
    }
    const peer = peerId('listen-peer');
    expect((await fetch(`${base}/pins/${cids[1]}/placement`, { method: 'PUT', headers: auth, body: JSON.stringify({ peers: [peer] }) })).status).toBe(202);
    const pin = await until('placement applied', async () => {
      const res = await fetch(`${base}/pins/${cids[1]}`);
      const body = res.status === 200 ? ((await res.json()) as PinJson) : undefined;
      return body?.placement === null ? undefined : body;
    });
    expect(pin.placement?.desired).toEqual([peer]);

    const stream = await until('all pins listed', async () => {
      const text = await (await fetch(`${base}/pins`)).text();
      return text.trim().split('\n').length === 3 ? text : undefined;
    });
    expect(stream.trim().split('\n').map((l) => (JSON.parse(l) as PinJson).cid).sort()).toEqual([...cids].sort());
    const peerLines = (await (await fetch(`${base}/peers/${peer}/pins`)).text()).trim().split('\n');
    expect(peerLines.map((l) => (JSON.parse(l) as { cid: string }).cid)).toEqual([cids[1]]);
    expect(await (await fetch(`${base}/stats`)).json()).toEqual({ pins: 3, placements: { pin_queued: 1 }, total_placements: 1 });

    expect((await fetch(`${base}/pins/${cids[2]}`, { method: 'DELETE', headers: auth })).status).toBe(202);
    await until('delete applied', async () => ((await fetch(`${base}/pins/${cids[2]}`)).status === 404 ? true : undefined));
  });

  it('/metrics and /openapi.json over HTTP', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(metricValue(text, 'pinstate_writer_messages_total', 'outcome="applied"')).toBeGreaterThanOrEqual(5);
    expect(metricValue(text, 'pinstate_api_requests_total', 'status="401"')).toBe(1);
    expect(text).toContain('pinstate_process_resident_memory_bytes');
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');
  });

  it('close() drains the writer and stops listening', async () => {
    expect(await service.close()).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
