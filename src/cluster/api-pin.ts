/**
 * IPFS Cluster's `api.Pin` JSON (v1.x: what `ipfs-cluster-service state export` writes and
 * `state import` reads) and its mapping to pinstate's pin. docs/ipfs-cluster-compat.md lists every
 * field, what is kept, what is normalised and what is rejected, with the reasons. Pure functions.
 */
import { CID } from 'multiformats/cid';
import { base32 } from 'multiformats/bases/base32';
import { base36 } from 'multiformats/bases/base36';
import { base58btc } from 'multiformats/bases/base58';
import * as Digest from 'multiformats/hashes/digest';
import { ValidationError, type ErrorCode } from '../errors.js';
import { parseCid } from '../domain/cid.js';
import { PIN_TYPES, modeOfDepth, validatePeerId, validatePeers, validatePinSpec, type PinMode, type PinSpec, type PinType } from '../domain/pin.js';

/**
 * One pin exactly as IPFS Cluster v1.x serialises it. Keys are in Go's field order (PinOptions is
 * embedded first); {@link formatApiPinLine} writes them in this order.
 */
export type ApiPinJson = {
  readonly replication_factor_min: number;
  readonly replication_factor_max: number;
  readonly name: string;
  readonly mode: PinMode;
  readonly shard_size: number;
  readonly user_allocations: readonly string[] | null;
  /** RFC 3339; Go's zero time `0001-01-01T00:00:00Z` means "never". */
  readonly expire_at: string;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly pin_update: string | null;
  readonly origins: readonly string[];
  readonly cid: string;
  readonly type: PinType;
  readonly allocations: readonly string[];
  readonly max_depth: number;
  readonly reference: string | null;
  /** RFC 3339; Go's zero time when unset. */
  readonly timestamp: string;
};

/** The keys of {@link ApiPinJson} in the order Go's encoding/json writes them. */
export const API_PIN_KEYS = [
  'replication_factor_min',
  'replication_factor_max',
  'name',
  'mode',
  'shard_size',
  'user_allocations',
  'expire_at',
  'metadata',
  'pin_update',
  'origins',
  'cid',
  'type',
  'allocations',
  'max_depth',
  'reference',
  'timestamp',
] as const satisfies readonly (keyof ApiPinJson)[];

/** A pin plus its placement, as IPFS Cluster's state holds it. */
export interface ClusterPin {
  readonly spec: PinSpec;
  /** Sorted, distinct peer ids: pinstate's desired placement set. `[]` = pin everywhere or not yet allocated. */
  readonly allocations: readonly string[];
  /** Sorted, distinct peer ids the user asked for. IPFS Cluster never persists them, so exports carry none. */
  readonly userAllocations: readonly string[];
}

/** Go's zero `time.Time` as encoding/json writes it: IPFS Cluster's "no time". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** Pre-1.0 IPFS Cluster wrote `type` as the PinType bit value (`1 << iota`, BadType = 1). */
const LEGACY_PIN_TYPES: ReadonlyMap<number, PinType> = new Map([
  [2, 'pin'],
  [4, 'meta-pin'],
  [8, 'clusterdag-pin'],
  [16, 'shard-pin'],
]);

/** Multicodec of a CID-encoded peer id. */
const LIBP2P_KEY_CODEC = 0x72;
const cidTextDecoder = base32.decoder.or(base36.decoder).or(base58btc.decoder);

/** pinstate's field names (as validatePinSpec reports them) → IPFS Cluster's JSON keys. */
const SPEC_FIELD_TO_JSON: Readonly<Record<string, string>> = {
  replicationFactorMin: 'replication_factor_min',
  replicationFactorMax: 'replication_factor_max',
  maxDepth: 'max_depth',
  pinType: 'type',
  expireAt: 'expire_at',
  shardSize: 'shard_size',
  pinUpdate: 'pin_update',
};

function fail(code: ErrorCode, field: string, reason: string, where: string | undefined, cause?: unknown): never {
  throw new ValidationError(code, field, where === undefined ? reason : `${reason} (${where})`, {
    ...(cause === undefined ? {} : { cause }),
    ...(where === undefined ? {} : { details: { where } }),
  });
}

