/** The OpenAPI document and the hono routes describe the same API. */
import { describe, expect, it } from 'vitest';
import { createApp, openApiDocument } from '../../../src/api/index.js';
import { stubDeps } from './stubs.js';

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
});
