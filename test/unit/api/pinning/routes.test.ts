/** The Pinning Services API routes through `app.request()` on the whole app (mounted under /pinning). */
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, type ApiApp } from '../../../../src/api/index.js';
import type { PsaPinResults, PsaPinStatus } from '../../../../src/api/pinning/index.js';
import { UUID_V7_PATTERN } from '../../../../producers/index.js';
import { PinstateError } from '../../../../src/errors.js';
import { cidV0, cidV1, peerId } from '../../../support/cids.js';
import { noStore, stubDeps, type RecordingPublisher } from '../stubs.js';
import { auth, memoryRequests, PinTable, pinningConfig, type MemoryRequests } from './doubles.js';

const A = peerId('psa-A');
const B = peerId('psa-B');
const ORIGIN = `/ip4/127.0.0.1/tcp/4001/p2p/${peerId('origin')}`;

let app: ApiApp;
let requests: MemoryRequests;
let pins: PinTable;
let producer: RecordingPublisher;
let now: number;

function build(delegates?: (peers: readonly string[]) => string[]): void {
  requests = memoryRequests();
  pins = new PinTable();
  now = 1_780_000_000_000_000;
  const deps = stubDeps({
    store: { ...noStore, get: pins.get },
    pinning: {
      config: pinningConfig(),
      requests,
      clock: () => (now += 1_000),
      ...(delegates === undefined ? {} : { delegates: { multiaddrsOf: (peers: readonly string[]) => Promise.resolve(delegates(peers)) } }),
    },
  });
  producer = deps.producer;
  app = createApp(deps);
}
beforeEach(() => build());

const post = (body: unknown, who: 'alice' | 'bob' = 'alice', path = '/pinning/pins'): Promise<Response> =>
  Promise.resolve(app.request(path, { method: 'POST', headers: auth(who), body: typeof body === 'string' ? body : JSON.stringify(body) }));
const get = (path: string, who: 'alice' | 'bob' = 'alice'): Promise<Response> => Promise.resolve(app.request(path, { headers: auth(who) }));
const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>;

async function add(cid: string, extra: Record<string, unknown> = {}, who: 'alice' | 'bob' = 'alice'): Promise<PsaPinStatus> {
  const res = await post({ cid, ...extra }, who);
  expect(res.status).toBe(202);
  return json<PsaPinStatus>(res);
}

