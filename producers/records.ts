/**
 * SDK call → Kafka record: validation, op ids, keys and encoding. Pure (clock and id generator
 * are passed in); everything that can reject a call happens here, before anything is queued.
 */
import { WIRE_LIMITS, decodeIntent, encodeAck, encodeIntent } from '../src/codec/index.js';
import { parseCid } from '../src/domain/cid.js';
import type { IntentBody, PinIntent, PlacementAck } from '../src/domain/messages.js';
import { mhPrefixKey } from '../src/domain/mh-prefix.js';
import { LIMITS, validatePeerId, validatePeers, validatePinSpec } from '../src/domain/pin.js';
import type { PinSpecInput } from '../src/domain/pin.js';
import { parsePlacementState } from '../src/domain/placement-state.js';
import type { PlacementState } from '../src/domain/placement-state.js';
import { PinstateError, ValidationError } from '../src/errors.js';
import { validateOpId } from './op-id.js';

/** One record to send. */
export interface OutgoingMessage {
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer;
}

/** Key + value bytes of a record: what the send queue's maxBatchBytes bounds. */
export const outgoingBytes = (m: OutgoingMessage): number => m.value.length + Buffer.byteLength(m.key);

/** Per-call options every producer method takes. */
export interface OpOptions {
  /** The op id to send; default a new UUIDv7. Pass the original one when retrying or replaying. */
  readonly opId?: string;
  /** When the op was created, unix ms; default now. */
  readonly ts?: number;
}

export interface DeleteOptions extends OpOptions {
  /** TTL sweeper only: delete only if the pin still expires at this time (unix ms). */
  readonly expiredAt?: number | null;
}

export interface AckOptions extends OpOptions {
  /** Error text for *_error states; cut to LIMITS.errorBytes (200) UTF-8 bytes, as the store keeps it. */
  readonly error?: string | null;
}

/** What the builders need from the producer: where records go and how ops get ids and times. */
export interface RecordContext {
  readonly intentsTopic: string;
  readonly acksTopic: string;
  readonly origin: string;
  readonly newOpId: () => string;
  readonly now: () => number;
}

/** A record plus the op id it carries. */
export interface BuiltRecord {
  readonly opId: string;
  readonly message: OutgoingMessage;
}

function checkTs(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError('INVALID_FIELD', field, 'expected unix milliseconds (a non-negative integer)');
  }
  return value;
}

function checkOrigin(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError('MISSING_FIELD', field, 'origin must be a non-empty string');
  if (Buffer.byteLength(value) > WIRE_LIMITS.originBytes) throw new ValidationError('OVERSIZED_VALUE', field, `longer than ${WIRE_LIMITS.originBytes} bytes`);
  return value;
}

/** Validates the producer's `origin` option. */
export function validateOrigin(value: unknown): string {
  return checkOrigin(value, 'origin');
}

function envelope(ctx: RecordContext, opts: OpOptions | undefined): { opId: string; ts: number } {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) throw new ValidationError('INVALID_FIELD', 'opts', 'expected an options object');
  const opId = opts?.opId === undefined ? ctx.newOpId() : validateOpId(opts.opId, 'opId');
  const ts = opts?.ts === undefined ? ctx.now() : checkTs(opts.ts, 'ts');
  return { opId, ts };
}

function checkExpiredAt(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  const t = checkTs(value, field);
  if (!wireCarriesExpiredAt()) {
    // Sending it anyway would turn a guarded expiry into a plain delete and remove pins whose expiry was extended.
    throw new PinstateError('SCHEMA_MISMATCH', `${field}: the current PinIntent schema has no DeletePin expired_at field, so the guard would be lost on the wire; apply expiries through the store until the schema carries it`, { field });
  }
  return t;
}

let carriesExpiredAt: boolean | undefined;

