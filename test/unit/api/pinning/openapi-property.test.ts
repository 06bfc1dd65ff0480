/**
 * Property test of the Pinning Services API from its own OpenAPI document: request bodies and
 * query strings are generated from the document's schemas and parameters, sent in random
 * sequences through `app.request()`, and every answer is checked — never a 5xx, a schema-valid
 * request is accepted (2xx), and each response body validates against the document's schema for
 * it (the document's JSON is turned back into a validator with zod's JSON Schema reader, so a
 * drift between the document and the server fails here). Arbitrary junk gets a 4xx Failure.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../../../src/api/index.js';
import { CID_PATTERN, P2P_MULTIADDR_PATTERN, pinningOpenApiDocument } from '../../../../src/api/pinning/index.js';
import { cidV0, cidV1, cidV1DagPb, peerId } from '../../../support/cids.js';
import { noStore, stubDeps } from '../stubs.js';
import { auth, memoryRequests, PinTable, pinningConfig } from './doubles.js';

type Schema = Record<string, unknown>;
const doc = pinningOpenApiDocument() as { components: { schemas: Record<string, Schema>; parameters: Record<string, Schema> }; paths: Record<string, Record<string, unknown>> };

function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? v.replace('#/components/schemas/', '#/$defs/') : rewriteRefs(v)]));
}
const defs = rewriteRefs(doc.components.schemas) as Record<string, Schema>;
const deref = (schema: Schema): Schema => (typeof schema['$ref'] === 'string' ? defs[schema['$ref'].split('/').at(-1)!]! : schema);

/** A validator for one component of the document. */
const validatorOf = (name: string): z.ZodType => z.fromJSONSchema({ $defs: defs, $ref: `#/$defs/${name}` });
const validPinStatus = validatorOf('PinStatus');
const validPinResults = validatorOf('PinResults');
const validFailure = validatorOf('Failure');

// ---- arbitraries read from the document ----

const cidArb = fc.oneof(fc.integer().map((n) => cidV1(n)), fc.integer().map((n) => cidV0(n)), fc.integer().map((n) => cidV1DagPb(n)));
const multiaddrArb = fc
  .tuple(fc.constantFrom('/ip4/127.0.0.1/tcp/4001', '/ip4/10.1.2.3/udp/4001/quic-v1', '/dns4/example.org/tcp/443/wss', '/ip6/::1/tcp/4001'), fc.integer())
  .map(([base, n]) => `${base}/p2p/${peerId(`origin-${n}`)}`);
// Keyed by RegExp source too: the document carries patterns as zod prints them ('/' escaped).
const PATTERNS: Readonly<Record<string, fc.Arbitrary<string>>> = {
  [CID_PATTERN]: cidArb,
  [new RegExp(CID_PATTERN).source]: cidArb,
  [P2P_MULTIADDR_PATTERN]: multiaddrArb,
  [new RegExp(P2P_MULTIADDR_PATTERN).source]: multiaddrArb,
};

function arbitraryOf(schemaIn: Schema): fc.Arbitrary<unknown> {
  const schema = deref(schemaIn);
  if (Array.isArray(schema['allOf'])) return arbitraryOf((schema['allOf'] as Schema[])[0]!);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  switch (schema['type']) {
    case 'string': {
      const pattern = schema['pattern'] as string | undefined;
      if (pattern !== undefined) {
        const arb = PATTERNS[pattern];
        if (arb === undefined) throw new Error(`no generator for pattern ${pattern}`);
        return arb;
      }
      return fc.string({ minLength: (schema['minLength'] as number | undefined) ?? 0, maxLength: (schema['maxLength'] as number | undefined) ?? 40, unit: 'grapheme' }).filter((s) => s.length <= ((schema['maxLength'] as number | undefined) ?? 40));
    }
    case 'integer':
      return fc.integer({ min: (schema['minimum'] as number | undefined) ?? 0, max: (schema['maximum'] as number | undefined) ?? 1000 });
    case 'array': {
      const items = arbitraryOf(schema['items'] as Schema);
      const opts = { minLength: (schema['minItems'] as number | undefined) ?? 0, maxLength: Math.min((schema['maxItems'] as number | undefined) ?? 5, 5) };
      return schema['uniqueItems'] === true ? fc.uniqueArray(items, { ...opts, selector: (v) => JSON.stringify(v) }) : fc.array(items, opts);
    }
    case 'object': {
      const properties = schema['properties'] as Record<string, Schema> | undefined;
      if (properties === undefined) {
        const key = fc.string({ minLength: 1, maxLength: 20 });
        const value = arbitraryOf(schema['additionalProperties'] as Schema);
        return fc.dictionary(key, value, { maxKeys: Math.min((schema['maxProperties'] as number | undefined) ?? 5, 5) }).map((d) => ({ ...d }));
      }
      const required = (schema['required'] as string[] | undefined) ?? [];
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(properties)) record[k] = arbitraryOf(v);
      return fc.record(record, { requiredKeys: required as never[] });
    }
    default:
      throw new Error(`no generator for ${JSON.stringify(schema)}`);
  }
}

const pinArb = arbitraryOf(doc.components.schemas['Pin']!);

