/**
 * The HTTP layer's own decisions, with the store unreachable and a recording publisher: auth, size
 * limit, input errors, request ids, metrics labels. A refused request publishes nothing. (The same
 * routes against the real store and Kafka are in test/integration/api.)
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createApp, type ErrorBody } from '../../../src/api/index.js';
import { createLogger } from '../../../src/log.js';
import { stubDeps } from './stubs.js';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const PEER = '12D3KooWAbCdEf';

async function error(res: Response): Promise<ErrorBody['error']> {
  return ((await res.json()) as ErrorBody).error;
}

describe('write endpoints: auth', () => {
  const deps = stubDeps({ config: { tokens: ['s3cret', 'other'], maxBodyBytes: 1024 } });
  const app = createApp(deps);
  const writes: Array<[string, string, string?]> = [
    ['POST', `/pins/${CID}`, '{}'],
    ['DELETE', `/pins/${CID}`],
    ['PUT', `/pins/${CID}/placement`, `{"peers":["${PEER}"]}`],
  ];

  it.each(writes)('%s %s: missing or wrong token → 401 naming authorization, nothing published', async (method, path, body) => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'Basic s3cret' }] as Array<Record<string, string>>) {
      const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await error(res)).toMatchObject({ code: 'UNAUTHORIZED', field: 'authorization' });
    }
    expect(deps.producer.calls).toEqual([]);
  });

  it.each(writes)('%s %s: a configured token → 202 with the op_id', async (method, path, body) => {
    const res = await app.request(path, { method, headers: { authorization: 'Bearer other' }, ...(body === undefined ? {} : { body }) });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { op_id: string; cid: string };
    expect(accepted.cid).toBe(CID);
    expect(accepted.op_id).toMatch(/^op-\d+$/);
  });

  it('reads need no token', async () => {
    const res = await app.request('/healthz');
    expect(res.status).toBe(200);
  });
});

describe('write endpoints: bad input', () => {
  const deps = stubDeps({ config: { tokens: [], maxBodyBytes: 64 } });
  const app = createApp(deps);
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> => Promise.resolve(app.request(path, { method: 'POST', body, headers }));

  it('invalid CID → 400 naming cid', async () => {
    const res = await post('/pins/not-a-cid', '{}');
    expect(res.status).toBe(400);
    expect(await error(res)).toMatchObject({ code: 'INVALID_CID', field: 'cid' });
  });

  it('bad JSON → 400 naming body', async () => {
    const res = await post(`/pins/${CID}`, '{"name":');
    expect(res.status).toBe(400);
    expect(await error(res)).toMatchObject({ code: 'INVALID_JSON', field: 'body' });
  });

  it('oversized body → 413 naming body, by content-length and by streamed size', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(100) });
    const res = await post(`/pins/${CID}`, big);
    expect(res.status).toBe(413);
    expect(await error(res)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'body' });
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await app.request(`/pins/${CID}`, { method: 'POST', body: stream, duplex: 'half' });
    expect(chunked.status).toBe(413);
  });

  it('unknown field and bad values name the JSON key', async () => {
    expect(await error(await post(`/pins/${CID}`, '{"nmae":"x"}'))).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'nmae' });
    expect(await error(await post(`/pins/${CID}`, '{"replication_factor_min":-5}'))).toMatchObject({ field: 'replication_factor_min' });
    expect(await error(await post(`/pins/${CID}`, '{"tags":[1]}'))).toMatchObject({ field: 'tags[0]' });
    const placement = await app.request(`/pins/${CID}/placement`, { method: 'PUT', body: '{"peers":["not a peer"]}' });
    expect(placement.status).toBe(400);
    expect(await error(placement)).toMatchObject({ code: 'INVALID_PEER', field: 'peers[0]' });
  });

  it('published nothing for any of them', () => {
    expect(deps.producer.calls).toEqual([]);
  });
});

describe('cross-cutting', () => {
  it('echoes an incoming x-request-id, or makes one', async () => {
    const app = createApp(stubDeps());
    expect((await app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id')).toBe('abc-123');
    expect((await app.request('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one pino JSON line per request with the request id (probes at debug)', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const app = createApp(stubDeps({ logger: createLogger({ level: 'info', destination }) }));
    await app.request(`/pins/${CID}`, { method: 'DELETE', headers: { 'x-request-id': 'trace-7', authorization: 'Bearer secret' } });
    await app.request('/healthz');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ req_id: 'trace-7', component: 'api', method: 'DELETE', route: '/pins/:cid', status: 202, msg: 'request' });
    expect(lines[0]).not.toContain('secret');
  });

  it('unknown routes are JSON 404s; query typos are 400s', async () => {
    const app = createApp(stubDeps());
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect(await error(res)).toMatchObject({ code: 'NOT_FOUND' });
    const typo = await app.request('/pins?staet=pinned');
    expect(typo.status).toBe(400);
    expect(await error(typo)).toMatchObject({ code: 'UNKNOWN_FIELD', field: 'staet' });
    expect(await error(await app.request('/pins?state=sleeping'))).toMatchObject({ code: 'INVALID_STATE', field: 'state' });
    expect(await error(await app.request('/pins?limit=0'))).toMatchObject({ field: 'limit' });
  });

  it('readyz mirrors the probe: 503 with the failing part', async () => {
    const report = { ready: false, checks: { database: { ok: true }, kafka: { ok: true }, writer: { ok: false, state: 'starting', detail: 'writer is starting' } } };
    const app = createApp(stubDeps({ readiness: { check: () => Promise.resolve(report) } }));
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual(report);
  });

  it('counts requests by route pattern, method and status; runs beforeScrape', async () => {
    let scraped = 0;
    const deps = stubDeps({ beforeScrape: () => void (scraped += 1) });
    const app = createApp(deps);
    await app.request(`/pins/${CID}`, { method: 'DELETE' });
    await app.request('/nope');
    const text = await (await app.request('/metrics')).text();
    expect(scraped).toBe(1);
    expect(text).toContain('pinstate_api_requests_total{route="/pins/:cid",method="DELETE",status="202"} 1');
    expect(text).toContain('pinstate_api_requests_total{route="unmatched",method="GET",status="404"} 1');
    expect(text).toMatch(/pinstate_api_request_seconds_bucket\{le="0.005",route="\/pins\/:cid",method="DELETE"\} 1/);
  });
});
