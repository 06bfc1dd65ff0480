/**
 * `pins.intents` values: PinIntent ⇄ io.pinstate.v1.PinIntent. Decoding validates like every other
 * entry point: UpsertPin through validatePinSpec, CIDs through parseCid, peers through validatePeers.
 */
import { ValidationError } from '../errors.js';
import { parseCid } from '../domain/cid.js';
import type { DeletePinBody, IntentBody, PinIntent } from '../domain/messages.js';
import { validatePeers, validatePinSpec } from '../domain/pin.js';
import type { PinSpec, PinType } from '../domain/pin.js';
import { defineCodec } from './message-codec.js';
import type { MessageCodec } from './message-codec.js';
import { releasedRegistry } from './released-schemas.js';
import type { MessageFamily } from './schema-registry.js';
import { WIRE_LIMITS, checkOpId, checkText, checkTimestamp } from './wire-checks.js';

const UPSERT = 'io.pinstate.v1.UpsertPin';
const DELETE = 'io.pinstate.v1.DeletePin';
const PLACE = 'io.pinstate.v1.SetDesiredPlacement';

/** io.pinstate.v1.UpsertPin as avsc reads and writes it. */
interface AvroUpsertPin {
  cid: string;
  owner: string;
  pin_type: string;
  max_depth: number;
  replication_factor_min: number;
  replication_factor_max: number;
  name: string;
  tags: readonly string[];
  metadata: Readonly<Record<string, string>>;
  expire_at: number | null;
  shard_size: number;
  reference: string | null;
  pin_update: string | null;
  origins: readonly string[];
  timestamp: number | null;
}
interface AvroDeletePin {
  cid: string;
  expired_at: number | null;
}
interface AvroSetDesiredPlacement {
  cid: string;
  peers: readonly string[];
}
/** The op union is wrapped: its branches are records avsc cannot tell apart by value. */
type AvroOp = { [UPSERT]: AvroUpsertPin } | { [DELETE]: AvroDeletePin } | { [PLACE]: AvroSetDesiredPlacement };
interface AvroPinIntent {
  op_id: string;
  ts: number;
  origin: string;
  op: AvroOp;
}

/** Avro enum symbols cannot contain '-'. */
const PIN_TYPE_TO_AVRO: ReadonlyMap<string, string> = new Map([
  ['pin', 'pin'],
  ['meta-pin', 'meta_pin'],
  ['clusterdag-pin', 'clusterdag_pin'],
  ['shard-pin', 'shard_pin'],
] satisfies [PinType, string][]);
const PIN_TYPE_FROM_AVRO: ReadonlyMap<string, string> = new Map([...PIN_TYPE_TO_AVRO].map(([k, v]) => [v, k]));

function specToAvro(spec: PinSpec): AvroUpsertPin {
  const pinType = PIN_TYPE_TO_AVRO.get(spec.pinType);
  if (pinType === undefined) throw new ValidationError('INVALID_FIELD', 'pinType', `unknown pin type ${JSON.stringify(spec.pinType)}`);
  return {
    cid: spec.cid,
    owner: spec.owner,
    pin_type: pinType,
    max_depth: spec.maxDepth,
    replication_factor_min: spec.replicationFactorMin,
    replication_factor_max: spec.replicationFactorMax,
    name: spec.name,
    tags: spec.tags,
    metadata: spec.metadata,
    expire_at: spec.expireAt,
    shard_size: spec.shardSize,
    reference: spec.reference,
    pin_update: spec.pinUpdate,
    origins: spec.origins,
    timestamp: spec.timestamp,
  };
}

function bodyToAvro(body: IntentBody): AvroOp {
  switch (body.kind) {
    case 'UpsertPin':
      return { [UPSERT]: specToAvro(body.spec) };
    case 'DeletePin':
      return { [DELETE]: { cid: body.cid, expired_at: body.expiredAt ?? null } };
    case 'SetDesiredPlacement':
      return { [PLACE]: { cid: body.cid, peers: body.peers } };
    default:
      throw new ValidationError('INVALID_FIELD', 'body.kind', `unknown intent kind ${JSON.stringify((body as { kind: unknown }).kind)}`);
  }
}

function toAvro(intent: PinIntent): AvroPinIntent {
  return { op_id: intent.opId, ts: intent.ts, origin: intent.origin, op: bodyToAvro(intent.body) };
}

function specFromAvro(u: AvroUpsertPin): PinSpec {
  return validatePinSpec({
    cid: u.cid,
    owner: u.owner,
    // An unknown symbol (UNKNOWN, the enum default) goes through as is and fails validation as pinType.
    pinType: PIN_TYPE_FROM_AVRO.get(u.pin_type) ?? u.pin_type,
    maxDepth: u.max_depth,
    replicationFactorMin: u.replication_factor_min,
    replicationFactorMax: u.replication_factor_max,
    name: u.name,
    tags: u.tags,
    metadata: u.metadata,
    expireAt: u.expire_at,
    shardSize: u.shard_size,
    reference: u.reference,
    pinUpdate: u.pin_update,
    origins: u.origins,
    timestamp: u.timestamp,
  });
}

/** expiredAt is left out, not null, for an unconditional delete: the form callers build. */
function deleteFromAvro(d: AvroDeletePin): DeletePinBody {
  const cid = parseCid(d.cid, 'cid').text;
  return d.expired_at === null ? { kind: 'DeletePin', cid } : { kind: 'DeletePin', cid, expiredAt: checkTimestamp(d.expired_at, 'expired_at') };
}

function bodyFromAvro(op: AvroOp): IntentBody {
  if (UPSERT in op) return { kind: 'UpsertPin', spec: specFromAvro(op[UPSERT]) };
  if (DELETE in op) return deleteFromAvro(op[DELETE]);
  const place = op[PLACE];
  return { kind: 'SetDesiredPlacement', cid: parseCid(place.cid, 'cid').text, peers: validatePeers(place.peers, 'peers') };
}

function fromAvro(raw: AvroPinIntent): PinIntent {
  return {
    opId: checkOpId(raw.op_id),
    ts: checkTimestamp(raw.ts, 'ts'),
    origin: checkText(raw.origin, 'origin', WIRE_LIMITS.originBytes),
    body: bodyFromAvro(raw.op),
  };
}

/** A PinIntent codec over `family` (a PinIntent family, e.g. of a registry with extra versions). */
export function createIntentCodec(family: MessageFamily): MessageCodec<PinIntent> {
  return defineCodec(family, 'PinIntent', toAvro, fromAvro);
}

const intents = createIntentCodec(releasedRegistry.family('PinIntent'));

/** Encodes a `pins.intents` value (single-object, current PinIntent schema). Throws ValidationError if a value does not fit the schema. */
export function encodeIntent(intent: PinIntent): Buffer {
  return intents.encode(intent);
}

/**
 * Decodes and validates a `pins.intents` value written with any released PinIntent schema. Throws
 * only PinstateError: UNDECODABLE, UNKNOWN_FINGERPRINT, WRONG_SCHEMA, or the ValidationError of
 * the first bad field (MISSING_FIELD op_id, INVALID_CID cid, INVALID_REPLICATION...).
 */
export function decodeIntent(bytes: Uint8Array): PinIntent {
  return intents.decode(bytes);
}