const isAbsent = (v: unknown): v is null | undefined => v === undefined || v === null;
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates one api.Pin JSON object (as parsed by JSON.parse) into a ClusterPin.
 *
 * Accepts what IPFS Cluster v1.x writes plus the pre-1.0 forms (`{"/": "Qm…"}` CIDs, numeric
 * `type`). Refuses to guess where Go would silently produce a surprising pin: a missing `type`
 * (Go: `bad-type`) or a missing `max_depth` with no `mode` (Go: direct). Unknown keys are ignored,
 * as Go does.
 *
 * @param where - the position of the object in its source (`"line 12"`), added to error messages
 *   and to `details.where`.
 * @throws ValidationError whose `field` is the JSON key at fault (`cid`, `replication_factor_min`,
 *   `allocations[2]`, `metadata.app`); `$` when the value is not an object at all.
 */
export function parseApiPin(value: unknown, where?: string): ClusterPin {
  if (!isPlainObject(value)) fail('INVALID_FIELD', '$', 'expected a JSON object (an IPFS Cluster api.Pin)', where);
  const o = value;

  const cid = readCid(o['cid'], 'cid', where);
  if (cid === null) fail('MISSING_FIELD', 'cid', 'the pin has no cid', where);
  const pinType = readPinType(o['type'], where);
  const maxDepth = readDepth(o['max_depth'], o['mode'], where);
  const metadata = readMetadata(o['metadata'], where);
  const allocations = readPeers(o['allocations'], 'allocations', where);
  const userAllocations = readPeers(o['user_allocations'], 'user_allocations', where);

  let spec: PinSpec;
  try {
    spec = validatePinSpec({
      cid,
      pinType,
      maxDepth,
      replicationFactorMin: readInt(o['replication_factor_min'], 'replication_factor_min', where),
      replicationFactorMax: readInt(o['replication_factor_max'], 'replication_factor_max', where),
      name: readString(o['name'], 'name', where),
      shardSize: readInt(o['shard_size'], 'shard_size', where),
      expireAt: parseGoTime(o['expire_at'], 'expire_at', where),
      metadata,
      pinUpdate: readCid(o['pin_update'], 'pin_update', where),
      origins: readStrings(o['origins'], 'origins', where),
      reference: readCid(o['reference'], 'reference', where),
      timestamp: parseGoTime(o['timestamp'], 'timestamp', where),
    });
  } catch (err: unknown) {
    if (!(err instanceof ValidationError)) throw err;
    const field = jsonFieldOf(err.field ?? '$');
    fail(err.code, field, reasonOf(err), where, err);
  }
  checkPinType(spec, where);
  return Object.freeze({ spec, allocations: Object.freeze(allocations), userAllocations: Object.freeze(userAllocations) });
}

/**
 * The api.Pin JSON `ipfs-cluster-service state export` writes for this pin: origins `[]`, metadata
 * `null` when empty, `pin_update`/`reference` `null` when unset, `mode` derived from `max_depth`,
 * allocations sorted, times at second precision in UTC (`Z`), Go's zero time for "none".
 * `user_allocations` is `null` unless the pin carries some (an export never does).
 * pinstate-only fields (`owner`, `tags`) have no place in api.Pin and are left out.
 *
 * The returned `metadata` object is a JS object: integer-like keys enumerate first. Use
 * {@link formatApiPinLine} for Go's byte-exact key order.
 *
 * @throws ValidationError when a time is past year 9999 (Go's encoder refuses those too).
 */
