/**
 * Request bodies of the write endpoints: JSON text → validated input, with errors naming the JSON
 * key at fault. The shapes are the zod schemas of schemas.ts (the same ones /openapi.json shows);
 * unknown keys are refused (a typo never silently becomes a default). Pure.
 */
import type { z } from 'zod';
import type { PinSpecInput } from '../domain/pin.js';
import { ValidationError, type ErrorCode } from '../errors.js';
import { ApiError } from './errors.js';
import { PinOptionsSchema, PlacementRequestSchema, RFC3339_PATTERN, type PinOptions } from './schemas.js';

/** pinstate's internal field names (as validation errors report them) → the API's JSON keys. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  pinType: 'type',
  opId: 'op_id',
  maxDepth: 'max_depth',
  replicationFactorMin: 'replication_factor_min',
  replicationFactorMax: 'replication_factor_max',
  expireAt: 'expire_at',
  shardSize: 'shard_size',
  pinUpdate: 'pin_update',
};

/** `replicationFactorMin` → `replication_factor_min`, `tags[2]` → `tags[2]`. */
export function apiFieldName(field: string): string {
  const head = /^[A-Za-z]+/.exec(field)?.[0] ?? '';
  return (FIELD_NAMES[head] ?? head) + field.slice(head.length);
}

/** Parses a JSON body; an empty body is `{}`. */
export function parseJsonObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    throw new ApiError(400, 'INVALID_JSON', 'body', `body: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ApiError(400, 'INVALID_JSON', 'body', 'body: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** `['tags', 0]` → `tags[0]`, `['metadata', 'k']` → `metadata.k`. */
function fieldOfPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

const EXPECTED: Readonly<Record<string, string>> = { string: 'a string', int: 'an integer', number: 'a number', array: 'an array', object: 'an object', record: 'an object of strings', boolean: 'a boolean' };

/** zod's messages in the words the API's other errors use ("expected a string"); a schema's own message wins. */
const apiIssueText: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_type') return `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  return undefined;
};

/**
 * Checks `body` against a request schema and throws the error for its first fault, naming the JSON
 * key: UNKNOWN_FIELD (before any other fault, so a typo is reported as one), MISSING_FIELD, or
 * INVALID_FIELD (`elementCode` instead for a fault inside a list or map, when given).
 */
function checkBody(schema: z.ZodObject, body: Record<string, unknown>, options: { hint?: string; elementCode?: ErrorCode } = {}): void {
  const parsed = schema.safeParse(body, { error: apiIssueText });
  if (parsed.success) return;
  const issues = parsed.error.issues;
  const unknown = issues.find((i) => i.code === 'unrecognized_keys');
  if (unknown !== undefined) {
    const key = unknown.keys[0] ?? '';
    throw new ApiError(400, 'UNKNOWN_FIELD', key, `${key}: unknown field${options.hint ?? ''}; allowed: ${Object.keys(schema.shape).join(', ')}`);
  }
  const issue = issues[0]!;
  const field = issue.path.length === 0 ? 'body' : fieldOfPath(issue.path);
  const missing = issue.code === 'invalid_type' && issue.path.length === 1 && body[String(issue.path[0])] === undefined;
  const code: ErrorCode = missing ? 'MISSING_FIELD' : issue.path.length > 1 && options.elementCode !== undefined ? options.elementCode : 'INVALID_FIELD';
  throw new ValidationError(code, field, issue.message);
}

const RFC3339 = new RegExp(RFC3339_PATTERN);

/** RFC 3339 time → unix ms; null/absent → null. */
export function parseRfc3339(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !RFC3339.test(value)) {
    throw new ValidationError('INVALID_FIELD', field, `expected an RFC 3339 time such as "2030-01-02T15:04:05Z", got ${JSON.stringify(value)}`);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < 0) throw new ValidationError('INVALID_FIELD', field, `not a valid time: ${JSON.stringify(value)}`);
  return ms;
}

export interface PinRequest {
  readonly spec: PinSpecInput;
  readonly opId: string | undefined;
}

/**
 * The body of `POST /pins/{cid}`. Shapes are checked here; values (ranges, sizes, peer ids) by the
 * producer SDK's validatePinSpec, whose errors the route renames with {@link apiFieldName}.
 */
export function parsePinRequest(cid: string, body: Record<string, unknown>): PinRequest {
  checkBody(PinOptionsSchema, body, { hint: body['cid'] === undefined ? '' : ' (the CID is in the path)' });
  // The shape is proven; read the values from the body as JSON.parse made it, not zod's copy: a
  // metadata key "__proto__" stays an own key (validatePinSpec keeps it as data).
  const o = body as PinOptions;
  const spec: PinSpecInput = {
    cid,
    name: o.name ?? undefined,
    owner: o.owner ?? undefined,
    pinType: o.type ?? undefined,
    mode: o.mode ?? undefined,
    maxDepth: o.max_depth ?? undefined,
    replicationFactorMin: o.replication_factor_min ?? undefined,
    replicationFactorMax: o.replication_factor_max ?? undefined,
    tags: o.tags ?? undefined,
    metadata: o.metadata ?? undefined,
    expireAt: parseRfc3339(o.expire_at, 'expire_at'),
    shardSize: o.shard_size ?? undefined,
    reference: o.reference,
    origins: o.origins ?? undefined,
  };
  return { spec, opId: o.op_id ?? undefined };
}

export interface PlacementRequest {
  readonly peers: readonly string[];
  readonly opId: string | undefined;
}

/** The body of `PUT /pins/{cid}/placement`: `{ "peers": [...] }`. Peer ids themselves are checked by validatePeers. */
export function parsePlacementRequest(body: Record<string, unknown>): PlacementRequest {
  checkBody(PlacementRequestSchema, body, { elementCode: 'INVALID_PEER' });
  const { peers, op_id } = body as z.infer<typeof PlacementRequestSchema>;
  return { peers, opId: op_id ?? undefined };
}
