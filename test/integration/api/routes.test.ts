/**
 * Every route through `app.request()` against the real store and Kafka: writes publish intents
 * with the real producer SDK, a real writer applies them, reads come back from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../consumers/writer/writer.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { createApp, openApiDocument, type ApiApp, type PeerPinJson, type PinJson } from '../../../src/api/index.js';
import { createRegistry, type Registry } from '../../../src/metrics.js';
import { healthMetrics } from '../../../src/service/health-metrics.js';
import { createReadiness, type Readiness } from '../../../src/service/readiness.js';
import { cidV1, peerId } from '../../support/cids.js';
import { type TestPipeline } from '../../support/kafka.js';
import { metricValue, until, pipeline } from '../cli/helpers.js';

const CID = cidV1('api-routes-1');
const OTHER = cidV1('api-routes-2');
const A = peerId('api-A');
const B = peerId('api-B');

let p: TestPipeline;
let registry: Registry;
let producer: PinProducer;
let writer: Writer;
let readiness: Readiness;
let app: ApiApp;

beforeAll(async () => {
  p = await pipeline('api_routes');
  registry = createRegistry();
  producer = createPinProducer({ config: p.config.kafka, registry, origin: 'api' });
  await producer.connect();
  writer = createWriter({ config: p.config, store: p.store, registry });
  await writer.start();
  readiness = createReadiness({ session: p.store.session, kafka: p.kafka, writer });
  const health = healthMetrics(registry, { session: p.store.session, kafkaConnected: () => readiness.kafkaConnected() });
  app = createApp({ store: p.store, producer, registry, readiness, config: p.config.api, beforeScrape: () => health.refresh() });
});
afterAll(async () => {
  await readiness?.close();
  await writer?.stop();
  await producer?.disconnect();
  await p?.cleanup();
});

const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>;
const lines = async <T>(res: Response): Promise<T[]> => (await res.text()).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as T);

async function pinOnceApplied(cid: string, check: (pin: PinJson) => boolean): Promise<PinJson> {
  return until(`pin ${cid}`, async () => {
    const res = await app.request(`/pins/${cid}`);
    if (res.status !== 200) return undefined;
    const pin = await json<PinJson>(res);
    return check(pin) ? pin : undefined;
  });
}

describe('HTTP API on the real store and Kafka', () => {
  it('GET /healthz and GET /readyz (writer running)', async () => {
    expect(await json(app.request('/healthz'))).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { database: { ok: true }, kafka: { ok: true }, writer: { ok: true, state: 'running' } } });
  });

  it('POST /pins/:cid → 202 op_id, then GET /pins/:cid shows the pin', async () => {
    const body = { name: 'api pin', replication_factor_min: 1, replication_factor_max: 2, tags: ['x', 'a'], metadata: { app: 'test' }, expire_at: '2100-01-01T00:00:00Z' };
    const res = await app.request(`/pins/${CID}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(202);
    const { op_id: opId, cid } = await json<{ op_id: string; cid: string }>(res);
    expect(cid).toBe(CID);
    const pin = await pinOnceApplied(CID, (x) => x.last_op_id === opId);
    expect(pin).toMatchObject({ cid: CID, name: 'api pin', replication_factor_min: 1, replication_factor_max: 2, tags: ['a', 'x'], metadata: { app: 'test' }, expire_at: '2100-01-01T00:00:00.000Z', type: 'pin', mode: 'recursive', placement: null });
    expect((await app.request(`/pins/${OTHER}`, { method: 'POST' })).status).toBe(202);
  });

  it('PUT /pins/:cid/placement → 202, then the placement shows in GET /pins/:cid', async () => {
    const res = await app.request(`/pins/${CID}/placement`, { method: 'PUT', body: JSON.stringify({ peers: [B, A] }) });
    expect(res.status).toBe(202);
    const pin = await pinOnceApplied(CID, (x) => x.placement !== null);
    expect(pin.placement?.desired).toEqual([A, B].sort());
    expect(pin.placement?.actual).toEqual({ [A]: 'pin_queued', [B]: 'pin_queued' });
  });

  it('GET /pins streams NDJSON; ?state=, ?peer= and ?limit= filter', async () => {
    await pinOnceApplied(OTHER, () => true);
    const all = await app.request('/pins');
    expect(all.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect((await lines<PinJson>(all)).map((x) => x.cid).sort()).toEqual([CID, OTHER].sort());
    expect((await lines<PinJson>(await app.request('/pins?state=pin_queued'))).map((x) => x.cid)).toEqual([CID]);
    expect(await lines<PinJson>(await app.request('/pins?state=pinned'))).toEqual([]);
    expect(await lines<PinJson>(await app.request('/pins?limit=1'))).toHaveLength(1);
    const byPeer = await lines<PeerPinJson>(await app.request(`/pins?peer=${A}`));
    expect(byPeer).toEqual([expect.objectContaining({ cid: CID, peer: A, state: 'pin_queued', desired: true, error: null })]);
  });

  it('GET /peers/:peer/pins with and without ?state=', async () => {
    expect((await lines<PeerPinJson>(await app.request(`/peers/${B}/pins`))).map((x) => x.cid)).toEqual([CID]);
    expect(await lines<PeerPinJson>(await app.request(`/peers/${B}/pins?state=pinned`))).toEqual([]);
    expect(await lines<PeerPinJson>(await app.request(`/peers/${peerId('nobody')}/pins`))).toEqual([]);
  });

  it('GET /stats counts pins and placements', async () => {
    expect(await json(app.request('/stats'))).toEqual({ pins: 2, placements: { pin_queued: 2 }, total_placements: 2 });
  });

  it('DELETE /pins/:cid → 202, then GET /pins/:cid is a 404 naming the code', async () => {
    const res = await app.request(`/pins/${OTHER}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    const gone = await until('delete applied', async () => {
      const r = await app.request(`/pins/${OTHER}`);
      return r.status === 404 ? r : undefined;
    });
    expect(await json(gone)).toEqual({ error: { code: 'PIN_NOT_FOUND', field: null, message: 'pin is not part of the pinset' } });
  });

  it('GET /metrics: writer, producer, API and connection metrics from the injected registry', async () => {
    const text = await (await app.request('/metrics')).text();
    expect(metricValue(text, 'pinstate_writer_messages_total', 'outcome="applied"')).toBeGreaterThanOrEqual(4);
    expect(metricValue(text, 'pinstate_producer_sent_total')).toBeGreaterThanOrEqual(4);
    expect(metricValue(text, 'pinstate_api_requests_total', 'route="/pins/:cid",method="POST",status="202"')).toBe(2);
    expect(metricValue(text, 'pinstate_api_request_seconds_count', 'route="/pins"')).toBeGreaterThan(0);
    expect(metricValue(text, 'pinstate_cql_connected_hosts')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_cql_host_up')).toBeGreaterThanOrEqual(1);
    expect(metricValue(text, 'pinstate_kafka_connected')).toBe(1);
    expect(text).toContain('pinstate_writer_state{state="running"} 1');
  });

  it('GET /openapi.json', async () => {
    expect(await json(app.request('/openapi.json'))).toEqual(openApiDocument());
  });
});