export function toApiPin(pin: ClusterPin): ApiPinJson {
  const s = pin.spec;
  const metaKeys = goSortedKeys(s.metadata);
  return {
    replication_factor_min: s.replicationFactorMin,
    replication_factor_max: s.replicationFactorMax,
    name: s.name,
    mode: modeOfDepth(s.maxDepth),
    shard_size: s.shardSize,
    user_allocations: pin.userAllocations.length === 0 ? null : [...pin.userAllocations].sort(),
    expire_at: formatGoTime(s.expireAt, 'expire_at'),
    metadata: metaKeys.length === 0 ? null : Object.fromEntries(metaKeys.map((k) => [k, s.metadata[k] ?? ''])),
    pin_update: s.pinUpdate,
    origins: [...s.origins],
    cid: s.cid,
    type: s.pinType,
    allocations: [...pin.allocations].sort(),
    max_depth: s.maxDepth,
    reference: s.reference,
    timestamp: formatGoTime(s.timestamp, 'timestamp'),
  };
}

/**
 * One line of a state export: the pin's JSON with keys in IPFS Cluster's field order, map keys
 * sorted byte-wise and strings escaped as Go's encoding/json does (`<`, `>`, `&`, U+2028, U+2029 as
 * `\u…`), then `"\n"` — byte for byte what `json.Encoder.Encode` writes.
 */
export function formatApiPinLine(pin: ClusterPin): string {
  const json = toApiPin(pin);
  const parts = API_PIN_KEYS.map((key) => `${goJsonString(key)}:${goJsonValue(json[key])}`);
  return `{${parts.join(',')}}\n`;
}

// ---------------------------------------------------------------------------------------------
// Field readers. Each checks the JSON type and names the JSON key; value rules (sizes, ranges,
// replication, multiaddrs) stay in validatePinSpec so every entry point shares them.

function readCid(value: unknown, field: string, where: string | undefined): string | null {
  if (isAbsent(value)) return null;
  let text: unknown = value;
  // Pre-1.0 exports wrote CIDs as IPLD links: {"/": "Qm…"}.
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0] !== '/') fail('INVALID_CID', field, 'expected a CID string or a {"/": "<cid>"} link', where);
    text = value['/'];
  }
  // Go's api.Cid refuses "", validatePinSpec reads it as "none": side with Go for the pin's own cid only.
  if (text === '' && field !== 'cid') return null;
  try {
    return parseCid(text, field).text;
  } catch (err: unknown) {
    if (err instanceof ValidationError) fail(err.code, field, reasonOf(err), where, err);
    throw err;
  }
}

function readPinType(value: unknown, where: string | undefined): PinType {
  if (isAbsent(value)) {
    fail('MISSING_FIELD', 'type', 'the pin has no type; IPFS Cluster would store it as "bad-type". Write "pin" for a normal pin', where);
  }
  if (typeof value === 'number') {
    const legacy = LEGACY_PIN_TYPES.get(value);
    if (legacy === undefined) fail('INVALID_FIELD', 'type', `numeric (pre-1.0) type ${value} is not one of 2, 4, 8, 16`, where);
    return legacy;
  }
  if (typeof value !== 'string') fail('INVALID_FIELD', 'type', 'expected a pin type string', where);
  if ((PIN_TYPES as readonly string[]).includes(value)) return value as PinType;
  const why = value === 'bad-type' ? 'IPFS Cluster marks an unset or undecodable type this way; ' : '';
  fail('INVALID_FIELD', 'type', `${why}${JSON.stringify(value)} is not one of ${PIN_TYPES.join(', ')}`, where);
}

/** max_depth wins, as in IPFS Cluster (mode is re-derived from it); mode only fills a missing max_depth. */
function readDepth(depth: unknown, mode: unknown, where: string | undefined): number {
  if (!isAbsent(mode) && typeof mode !== 'string') fail('INVALID_FIELD', 'mode', 'expected "recursive" or "direct"', where);
  if (typeof mode === 'string' && mode !== '' && mode !== 'recursive' && mode !== 'direct') {
    fail('INVALID_FIELD', 'mode', `${JSON.stringify(mode)} is not "recursive" or "direct"`, where);
  }
  if (!isAbsent(depth)) return readInt(depth, 'max_depth', where) ?? 0;
  if (mode === 'direct') return 0;
  if (mode === 'recursive') return -1;
  return fail('MISSING_FIELD', 'max_depth', 'neither max_depth nor mode is set; IPFS Cluster would import this as a direct pin (max_depth 0). Write -1 for recursive', where);
}

