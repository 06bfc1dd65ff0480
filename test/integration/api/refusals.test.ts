/**
 * What the API refuses, against the real producer and a fresh intents topic: missing or wrong
 * tokens and bad input get a 4xx naming the field and leave the topic empty; the right token
 * publishes exactly one intent. Readiness is 503 while the writer is not running.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter } from '../../../consumers/writer/writer.js';
import { createPinProducer, type PinProducer } from '../../../producers/index.js';
import { createApp, type ApiApp, type ErrorBody } from '../../../src/api/index.js';
import { decodeIntent } from '../../../src/codec/index.js';
import { createRegistry } from '../../../src/metrics.js';
import { createReadiness, type Readiness } from '../../../src/service/readiness.js';
import { cidV1 } from '../../support/cids.js';
import { readAll, type TestPipeline } from '../../support/kafka.js';
import { until, pipeline } from '../cli/helpers.js';

const CID = cidV1('api-refusals');
const TOKEN = 'tok-0123456789abcdef';

let p: TestPipeline;
let producer: PinProducer;
let readiness: Readiness;
let app: ApiApp;

beforeAll(async () => {
  p = await pipeline('api_refusals');
  producer = createPinProducer({ config: p.config.kafka, origin: 'api' });
  await producer.connect();
  // A writer that was created but never started: the process is not ready.
  const writer = createWriter({ config: p.config, store: p.store, registry: createRegistry() });
  readiness = createReadiness({ session: p.store.session, kafka: p.kafka, writer });
  app = createApp({ store: p.store, producer, registry: createRegistry(), readiness, config: { tokens: [TOKEN], maxBodyBytes: 256 } });
});
afterAll(async () => {
  await readiness?.close();
  await producer?.disconnect();
  await p?.cleanup();
});

// Right after topic creation a broker may still answer "not the leader" to offset requests: retry those.
const intents = (): ReturnType<typeof readAll> => until('intents topic readable', () => readAll(p.kafka, p.config.kafka.topics.intents));
const error = async (res: Response): Promise<ErrorBody['error']> => ((await res.json()) as ErrorBody).error;
const auth = { authorization: `Bearer ${TOKEN}` };

describe('refused requests publish nothing', () => {
  it('no token or a wrong one → 401 on every write endpoint', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong-token' }] as Array<Record<string, string>>) {
      for (const [method, path, body] of [
        ['POST', `/pins/${CID}`, '{}'],
        ['DELETE', `/pins/${CID}`, undefined],
        ['PUT', `/pins/${CID}/placement`, '{"peers":[]}'],
      ] as const) {
        const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body }) });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(await error(res)).toMatchObject({ code: 'UNAUTHORIZED', field: 'authorization' });
      }
    }
  });

  it('invalid CID, bad JSON, unknown field, bad value, oversized body → 4xx naming the field', async () => {
    const cases: Array<[string, string, string, number, string]> = [
      ['POST', '/pins/bafy-not-a-cid', '{}', 400, 'cid'],
      ['DELETE', '/pins/Qm123', '', 400, 'cid'],
      ['POST', `/pins/${CID}`, '{"name": "x",', 400, 'body'],
      ['POST', `/pins/${CID}`, '{"replicaton_factor_min": 2}', 400, 'replicaton_factor_min'],
      ['POST', `/pins/${CID}`, '{"replication_factor_min": 3, "replication_factor_max": 1}', 400, 'replication_factor_min'],
      ['POST', `/pins/${CID}`, JSON.stringify({ name: 'n'.repeat(400) }), 413, 'body'],
      ['PUT', `/pins/${CID}/placement`, '{"peers":"12D3KooW"}', 400, 'peers'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const res = await app.request(path, { method, headers: auth, ...(body === '' ? {} : { body }) });
      expect(res.status, `${method} ${path} ${body}`).toBe(status);
      expect((await error(res)).field, `${method} ${path} ${body}`).toBe(field);
    }
  });

  it('the intents topic is still empty', async () => {
    expect(await intents()).toEqual([]);
  });

  it('the right token → 202, and exactly that intent is on the topic', async () => {
    const res = await app.request(`/pins/${CID}`, { method: 'POST', headers: auth, body: '{"name":"ok"}' });
    expect(res.status).toBe(202);
    const { op_id: opId } = (await res.json()) as { op_id: string };
    const messages = await intents();
    expect(messages).toHaveLength(1);
    const intent = decodeIntent(messages[0]!.value!);
    expect(intent.opId).toBe(opId);
    expect(intent.origin).toBe('api');
    expect(intent.body).toMatchObject({ kind: 'UpsertPin', spec: { cid: CID, name: 'ok' } });
  });

  it('readiness is 503 while the writer is not running, naming the writer', async () => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      ready: false,
      checks: { database: { ok: true }, kafka: { ok: true }, writer: { ok: false, state: 'starting', detail: 'writer is starting' } },
    });
  });

  it('readiness without a writer (an API-only process) is 200', async () => {
    const apiOnly = createReadiness({ session: p.store.session, kafka: p.kafka });
    try {
      expect(await apiOnly.check()).toEqual({ ready: true, checks: { database: { ok: true }, kafka: { ok: true } } });
    } finally {
      await apiOnly.close();
    }
  });
});
