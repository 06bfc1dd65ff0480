/**
 * Request bodies of the write endpoints: JSON text → validated input, with errors naming the JSON
 * key at fault. Unknown keys are refused (a typo never silently becomes a default). Pure.
 */
import type { PinSpecInput } from '../domain/pin.js';
import { ValidationError } from '../errors.js';
import { ApiError } from './errors.js';

/** Keys of `POST /pins/{cid}`; values as in IPFS Cluster's api.Pin JSON. */
export const PIN_OPTION_KEYS = [
  'name',
  'owner',
  'type',
  'mode',
  'max_depth',
  'replication_factor_min',
  'replication_factor_max',
  'tags',
  'metadata',
  'expire_at',
  'shard_size',
  'reference',
  'origins',
  'op_id',
] as const;

export const PLACEMENT_KEYS = ['peers', 'op_id'] as const;

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

function refuseUnknown(body: Record<string, unknown>, allowed: readonly string[], hint = ''): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw new ApiError(400, 'UNKNOWN_FIELD', key, `${key}: unknown field${hint}; allowed: ${allowed.join(', ')}`);
  }
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError('INVALID_FIELD', key, 'expected a string');
  return value;
}

/** RFC 3339 time → unix ms; null/absent → null. */
export function parseRfc3339(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(value)) {
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
  refuseUnknown(body, PIN_OPTION_KEYS, body['cid'] === undefined ? '' : ' (the CID is in the path)');
  const spec: PinSpecInput = {
    cid,
    name: body['name'] as string | undefined,
    owner: body['owner'] as string | undefined,
    pinType: optionalString(body, 'type'),
    mode: optionalString(body, 'mode'),
    maxDepth: body['max_depth'] as number | undefined,
    replicationFactorMin: body['replication_factor_min'] as number | undefined,
    replicationFactorMax: body['replication_factor_max'] as number | undefined,
    tags: body['tags'] as string[] | undefined,
    metadata: body['metadata'] as Record<string, string> | undefined,
    expireAt: parseRfc3339(body['expire_at'], 'expire_at'),
    shardSize: body['shard_size'] as number | undefined,
    reference: body['reference'] as string | null | undefined,
    origins: body['origins'] as string[] | undefined,
  };
  return { spec, opId: optionalString(body, 'op_id') };
}

export interface PlacementRequest {
  readonly peers: readonly unknown[];
  readonly opId: string | undefined;
}

/** The body of `PUT /pins/{cid}/placement`: `{ "peers": [...] }`. */
export function parsePlacementRequest(body: Record<string, unknown>): PlacementRequest {
  refuseUnknown(body, PLACEMENT_KEYS);
  const peers = body['peers'];
  if (peers === undefined) throw new ValidationError('MISSING_FIELD', 'peers', 'required: the full list of peer ids that should hold the pin');
  if (!Array.isArray(peers)) throw new ValidationError('INVALID_FIELD', 'peers', 'expected an array of peer ids');
  return { peers, opId: optionalString(body, 'op_id') };
}