function readInt(value: unknown, field: string, where: string | undefined): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail('INVALID_FIELD', field, 'expected an integer', where);
  return value;
}

function readString(value: unknown, field: string, where: string | undefined): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string') fail('INVALID_FIELD', field, 'expected a string', where);
  return goString(value);
}

function readStrings(value: unknown, field: string, where: string | undefined): string[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) fail('INVALID_FIELD', field, 'expected an array of strings', where);
  return value.map((v: unknown, i) => readString(v, `${field}[${i}]`, where) ?? fail('INVALID_FIELD', `${field}[${i}]`, 'expected a string', where));
}

function readMetadata(value: unknown, where: string | undefined): Record<string, string> {
  if (isAbsent(value)) return {};
  if (!isPlainObject(value)) fail('INVALID_FIELD', 'metadata', 'expected an object of strings', where);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(value)) {
    // A plain object would swallow this key as its prototype; refuse rather than lose it.
    if (k === '__proto__') fail('INVALID_FIELD', 'metadata.__proto__', 'reserved key', where);
    // Go decodes a null map value as "".
    out[goString(k)] = readString(v, `metadata.${k}`, where) ?? '';
  }
  return out;
}

function readPeers(value: unknown, field: string, where: string | undefined): string[] {
  if (isAbsent(value)) return [];
  if (!Array.isArray(value)) fail('INVALID_FIELD', field, 'expected an array of peer ids', where);
  try {
    return validatePeers(
      value.map((p: unknown, i) => parsePeerId(p, `${field}[${i}]`)),
      field,
    );
  } catch (err: unknown) {
    if (err instanceof ValidationError) fail(err.code, err.field ?? field, reasonOf(err), where, err);
    throw err;
  }
}

/**
 * A libp2p peer id as go-libp2p's peer.Decode reads it: base58 multihash (`Qm…`, `12D3KooW…`) or a
 * CIDv1 with the libp2p-key codec, normalised to the base58 form Go writes back.
 */
export function parsePeerId(value: unknown, field: string): string {
  const text = validatePeerId(value, field);
  try {
    if (text.startsWith('Qm') || text.startsWith('1')) {
      Digest.decode(base58btc.baseDecode(text));
      return text;
    }
    const cid = CID.parse(text, cidTextDecoder);
    if (cid.code !== LIBP2P_KEY_CODEC) throw new Error(`CID codec 0x${cid.code.toString(16)} is not libp2p-key`);
    return base58btc.baseEncode(cid.multihash.bytes);
  } catch (err: unknown) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ValidationError('INVALID_PEER', field, `not a libp2p peer id (${why})`, { cause: err });
  }
}

/** IPFS Cluster's checkPinType (cluster.go): the shape every pin in a real cluster state has. */
function checkPinType(spec: PinSpec, where: string | undefined): void {
  switch (spec.pinType) {
    case 'pin':
      if (spec.reference !== null) fail('INVALID_FIELD', 'reference', 'a "pin" (data) pin must not reference another pin', where);
      return;
    case 'shard-pin':
      if (spec.maxDepth !== 1) fail('INVALID_FIELD', 'max_depth', `a shard-pin has max_depth 1, not ${spec.maxDepth}`, where);
      return;
    case 'clusterdag-pin':
      if (spec.maxDepth !== 0) fail('INVALID_FIELD', 'max_depth', `a clusterdag-pin has max_depth 0, not ${spec.maxDepth}`, where);
      if (spec.reference === null) fail('MISSING_FIELD', 'reference', 'a clusterdag-pin references its meta-pin', where);
      return;
    case 'meta-pin':
      if (spec.reference === null) fail('MISSING_FIELD', 'reference', 'a meta-pin references its clusterdag-pin', where);
      return;
  }
}

function jsonFieldOf(specField: string): string {
  const m = /^([A-Za-z]+)(.*)$/s.exec(specField);
  if (m === null) return specField;
  const head = m[1] ?? '';
  return (SPEC_FIELD_TO_JSON[head] ?? head) + (m[2] ?? '');
}