describe('authentication comes first', () => {
  it('401 with the Failure body for a missing, wrong or non-Bearer token, on every path and method', async () => {
    const cases: Array<[string, RequestInit]> = [
      ['/pinning/pins', {}],
      ['/pinning/pins', { method: 'POST', body: 'not json' }],
      ['/pinning/pins/whatever', { method: 'DELETE' }],
      ['/pinning/pins', { method: 'PUT' }],
      ['/pinning/nowhere', {}],
      ['/pinning/pins?limit=0', { headers: { authorization: 'Bearer wrong' } }],
      ['/pinning/pins', { headers: { authorization: 'Basic YWxpY2U6cHc=' } }],
    ];
    for (const [path, init] of cases) {
      const res = await app.request(path, init);
      expect(res.status, `${init.method ?? 'GET'} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const body = await json<{ error: { reason: string; details: string } }>(res);
      expect(body.error.reason).toBe('UNAUTHORIZED');
      expect(Object.keys(body)).toEqual(['error']);
    }
    expect(producer.calls).toEqual([]);
  });

  it('with no token configured every request is refused, naming pinning.tokens', async () => {
    const deps = stubDeps({ pinning: { config: pinningConfig({ tokens: [] }), requests: memoryRequests() } });
    const res = await createApp(deps).request('/pinning/pins', { headers: { authorization: 'Bearer anything' } });
    expect(res.status).toBe(401);
    expect((await json<{ error: { details: string } }>(res)).error.details).toMatch(/pinning\.tokens/);
  });

  it('the OpenAPI document needs no token', async () => {
    const res = await app.request('/pinning/openapi.json');
    expect(res.status).toBe(200);
    expect((await json<{ openapi: string; info: { version: string } }>(res)).info.version).toBe('1.0.0');
  });
});

describe('POST /pins', () => {
  it('202 with a queued PinStatus; publishes UpsertPin whose op_id is the requestid, owner from the token', async () => {
    const cid = cidV1('add-1');
    const status = await add(cid, { name: 'doc.pdf', origins: [ORIGIN], meta: { app_id: 'x' } });
    expect(status.requestid).toMatch(UUID_V7_PATTERN);
    expect(status.status).toBe('queued');
    expect(status.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(status.pin).toEqual({ cid, name: 'doc.pdf', origins: [ORIGIN], meta: { app_id: 'x' } });
    expect(status.delegates).toEqual([]);
    expect(status.info?.['status_details']).toMatch(/waiting for the writer/);
    expect(producer.calls).toEqual([{ method: 'upsertPin', args: [{ cid, owner: 'alice', name: 'doc.pdf', origins: [ORIGIN] }, { opId: status.requestid }] }]);
  });

  it('a second request for the same CID gets its own requestid and created', async () => {
    const cid = cidV1('twice');
    const [one, two] = [await add(cid), await add(cid)];
    expect(one.requestid).not.toBe(two.requestid);
    expect(Date.parse(two.created)).toBeGreaterThanOrEqual(Date.parse(one.created));
    expect(two.created).not.toBe(one.created);
  });

  it('a CIDv0 stays v0; bad bodies are 400 BAD_REQUEST naming the field, and nothing is published', async () => {
    expect((await add(cidV0('v0'))).pin.cid).toBe(cidV0('v0'));
    producer.calls.length = 0;
    const bad: Array<[unknown, RegExp]> = [
      ['{', /body: expected a JSON Pin/],
      [[], /body/],
      [{}, /cid/],
      [{ cid: 'nope' }, /cid: expected a CID/],
      [{ cid: 'bafkqaaa' }, /cid/],
      [{ cid: cidV1('x'), name: 'n'.repeat(256) }, /name/],
      [{ cid: cidV1('x'), origins: ['/ip4/1.2.3.4/tcp/1'] }, /origins\.0: expected a multiaddr ending in \/p2p/],
      [{ cid: cidV1('x'), origins: [ORIGIN, ORIGIN] }, /origins: origins must be unique/],
      [{ cid: cidV1('x'), meta: { k: 1 } }, /meta\.k/],
      [{ cid: cidV1('x'), meta: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) }, /meta: at most 64/],
      [{ cid: cidV1('x'), extra: true }, /unknown field\(s\) extra/],
    ];
    for (const [body, message] of bad) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const failure = await json<{ error: { reason: string; details: string } }>(res);
      expect(failure.error.reason).toBe('BAD_REQUEST');
      expect(failure.error.details).toMatch(message);
    }
    expect(producer.calls).toEqual([]);
    expect(requests.rows.size).toBe(1);
  });

  it('a body over api.max_body_bytes is 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post({ cid: cidV1('big'), name: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect((await json<{ error: { reason: string } }>(res)).error.reason).toBe('PAYLOAD_TOO_LARGE');
  });

  it('a failed publish answers 503 and leaves no request behind', async () => {
    const deps = stubDeps({
      producer: { ...producer, upsertPin: () => Promise.reject(new PinstateError('KAFKA_UNAVAILABLE', 'kafka: down')) },
      pinning: { config: pinningConfig(), requests },
    });
    const res = await createApp(deps).request('/pinning/pins', { method: 'POST', headers: auth('alice'), body: JSON.stringify({ cid: cidV1('down') }) });
    expect(res.status).toBe(503);
    expect((await json<{ error: { reason: string } }>(res)).error.reason).toBe('SERVICE_UNAVAILABLE');
    expect(requests.rows.size).toBe(0);
  });
});

describe('status from the placements', () => {
  it('queued → pinning → pinned as peers report; delegates from the DelegatesSource', async () => {
    build((peers) => peers.map((p) => `/ip4/10.0.0.1/tcp/4001/p2p/${p}`));
    const cid = cidV1('lifecycle');
    const { requestid } = await add(cid);
    const statusOf = async (): Promise<PsaPinStatus> => json<PsaPinStatus>(get(`/pinning/pins/${requestid}`));
    expect((await statusOf()).status).toBe('queued');
    pins.set(cid, [A, B], { [A]: 'pin_queued', [B]: 'pin_queued' });
    expect((await statusOf()).status).toBe('queued');
    pins.set(cid, [A, B], { [A]: 'pinning', [B]: 'pin_queued' });
    expect((await statusOf()).status).toBe('pinning');
    pins.set(cid, [A, B], { [A]: 'pinned', [B]: 'pinning' });
    expect((await statusOf()).status).toBe('pinning');
    pins.set(cid, [A, B], { [A]: 'pinned', [B]: 'pinning' }, { rfMin: 1 });
    const pinned = await statusOf();
    expect(pinned.status).toBe('pinned');
    expect(pinned.delegates).toEqual([A, B].sort().map((p) => `/ip4/10.0.0.1/tcp/4001/p2p/${p}`));
    pins.set(cid, [A, B], { [A]: 'pin_error', [B]: 'pin_error' }, { errors: { [A]: 'no space', [B]: 'timeout' } });
    const failed = await statusOf();
    expect(failed.status).toBe('failed');
    expect(failed.info).toMatchObject({ [`error:${A}`]: 'no space', [`error:${B}`]: 'timeout' });
    expect(failed.delegates).toEqual([]);
  });
});

describe('GET /pins', () => {
  async function seed(): Promise<PsaPinStatus[]> {
    const made: PsaPinStatus[] = [];
    for (let i = 0; i < 5; i++) made.push(await add(cidV1(`list-${i}`), { name: i % 2 === 0 ? `Report-${i}.PDF` : `photo-${i}`, meta: { batch: i < 3 ? 'one' : 'two' } }));
    // Pins 0-3 pinned on A; 4 stays queued.
    for (let i = 0; i < 4; i++) pins.set(cidV1(`list-${i}`), [A], { [A]: 'pinned' });
    return made;
  }
  const list = async (query: string, who: 'alice' | 'bob' = 'alice'): Promise<PsaPinResults> => {
    const res = await get(`/pinning/pins${query}`, who);
    expect(res.status, query).toBe(200);
    return json<PsaPinResults>(res);
  };
  const cidsOf = (r: PsaPinResults): string[] => r.results.map((s) => s.pin.cid);

  it('no filter: pinned only, newest first; count is the total; limit 1–1000 (default 10)', async () => {
    await seed();
    const all = await list('');
    expect(all.count).toBe(4);
    expect(cidsOf(all)).toEqual([3, 2, 1, 0].map((i) => cidV1(`list-${i}`)));
    const two = await list('?limit=2');
    expect(two.count).toBe(4);
    expect(cidsOf(two)).toEqual([3, 2].map((i) => cidV1(`list-${i}`)));
    for (const bad of ['0', '1001', '-1', 'x', '1.5']) expect((await get(`/pinning/pins?limit=${bad}`)).status).toBe(400);
  });

  it('before pages like kubo: each page continues before the oldest created of the last', async () => {
    await seed();
    const seen: string[] = [];
    let query = '?status=queued,pinning,pinned,failed&limit=2';
    for (;;) {
      const page = await list(query);
      seen.push(...cidsOf(page));
      if (page.count === page.results.length) break;
      query = `?status=queued,pinning,pinned,failed&limit=2&before=${encodeURIComponent(page.results.at(-1)!.created)}`;
    }
    expect(seen).toEqual([4, 3, 2, 1, 0].map((i) => cidV1(`list-${i}`)));
  });

  it('status, cid, name with each match, after, meta', async () => {
    const made = await seed();
    expect(cidsOf(await list('?status=queued'))).toEqual([cidV1('list-4')]);
    expect((await list('?status=queued,pinned')).count).toBe(5);
    expect((await list('?status=failed')).count).toBe(0);
    expect(cidsOf(await list(`?cid=${cidV1('list-1')},${cidV1('list-3')}`))).toEqual([cidV1('list-3'), cidV1('list-1')]);
    expect(cidsOf(await list(`?cid=${cidV1('list-1')}&cid=${cidV1('list-2')}`))).toEqual([cidV1('list-2'), cidV1('list-1')]);
    expect((await list('?name=Report-2.PDF')).count).toBe(1);
    expect((await list('?name=report-2.pdf')).count).toBe(0);
    expect((await list('?name=report-2.pdf&match=iexact')).count).toBe(1);
    expect((await list('?name=Report&match=partial')).count).toBe(2);
    expect((await list('?name=report&match=partial')).count).toBe(0);
    expect((await list('?name=REPORT&match=ipartial&status=queued,pinned')).count).toBe(3);
    expect(cidsOf(await list(`?after=${encodeURIComponent(made[1]!.created)}`))).toEqual([cidV1('list-3'), cidV1('list-2')]);
    expect((await list(`?meta=${encodeURIComponent('{"batch":"one"}')}`)).count).toBe(3);
    expect((await list(`?meta=${encodeURIComponent('{"batch":"one","x":"y"}')}`)).count).toBe(0);
  });

  it('bad filters are 400 naming the parameter', async () => {
    const bad: Array<[string, RegExp]> = [
      ['?status=done', /^status:/],
      ['?status=', /^status:/],
      ['?match=fuzzy&name=x', /^match:/],
      ['?cid=nope', /cid/],
      [`?cid=${Array.from({ length: 11 }, (_, i) => cidV1(`c${i}`)).join(',')}`, /^cid: expected 1 to 10/],
      ['?before=yesterday', /^before:/],
      ['?after=2020-13-01T00:00:00Z', /^after:/],
      ['?meta=notjson', /^meta:/],
      ['?meta=%7B%22a%22%3A1%7D', /^meta:/],
      ['?sort=asc', /^sort: unknown query parameter/],
      ['?limit=1&limit=2', /^limit: given more than once/],
    ];
    for (const [query, message] of bad) {
      const res = await get(`/pinning/pins${query}`);
      expect(res.status, query).toBe(400);
      expect((await json<{ error: { details: string } }>(res)).error.details).toMatch(message);
    }
  });

  it('a listing broader than pinning.max_scan is refused with 422 LIST_TOO_BROAD, not truncated', async () => {
    const deps = stubDeps({ store: { ...noStore, get: pins.get }, pinning: { config: pinningConfig({ maxScan: 3 }), requests } });
    const small = createApp(deps);
    await seed();
    const res = await small.request('/pinning/pins', { headers: auth('alice') });
    expect(res.status).toBe(422);
    expect((await json<{ error: { reason: string } }>(res)).error.reason).toBe('LIST_TOO_BROAD');
    expect((await small.request(`/pinning/pins?cid=${cidV1('list-1')}`, { headers: auth('alice') })).status).toBe(200);
  });
});

describe('owners', () => {
  it("a token sees, replaces and removes only its owner's requests; the others are 404", async () => {
    const cid = cidV1('shared');
    const mine = await add(cid, {}, 'alice');
    const theirs = await add(cid, {}, 'bob');
    pins.set(cid, [A], { [A]: 'pinned' });
    expect((await json<PsaPinResults>(get('/pinning/pins', 'alice'))).results.map((r) => r.requestid)).toEqual([mine.requestid]);
    expect((await json<PsaPinResults>(get('/pinning/pins', 'bob'))).results.map((r) => r.requestid)).toEqual([theirs.requestid]);
    for (const init of [{}, { method: 'DELETE' }, { method: 'POST', body: JSON.stringify({ cid }) }]) {
      const res = await app.request(`/pinning/pins/${theirs.requestid}`, { ...init, headers: auth('alice') });
      expect(res.status).toBe(404);
      expect((await json<{ error: { reason: string } }>(res)).error.reason).toBe('NOT_FOUND');
    }
    expect(requests.rows.has(theirs.requestid)).toBe(true);
  });
});

describe('DELETE and replace', () => {
  it('DELETE → 202 without a body; the pin is deleted only with its last request', async () => {
    const cid = cidV1('del');
    const one = await add(cid, {}, 'alice');
    const two = await add(cid, {}, 'bob');
    producer.calls.length = 0;
    const first = await app.request(`/pinning/pins/${one.requestid}`, { method: 'DELETE', headers: auth('alice') });
    expect(first.status).toBe(202);
    expect(await first.text()).toBe('');
    expect(producer.calls).toEqual([]);
    expect((await get(`/pinning/pins/${one.requestid}`)).status).toBe(404);
    expect((await app.request(`/pinning/pins/${two.requestid}`, { method: 'DELETE', headers: auth('bob') })).status).toBe(202);
    expect(producer.calls).toEqual([{ method: 'deletePin', args: [cid] }]);
    expect((await app.request(`/pinning/pins/${two.requestid}`, { method: 'DELETE', headers: auth('bob') })).status).toBe(404);
  });

  it('POST /pins/{requestid}: a new requestid, the old one gone; the old CID deleted after the new one is pinned', async () => {
    const old = await add(cidV1('old'), { name: 'v1' });
    producer.calls.length = 0;
    const res = await post({ cid: cidV1('new'), name: 'v2' }, 'alice', `/pinning/pins/${old.requestid}`);
    expect(res.status).toBe(202);
    const next = await json<PsaPinStatus>(res);
    expect(next.requestid).not.toBe(old.requestid);
    expect(next.pin).toMatchObject({ cid: cidV1('new'), name: 'v2' });
    expect(producer.calls.map((c) => c.method)).toEqual(['upsertPin', 'deletePin']);
    expect(producer.calls[1]!.args).toEqual([cidV1('old')]);
    expect((await get(`/pinning/pins/${old.requestid}`)).status).toBe(404);
    expect((await get(`/pinning/pins/${next.requestid}`)).status).toBe(200);
  });

  it('replacing with the same CID keeps the pin (no DeletePin)', async () => {
    const old = await add(cidV1('same'), { name: 'a' });
    producer.calls.length = 0;
    expect((await post({ cid: cidV1('same'), name: 'b' }, 'alice', `/pinning/pins/${old.requestid}`)).status).toBe(202);
    expect(producer.calls.map((c) => c.method)).toEqual(['upsertPin']);
  });

  it('unknown requestid → 404; undeclared methods → 405 with Allow; unknown paths → 404, all as Failure', async () => {
    expect((await get('/pinning/pins/00000000-0000-7000-8000-000000000000')).status).toBe(404);
    expect((await get(`/pinning/pins/${'x'.repeat(500)}`)).status).toBe(404);
    const put = await app.request('/pinning/pins', { method: 'PUT', headers: auth('alice') });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await json<{ error: { reason: string } }>(put)).error.reason).toBe('METHOD_NOT_ALLOWED');
    const patch = await app.request('/pinning/pins/abc', { method: 'PATCH', headers: auth('alice') });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('GET, POST, DELETE');
    const nowhere = await get('/pinning/elsewhere');
    expect(nowhere.status).toBe(404);
    expect((await json<{ error: { reason: string } }>(nowhere)).error.reason).toBe('NOT_FOUND');
  });
});
