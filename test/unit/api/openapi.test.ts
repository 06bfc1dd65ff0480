/** The OpenAPI document and the hono routes describe the same API. */
import { describe, expect, it } from 'vitest';
import { pinStatus } from '../../../src/api/pin-status.js';
import { createApp, openApiDocument, peerPinJson, pinJson, statsJson } from '../../../src/api/index.js';
import { PeerPinSchema, PinOptionsSchema, PinSchema, PinStatusSchema, StatsSchema } from '../../../src/api/schemas.js';
import { validatePinSpec } from '../../../src/domain/pin.js';
import type { PeerView } from '../../../src/peers/peer-table.js';
import type { StoredPin } from '../../../src/store/reads.js';
import { PIN_OPTION_EXAMPLE, stubDeps } from './stubs.js';

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

function appOperations(): Set<string> {
  const app = createApp(stubDeps());
  const ops = new Set<string>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue; // middleware
    ops.add(`${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
  }
  return ops;
}

function documentOperations(): Set<string> {
  const ops = new Set<string>();
  for (const [path, item] of Object.entries(openApiDocument().paths)) {
    for (const method of METHODS) if (item[method] !== undefined) ops.add(`${method} ${path}`);
  }
  return ops;
}

type Operation = { parameters?: Array<{ name: string; in: string }>; security?: unknown[]; responses: Record<string, unknown>; operationId: string };

function operation(path: string, method: string): Operation {
  return openApiDocument().paths[path]![method] as unknown as Operation;
}

describe('OpenAPI document', () => {
  it('lists exactly the routes the app serves', () => {
    expect([...documentOperations()].sort()).toEqual([...appOperations()].sort());
  });

  it('declares every path parameter of every operation', () => {
    for (const op of documentOperations()) {
      const [method, path] = op.split(' ') as [string, string];
      const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (operation(path, method).parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect(declared.sort(), op).toEqual(params.sort());
    }
  });

  it('write operations require the bearer token and document 202, 400 and 401', () => {
    for (const op of documentOperations()) {
      const [method, path] = op.split(' ') as [string, string];
      const o = operation(path, method);
      if (method === 'get') {
        expect(o.security, op).toBeUndefined();
        continue;
      }
      expect(o.security, op).toEqual([{ bearer: [] }]);
      expect(Object.keys(o.responses), op).toEqual(expect.arrayContaining(['202', '400', '401']));
    }
  });

  it('is OpenAPI 3.1 with unique operation ids and resolvable schema references', () => {
    const doc = openApiDocument();
    expect(doc.openapi).toBe('3.1.0');
    const ids = [...documentOperations()].map((op) => {
      const [method, path] = op.split(' ') as [string, string];
      return operation(path, method).operationId;
    });
    expect(new Set(ids).size).toBe(ids.length);
    const text = JSON.stringify(doc);
    const schemas = (doc['components'] as { schemas: Record<string, unknown> }).schemas;
    for (const m of text.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) expect(schemas[m[1]!], m[1]).toBeDefined();
  });

  it('is what GET /openapi.json serves', async () => {
    const res = await createApp(stubDeps()).request('/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(openApiDocument());
  });

  it('what the server answers satisfies the schemas the document publishes (strict: no undeclared key)', () => {
    const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
    const spec = validatePinSpec({ cid, name: 'n', tags: ['t'], metadata: { k: 'v' }, expireAt: 1_900_000_000_000, replicationFactorMin: 1, replicationFactorMax: 2 });
    const placement = { desired: ['QmA'], actual: { QmA: 'pin_error' as const, QmB: 'unpinning' as const }, errors: { QmA: 'no space' }, updatedAt: 5, lastOpId: 'op-2' };
    for (const pin of [{ spec, createdAt: 1, updatedAt: 2, lastOpId: 'op-1', placement }, { spec, createdAt: 1, updatedAt: 2, lastOpId: 'op-1', placement: null }] satisfies StoredPin[]) {
      expect(PinSchema.strict().safeParse(pinJson(pin)).success).toBe(true);
      // pinStatus reads only these fields of a peer view.
      const peers = [{ peer: 'QmC', live: true, lastSeen: 3 } as PeerView];
      expect(PinStatusSchema.safeParse(pinStatus(pin, peers, { defaultReplicationFactorMin: -1, defaultReplicationFactorMax: -1 })).success).toBe(true);
    }
    expect(PeerPinSchema.strict().safeParse(peerPinJson({ cid, peer: 'QmA', state: 'pinned', desired: true, error: null, updatedAt: 1 })).success).toBe(true);
    expect(StatsSchema.strict().safeParse(statsJson({ pins: 1, placements: { pinned: 1 }, totalPlacements: 1 })).success).toBe(true);
  });

  it('a full request body the server accepts is valid by PinOptions', () => {
    expect(PinOptionsSchema.safeParse(PIN_OPTION_EXAMPLE).success).toBe(true);
  });
});