/** The message without the `field: ` prefix ValidationError adds. */
function reasonOf(err: ValidationError): string {
  const prefix = `${err.field ?? ''}: `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

/** Go's decoder turns lone UTF-16 surrogates (from `\ud800` escapes) into U+FFFD; so do we. */
function goString(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

// ---------------------------------------------------------------------------------------------
// Times. IPFS Cluster stores unix seconds; pinstate stores unix ms. Go writes RFC 3339 (RFC3339Nano
// when there is a fraction) and reads any RFC 3339 time with an optional fraction.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const SECONDS_PER_DAY = 86_400;
/** 0001-01-01T00:00:00Z in unix seconds. */
const GO_ZERO_UNIX = daysFromCivil(1, 1, 1) * SECONDS_PER_DAY;
/** 9999-12-31T23:59:59.999Z: Go cannot write a later time as JSON. */
const MAX_GO_JSON_MS = (daysFromCivil(10_000, 1, 1) * SECONDS_PER_DAY) * 1000 - 1;

/**
 * Parses a Go `time.Time` JSON string into unix ms (fraction truncated to ms). Go's zero time, the
 * unix epoch (IPFS Cluster stores both as "none"), null and absent all give null.
 */
export function parseGoTime(value: unknown, field: string, where?: string): number | null {
  if (isAbsent(value)) return null;
  if (typeof value !== 'string') fail('INVALID_FIELD', field, 'expected an RFC 3339 time string', where);
  const m = RFC3339.exec(value);
  if (m === null) fail('INVALID_FIELD', field, `${JSON.stringify(value)} is not an RFC 3339 time`, where);
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offH = Number(m[9] ?? 0);
  const offM = Number(m[10] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59 || offH > 23 || offM > 59) {
    fail('INVALID_FIELD', field, `${JSON.stringify(value)} is out of range`, where);
  }
  const offset = (m[8] === '-' ? -1 : 1) * (offH * 3600 + offM * 60);
  const unix = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second - offset;
  const fraction = m[7] ?? '';
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  if (unix === GO_ZERO_UNIX && /^0*$/.test(fraction)) return null;
  const unixMs = unix * 1000 + ms;
  if (unixMs === 0) return null;
  if (unixMs < 0) fail('INVALID_FIELD', field, `${JSON.stringify(value)} is before 1970; IPFS Cluster cannot store it`, where);
  if (unixMs > MAX_GO_JSON_MS) fail('INVALID_FIELD', field, `${JSON.stringify(value)} is after year 9999`, where);
  return unixMs;
}

/** Unix ms → what IPFS Cluster's export writes: whole seconds, UTC, or Go's zero time for null. */
export function formatGoTime(unixMs: number | null, field = 'time'): string {
  if (unixMs === null) return GO_ZERO_TIME;
  if (!Number.isSafeInteger(unixMs) || unixMs < 0 || unixMs > MAX_GO_JSON_MS) {
    throw new ValidationError('INVALID_FIELD', field, `${unixMs} ms is outside what IPFS Cluster can write (1970 to 9999)`);
  }
  return `${new Date(Math.floor(unixMs / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil); no Date quirks for years < 100. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// ---------------------------------------------------------------------------------------------
// Go's encoding/json output.

const utf8 = new TextEncoder();

/** Map keys in Go's order: byte-wise on UTF-8 (JS sorts by UTF-16 code unit, which differs above U+FFFF). */
function goSortedKeys(map: Readonly<Record<string, string>>): string[] {
  return Object.keys(map).sort((a, b) => compareBytes(utf8.encode(a), utf8.encode(b)));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** JSON.stringify plus the HTML-safe escapes Go's encoder adds by default. */
function goJsonString(s: string): string {
  return JSON.stringify(goString(s)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function goJsonValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJsonValue).join(',')}]`;
  const map = v as Readonly<Record<string, string>>;
  return `{${goSortedKeys(map)
    .map((k) => `${goJsonString(k)}:${goJsonString(map[k] ?? '')}`)
    .join(',')}}`;
}