/** Whether a DeletePin's expiredAt survives encode → decode with the released schemas (checked once). */
export function wireCarriesExpiredAt(): boolean {
  if (carriesExpiredAt === undefined) {
    try {
      const probe: PinIntent = { opId: 'probe', ts: 1, origin: 'probe', body: { kind: 'DeletePin', cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy', expiredAt: 1234 } };
      const back = decodeIntent(encodeIntent(probe)).body;
      carriesExpiredAt = back.kind === 'DeletePin' && back.expiredAt === 1234;
    } catch {
      carriesExpiredAt = false;
    }
  }
  return carriesExpiredAt;
}

function cidOfBody(body: IntentBody): string {
  return body.kind === 'UpsertPin' ? body.spec.cid : body.cid;
}

function encodeOrFail<T>(encode: (value: T) => Buffer, value: T): Buffer {
  try {
    return encode(value);
  } catch (err: unknown) {
    if (err instanceof PinstateError) throw err;
    throw new PinstateError('INTERNAL', `encoding failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The `pins.intents` record of a validated intent, keyed by its CID's mh_prefix. */
export function intentRecord(topic: string, intent: PinIntent): BuiltRecord {
  const key = mhPrefixKey(parseCid(cidOfBody(intent.body)).mhPrefix);
  return { opId: intent.opId, message: { topic, key, value: encodeOrFail(encodeIntent, intent) } };
}

export function upsertRecord(ctx: RecordContext, spec: PinSpecInput, opts?: OpOptions): BuiltRecord {
  const validated = validatePinSpec(spec);
  return intentRecord(ctx.intentsTopic, { ...envelope(ctx, opts), origin: ctx.origin, body: { kind: 'UpsertPin', spec: validated } });
}

export function deleteRecord(ctx: RecordContext, cid: string, opts?: DeleteOptions): BuiltRecord {
  const text = parseCid(cid, 'cid').text;
  const expiredAt = checkExpiredAt(opts?.expiredAt, 'expiredAt');
  const body: IntentBody = expiredAt === null ? { kind: 'DeletePin', cid: text } : { kind: 'DeletePin', cid: text, expiredAt };
  return intentRecord(ctx.intentsTopic, { ...envelope(ctx, opts), origin: ctx.origin, body });
}

export function placementRecord(ctx: RecordContext, cid: string, peers: readonly string[], opts?: OpOptions): BuiltRecord {
  const text = parseCid(cid, 'cid').text;
  const sorted = validatePeers(peers, 'peers');
  return intentRecord(ctx.intentsTopic, { ...envelope(ctx, opts), origin: ctx.origin, body: { kind: 'SetDesiredPlacement', cid: text, peers: sorted } });
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

export function ackRecord(ctx: RecordContext, cid: string, peer: string, state: PlacementState, opts?: AckOptions): BuiltRecord {
  const parsed = parseCid(cid, 'cid');
  const peerId = validatePeerId(peer, 'peer');
  const placementState = parsePlacementState(state, 'state');
  const rawError = opts?.error ?? null;
  if (rawError !== null && typeof rawError !== 'string') throw new ValidationError('INVALID_FIELD', 'error', 'expected a string or null');
  const ack: PlacementAck = { ...envelope(ctx, opts), cid: parsed.text, peer: peerId, state: placementState, error: rawError === null ? null : truncateUtf8(rawError, LIMITS.errorBytes) };
  return { opId: ack.opId, message: { topic: ctx.acksTopic, key: mhPrefixKey(parsed.mhPrefix), value: encodeOrFail(encodeAck, ack) } };
}

/**
 * Re-validates an already-built intent (importer, replay, TTL sweeper) field by field; op id and ts
 * are kept. Errors name the field under `field` (`intents[3].body.peers[0]`).
 */
export function validateIntent(intent: PinIntent, field: string): PinIntent {
  return underField(field, () => checkIntent(intent));
}

/** Runs `fn`; a PinstateError naming a field comes out naming `${prefix}.${field}` instead. */
function underField<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    if (err instanceof PinstateError && err.field !== undefined) {
      const inner = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
      const at = `${prefix}.${err.field}`;
      if (err instanceof ValidationError) throw new ValidationError(err.code, at, inner, { cause: err });
      throw new PinstateError(err.code, `${at}: ${inner}`, { field: at, cause: err });
    }
    throw err;
  }
}

function checkIntent(intent: PinIntent): PinIntent {
  if (intent === null || typeof intent !== 'object') throw new ValidationError('INVALID_FIELD', 'intent', 'expected a PinIntent object');
  const opId = validateOpId(intent.opId, 'opId');
  const ts = checkTs(intent.ts, 'ts');
  const origin = checkOrigin(intent.origin, 'origin');
  const body = intent.body as IntentBody | null | undefined;
  if (body === null || typeof body !== 'object') throw new ValidationError('MISSING_FIELD', 'body', 'expected an intent body');
  switch (body.kind) {
    case 'UpsertPin':
      if (body.spec === null || typeof body.spec !== 'object') throw new ValidationError('MISSING_FIELD', 'body.spec', 'expected a pin spec');
      return { opId, ts, origin, body: { kind: 'UpsertPin', spec: underField('body.spec', () => validatePinSpec(body.spec)) } };
    case 'DeletePin': {
      const cid = parseCid(body.cid, 'body.cid').text;
      const expiredAt = checkExpiredAt(body.expiredAt, 'body.expiredAt');
      return { opId, ts, origin, body: expiredAt === null ? { kind: 'DeletePin', cid } : { kind: 'DeletePin', cid, expiredAt } };
    }
    case 'SetDesiredPlacement':
      return { opId, ts, origin, body: { kind: 'SetDesiredPlacement', cid: parseCid(body.cid, 'body.cid').text, peers: validatePeers(body.peers, 'body.peers') } };
    default:
      throw new ValidationError('INVALID_FIELD', 'body.kind', `unknown intent kind ${JSON.stringify((body as { kind: unknown }).kind)}`);
  }
}