/** A query string for GET /pins from the document's parameters (form style, explode false). */
const queryArb = fc
  .record(
    Object.fromEntries(
      (doc.paths['/pins']!['get'] as { parameters: Array<{ $ref: string }> }).parameters.map((p) => {
        const param = doc.components.parameters[p.$ref.split('/').at(-1)!]! as { name: string; schema?: Schema; content?: Record<string, { schema: Schema }> };
        const schema = param.schema ?? param.content!['application/json']!.schema;
        const arb = (schema['format'] === 'date-time' ? fc.date({ min: new Date('2020-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString()) : arbitraryOf(schema)).map((v) =>
          Array.isArray(v) ? v.join(',') : typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v),
        );
        return [param.name, arb];
      }),
    ),
    { requiredKeys: [] },
  )
  .map((q) => new URLSearchParams(q as Record<string, string>).toString());

type Op = { kind: 'add'; pin: unknown } | { kind: 'list'; query: string } | { kind: 'get' | 'delete' | 'replace'; index: number; pin: unknown } | { kind: 'place'; index: number; state: 'pinned' | 'pinning' | 'pin_error' };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), pin: pinArb }),
  fc.record({ kind: fc.constant('list' as const), query: queryArb }),
  fc.record({ kind: fc.constantFrom('get' as const, 'delete' as const, 'replace' as const), index: fc.nat(), pin: pinArb }),
  fc.record({ kind: fc.constant('place' as const), index: fc.nat(), state: fc.constantFrom('pinned' as const, 'pinning' as const, 'pin_error' as const) }),
);

const PEER = peerId('prop-peer');

describe('Pinning Services API against its OpenAPI document', () => {
  it('the validators read from the document reject what it forbids', () => {
    const ok = { requestid: 'r', status: 'queued', created: '2026-01-01T00:00:00.000000Z', pin: { cid: cidV1('v') }, delegates: [] };
    expect(validPinStatus.safeParse(ok).success).toBe(true);
    expect(validPinStatus.safeParse({ ...ok, status: 'done' }).success).toBe(false);
    expect(validPinStatus.safeParse({ ...ok, pin: { cid: 'nope' } }).success).toBe(false);
    expect(validPinStatus.safeParse({ ...ok, extra: 1 }).success).toBe(false);
    expect(validPinResults.safeParse({ count: -1, results: [] }).success).toBe(false);
    expect(validFailure.safeParse({ error: {} }).success).toBe(false);
  });

  it('schema-valid requests in any order: 2xx, never 5xx, responses valid by the document', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
        const requests = memoryRequests();
        const pins = new PinTable();
        const app = createApp(stubDeps({ store: { ...noStore, get: pins.get }, config: { tokens: [], maxBodyBytes: 1 << 20 }, pinning: { config: pinningConfig(), requests } }));
        const live: Array<{ id: string; cid: string }> = [];
        for (const op of ops) {
          const pick = (i: number) => live[i % live.length];
          let res: Response;
          if (op.kind === 'add') {
            res = await app.request('/pinning/pins', { method: 'POST', headers: auth('alice'), body: JSON.stringify(op.pin) });
          } else if (op.kind === 'list') {
            res = await app.request(`/pinning/pins?${op.query}`, { headers: auth('alice') });
          } else if (op.kind === 'place') {
            const target = pick(op.index);
            if (target !== undefined) pins.set(target.cid, [PEER], { [PEER]: op.state });
            continue;
          } else {
            const target = pick(op.index);
            if (target === undefined) continue;
            const init: RequestInit = op.kind === 'get' ? {} : op.kind === 'delete' ? { method: 'DELETE' } : { method: 'POST', body: JSON.stringify(op.pin) };
            res = await app.request(`/pinning/pins/${target.id}`, { ...init, headers: auth('alice') });
            if (op.kind !== 'get') live.splice(live.indexOf(target), 1);
          }
          const text = await res.text();
          expect(res.status, `${op.kind} ${text}`).toBeLessThan(300);
          expect(res.status).toBeGreaterThanOrEqual(200);
          if (op.kind === 'delete') {
            expect(res.status).toBe(202);
            continue;
          }
          const body: unknown = JSON.parse(text);
          if (op.kind === 'list') {
            const parsed = validPinResults.safeParse(body);
            expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
            const results = body as { count: number; results: unknown[] };
            expect(results.count).toBeGreaterThanOrEqual(results.results.length);
          } else {
            const parsed = validPinStatus.safeParse(body);
            expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
            const status = body as { requestid: string; pin: { cid: string } };
            if (op.kind !== 'get') live.push({ id: status.requestid, cid: status.pin.cid });
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('junk bodies, queries and paths: a 4xx Failure valid by the document, never a 5xx', async () => {
    const app = createApp(stubDeps({ store: { ...noStore, get: new PinTable().get }, pinning: { config: pinningConfig(), requests: memoryRequests() } }));
    const junk = fc.oneof(fc.json(), fc.string(), fc.record({ cid: fc.oneof(fc.string(), fc.integer(), cidArb) }, { requiredKeys: [] }), fc.record({ cid: cidArb, name: fc.anything() }));
    await fc.assert(
      fc.asyncProperty(junk, fc.string({ maxLength: 60 }), fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'), fc.string({ maxLength: 30 }), fc.boolean(), async (body, query, method, tail, authed) => {
        const path = `/pinning/pins${tail === '' ? '' : `/${encodeURIComponent(tail)}`}?${encodeURIComponent(query)}=${encodeURIComponent(query)}`;
        const res = await app.request(path, { method, headers: authed ? auth('bob') : {}, ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}) });
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) {
          const parsed = validFailure.safeParse(await res.json());
          expect(parsed.success).toBe(true);
        }
        if (!authed) expect(res.status).toBe(401);
      }),
      { numRuns: 300 },
    );
  });
});
