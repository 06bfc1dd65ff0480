/**
 * The OpenAPI 3.1 document served at /openapi.json. Paths are written here next to the routes (a
 * unit test walks the hono app's routes and this document and fails when they disagree); every
 * body schema is generated from the zod schemas the routes validate and answer with (schemas.ts).
 */
import { z } from 'zod';
import { PLACEMENT_STATES } from '../domain/placement-state.js';
import { apiRegistry } from './schemas.js';

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: Json): Json => ({ 'application/json': { schema } });
const errorResponse = (description: string): Json => ({ description, content: jsonContent(ref('Error')) });

const cidParam: Json = { name: 'cid', in: 'path', required: true, description: 'CIDv0 (`Qm…`) or CIDv1.', schema: { type: 'string' } };
const peerParam: Json = { name: 'peer', in: 'path', required: true, description: 'IPFS Cluster peer id.', schema: { type: 'string' } };
const stateQuery: Json = { name: 'state', in: 'query', required: false, schema: { type: 'string', enum: [...PLACEMENT_STATES] } };
const limitQuery: Json = { name: 'limit', in: 'query', required: false, description: 'Stop after this many lines.', schema: { type: 'integer', minimum: 1 } };
const ndjson = (item: string, description: string): Json => ({ description, content: { 'application/x-ndjson': { schema: ref(item) } } });

const accepted: Json = { description: 'Intent published (the broker acknowledged it); the writer applies it shortly.', content: jsonContent(ref('Accepted')) };
const writeErrors: Record<string, Json> = {
  '400': errorResponse('Bad input (invalid CID, bad JSON, unknown or invalid field); nothing was published.'),
  '401': errorResponse('Missing or wrong bearer token (only when api.tokens is set).'),
  '503': errorResponse('Kafka unavailable; retry with the same op_id.'),
};

const PATHS: Json = {
  '/healthz': { get: { operationId: 'healthz', summary: 'Liveness: the process answers.', responses: { '200': { description: 'Alive.', content: jsonContent(ref('Health')) } } } },
  '/readyz': {
    get: {
      operationId: 'readyz',
      summary: 'Readiness: Kafka and the database answer and (with a writer) the writer is running.',
      responses: { '200': { description: 'Ready.', content: jsonContent(ref('Readiness')) }, '503': { description: 'Not ready; `checks` says which part.', content: jsonContent(ref('Readiness')) } },
    },
  },
  '/metrics': { get: { operationId: 'metrics', summary: 'Prometheus metrics (text exposition format).', responses: { '200': { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
  '/openapi.json': { get: { operationId: 'openapi', summary: 'This document.', responses: { '200': { description: 'OpenAPI 3.1 document.', content: jsonContent({ type: 'object' }) } } } },
  '/pins': {
    get: {
      operationId: 'listPins',
      summary: 'Every pin as NDJSON (token-range scan, streamed); with `peer`, that peer\'s placements instead.',
      parameters: [{ name: 'peer', in: 'query', required: false, schema: { type: 'string' } }, stateQuery, limitQuery],
      responses: { '200': ndjson('Pin', 'One Pin per line, or one PeerPin per line when `peer` is given.'), '400': errorResponse('Bad query parameter.') },
    },
  },
  '/pins/{cid}': {
    get: { operationId: 'getPin', summary: 'One pin with its placement.', parameters: [cidParam], responses: { '200': { description: 'The pin.', content: jsonContent(ref('Pin')) }, '400': errorResponse('Invalid CID.'), '404': errorResponse('Not in the pinset.') } },
    post: {
      operationId: 'addPin',
      summary: 'Publish an UpsertPin intent.',
      security: [{ bearer: [] }],
      parameters: [cidParam],
      requestBody: { required: false, content: jsonContent(ref('PinOptions')) },
      responses: { '202': accepted, ...writeErrors, '413': errorResponse('Body larger than api.max_body_bytes.') },
    },
    delete: {
      operationId: 'removePin',
      summary: 'Publish a DeletePin intent (removing a missing pin is not an error).',
      security: [{ bearer: [] }],
      parameters: [cidParam, { name: 'op_id', in: 'query', required: false, description: 'Reuse when retrying.', schema: { type: 'string' } }],
      responses: { '202': accepted, ...writeErrors },
    },
  },
  '/pins/{cid}/status': {
    get: {
      operationId: 'pinStatus',
      summary: "The pin's state on every peer (IPFS Cluster's status): pin_queued, pinning, pinned, pin_error with its message, unpin_*, unpinned, remote; plus a summary.",
      parameters: [cidParam],
      responses: { '200': { description: 'Status per peer.', content: jsonContent(ref('PinStatus')) }, '400': errorResponse('Invalid CID.'), '404': errorResponse('Not in the pinset.') },
    },
  },
  '/pins/{cid}/placement': {
    put: {
      operationId: 'setPlacement',
      summary: 'Publish a SetDesiredPlacement intent: the full set of peers that should hold the pin.',
      security: [{ bearer: [] }],
      parameters: [cidParam],
      requestBody: { required: true, content: jsonContent(ref('PlacementRequest')) },
      responses: { '202': accepted, ...writeErrors, '413': errorResponse('Body larger than api.max_body_bytes.') },
    },
  },
  '/peers/{peer}/pins': {
    get: { operationId: 'listPeerPins', summary: "One peer's placements as NDJSON.", parameters: [peerParam, stateQuery, limitQuery], responses: { '200': ndjson('PeerPin', 'One PeerPin per line.'), '400': errorResponse('Bad peer id or query parameter.') } },
  },
  '/stats': { get: { operationId: 'stats', summary: 'Exact pin and placement counts.', responses: { '200': { description: 'Counts.', content: jsonContent(ref('Stats')) } } } },
};

/** The component schemas, generated once from the zod schemas (JSON Schema 2020-12, which OpenAPI 3.1 uses). */
const SCHEMAS: Record<string, Json> = (() => {
  const generated = z.toJSONSchema(apiRegistry, { target: 'draft-2020-12', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Record<string, Json>> };
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(generated.schemas)) {
    // The registry's ids become the component names; `$id` and `$schema` would only repeat them.
    const { $id: _id, $schema: _schema, ...rest } = schema;
    out[name] = rest;
  }
  return out;
})();

/** The document, as a fresh object each call. */
export function openApiDocument(version = '0.1.0'): { readonly openapi: string; readonly paths: Record<string, Record<string, Json>> } & Record<string, Json> {
  return {
    openapi: '3.1.0',
    info: { title: 'pinstate', version, description: 'Pin-state store for IPFS Cluster: reads from the store, writes as Kafka intents.' },
    paths: structuredClone(PATHS) as Record<string, Record<string, Json>>,
    components: { schemas: structuredClone(SCHEMAS), securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'One of api.tokens; required on write endpoints when any are configured.' } } },
  };
}
