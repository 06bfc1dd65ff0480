/**
 * The Pinning Services API's OpenAPI 3.0 document, served at /pinning/openapi.json. Component
 * schemas are generated from the zod schemas the routes validate with (schemas.ts), so the two
 * cannot drift; paths and parameters follow the published v1.0.0 spec, with pinstate's stricter
 * bounds written in. Pure.
 */
import { z } from 'zod';
import { CID_PATTERN, PSA_LIMITS, psaRegistry } from './schemas.js';

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });

function componentSchemas(): Record<string, Json> {
  const generated = z.toJSONSchema(psaRegistry, { target: 'openapi-3.0', uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, Json> };
  const out: Record<string, Json> = {};
  for (const [name, schema] of Object.entries(generated.schemas)) {
    // `$id` is not an OpenAPI 3.0 schema keyword.
    const { $id: _id, ...rest } = schema;
    out[name] = rest;
  }
  return out;
}

const failure = (description: string): Json => ({ description, content: { 'application/json': { schema: ref('Failure') } } });

const ERRORS: Json = {
  '400': { $ref: '#/components/responses/BadRequest' },
  '401': { $ref: '#/components/responses/Unauthorized' },
  '404': { $ref: '#/components/responses/NotFound' },
  '4XX': { $ref: '#/components/responses/CustomServiceError' },
  '5XX': { $ref: '#/components/responses/InternalServerError' },
};

const pinBody: Json = { required: true, content: { 'application/json': { schema: ref('Pin') } } };
const accepted: Json = { description: 'Accepted: the UpsertPin intent is on Kafka; the status reads the placements as they are now', content: { 'application/json': { schema: ref('PinStatus') } } };

const PARAMETERS: Json = {
  cid: {
    name: 'cid',
    in: 'query',
    required: false,
    description: 'Return pin objects responsible for pinning the specified CID(s)',
    schema: { type: 'array', items: { type: 'string', maxLength: 256, pattern: CID_PATTERN }, uniqueItems: true, minItems: 1, maxItems: PSA_LIMITS.cidFilter },
    style: 'form',
    explode: false,
  },
  name: { name: 'name', in: 'query', required: false, description: 'Return pin objects with specified name (by default a case-sensitive, exact match)', schema: { type: 'string', maxLength: PSA_LIMITS.nameChars } },
  match: { name: 'match', in: 'query', required: false, description: 'The text matching strategy of the name filter', schema: ref('TextMatchingStrategy') },
  status: {
    name: 'status',
    in: 'query',
    required: false,
    description: 'Return pin objects for pins with the specified status (when missing: pinned only)',
    schema: { type: 'array', items: ref('Status'), uniqueItems: true, minItems: 1 },
    style: 'form',
    explode: false,
  },
  before: { name: 'before', in: 'query', required: false, description: 'Return results created (queued) before provided timestamp', schema: { type: 'string', format: 'date-time' } },
  after: { name: 'after', in: 'query', required: false, description: 'Return results created (queued) after provided timestamp', schema: { type: 'string', format: 'date-time' } },
  limit: { name: 'limit', in: 'query', required: false, description: 'Max records to return', schema: { type: 'integer', format: 'int32', minimum: 1, maximum: PSA_LIMITS.limitMax, default: PSA_LIMITS.limitDefault } },
  meta: { name: 'meta', in: 'query', required: false, description: 'Return pin objects that match specified metadata keys (a JSON object, URL-encoded)', content: { 'application/json': { schema: ref('PinMeta') } } },
};

let cached: Json | undefined;

export function pinningOpenApiDocument(): Json {
  cached ??= {
    openapi: '3.0.3',
    info: {
      version: '1.0.0',
      title: 'IPFS Pinning Service API (pinstate)',
      description:
        'The IPFS Pinning Service API v1.0.0 as pinstate serves it under /pinning. Writes are Kafka intents: 202 means accepted, not yet applied. Differences from the published spec are listed in pinstate docs/api.md.',
    },
    servers: [{ url: '/pinning' }],
    security: [{ accessToken: [] }],
    paths: {
      '/pins': {
        get: {
          operationId: 'getPins',
          summary: 'List pin objects',
          parameters: ['cid', 'name', 'match', 'status', 'before', 'after', 'limit', 'meta'].map((p) => ({ $ref: `#/components/parameters/${p}` })),
          responses: { '200': { description: 'Successful response (PinResults object)', content: { 'application/json': { schema: ref('PinResults') } } }, ...ERRORS },
        },
        post: { operationId: 'addPin', summary: 'Add pin object', requestBody: pinBody, responses: { '202': accepted, ...ERRORS } },
      },
      '/pins/{requestid}': {
        parameters: [{ name: 'requestid', in: 'path', required: true, schema: { type: 'string' } }],
        get: { operationId: 'getPinByRequestId', summary: 'Get pin object', responses: { '200': { description: 'Successful response (PinStatus object)', content: { 'application/json': { schema: ref('PinStatus') } } }, ...ERRORS } },
        post: { operationId: 'replacePinByRequestId', summary: 'Replace pin object (a new requestid; the old request is removed)', requestBody: pinBody, responses: { '202': accepted, ...ERRORS } },
        delete: { operationId: 'deletePinByRequestId', summary: 'Remove pin object', responses: { '202': { description: 'Successful response (no body, pin removal accepted)' }, ...ERRORS } },
      },
    },
    components: {
      schemas: componentSchemas(),
      parameters: PARAMETERS,
      responses: {
        BadRequest: failure('Error response (Bad request)'),
        Unauthorized: failure('Error response (Unauthorized; access token is missing or invalid)'),
        NotFound: failure('Error response (The specified resource was not found)'),
        CustomServiceError: failure('Error response (405 METHOD_NOT_ALLOWED, 413 PAYLOAD_TOO_LARGE, 422 LIST_TOO_BROAD)'),
        InternalServerError: failure('Error response (500 INTERNAL_SERVER_ERROR, 503 SERVICE_UNAVAILABLE)'),
      },
      securitySchemes: { accessToken: { type: 'http', scheme: 'bearer', description: 'A token from pinning.tokens; it sees and removes only its owner’s pins' } },
    },
  };
  return cached;
}
