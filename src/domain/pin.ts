/**
 * The pin as pinstate stores it, and the one validation step every entry point (store, producer
 * SDK, writer, HTTP API, CLI, importer) runs before anything is written. Field names and rules
 * follow IPFS Cluster's api.Pin / PinOptions.
 */
import { ValidationError } from '../errors.js';
import { parseCid } from './cid.js';

export const PIN_TYPES = ['pin', 'meta-pin', 'clusterdag-pin', 'shard-pin'] as const;
export type PinType = (typeof PIN_TYPES)[number];

export const PIN_MODES = ['recursive', 'direct'] as const;
export type PinMode = (typeof PIN_MODES)[number];

/** Limits on user-supplied values; oversized input is rejected, never truncated. */
export const LIMITS = {
  nameBytes: 512,
  ownerBytes: 256,
  tags: 16,
  tagBytes: 64,
  metadataEntries: 64,
  metadataKeyBytes: 256,
  metadataTotalBytes: 8 * 1024,
  origins: 8,
  originBytes: 256,
  peerIdBytes: 128,
  /** Peers per placement (desired set and actual map). With the limits above, one CID's rows stay under Cassandra's 50 KiB batch limit. */
  peersPerPin: 64,
  /** Error text kept per placement. */
  errorBytes: 200,
  replicationFactor: 1024,
} as const;

/** A validated, fully-filled pin. Times are unix milliseconds. */
export interface PinSpec {
  /** Canonical CID text (v0 base58btc, v1 base32). */
  readonly cid: string;
  readonly owner: string;
  readonly pinType: PinType;
  /** -1 = recursive, 0 = direct, n > 0 = limited depth (shards use 1). The mode is derived from it. */
  readonly maxDepth: number;
  /** 0 = cluster default; -1/-1 = everywhere. */
  readonly replicationFactorMin: number;
  readonly replicationFactorMax: number;
  readonly name: string;
  readonly tags: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** When the pin expires, or null for never. */
  readonly expireAt: number | null;
  readonly shardSize: number;
  /** Sharded DAGs: the related CID, else null. */
  readonly reference: string | null;
  readonly pinUpdate: string | null;
  readonly origins: readonly string[];
  /** IPFS Cluster's pin timestamp (when the cluster accepted the pin), or null. */
  readonly timestamp: number | null;
}

/** What callers pass: only `cid` is required. */
export interface PinSpecInput {
  readonly cid: string;
  readonly owner?: string | undefined;
  readonly pinType?: string | undefined;
  readonly mode?: string | undefined;
  readonly maxDepth?: number | undefined;
  readonly replicationFactorMin?: number | undefined;
  readonly replicationFactorMax?: number | undefined;
  readonly name?: string | undefined;
  readonly tags?: readonly string[] | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  readonly expireAt?: number | null | undefined;
  readonly shardSize?: number | undefined;
  readonly reference?: string | null | undefined;
  readonly pinUpdate?: string | null | undefined;
  readonly origins?: readonly string[] | undefined;
  readonly timestamp?: number | null | undefined;
}

export function modeOfDepth(maxDepth: number): PinMode {
  return maxDepth === 0 ? 'direct' : 'recursive';
}

const utf8 = new TextEncoder();
const byteLength = (s: string): number => utf8.encode(s).length;

function checkString(value: unknown, field: string, maxBytes: number, fallback = ''): string {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw new ValidationError('INVALID_FIELD', field, 'expected a string');
  if (byteLength(value) > maxBytes) throw new ValidationError('OVERSIZED_VALUE', field, `longer than ${maxBytes} bytes`);
  return value;
}

function checkInt(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new ValidationError('INVALID_FIELD', field, 'expected an integer');
  if (value < min || value > max) throw new ValidationError('INVALID_FIELD', field, `must be between ${min} and ${max}`);
  return value;
}

function checkTime(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === 0) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError('INVALID_FIELD', field, 'expected unix milliseconds');
  }
  return value;
}

function checkOptionalCid(value: unknown, field: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  return parseCid(value, field).text;
}

/** IPFS Cluster's isReplicationFactorValid: min ≤ max, both ≥ -1, and -1 goes with -1. 0 means "default". */
export function validateReplication(min: number, max: number, fieldPrefix = ''): void {
  const fMin = `${fieldPrefix}replicationFactorMin`;
  const fMax = `${fieldPrefix}replicationFactorMax`;
  if (min < -1) throw new ValidationError('INVALID_REPLICATION', fMin, 'must be -1 (everywhere), 0 (default) or positive');
  if (max < -1) throw new ValidationError('INVALID_REPLICATION', fMax, 'must be -1 (everywhere), 0 (default) or positive');
  if ((min === -1) !== (max === -1)) {
    throw new ValidationError('INVALID_REPLICATION', min === -1 ? fMax : fMin, 'if one replication factor is -1 the other must be -1 too');
  }
  if (min > 0 && max > 0 && min > max) {
    throw new ValidationError('INVALID_REPLICATION', fMin, `min (${min}) is greater than max (${max})`);
  }
  if (min > LIMITS.replicationFactor || max > LIMITS.replicationFactor) {
    throw new ValidationError('INVALID_REPLICATION', min > LIMITS.replicationFactor ? fMin : fMax, `at most ${LIMITS.replicationFactor}`);
  }
}

/** A peer id: non-empty, bounded, printable ASCII without spaces (base58/base32/base36 ids). */
export function validatePeerId(value: unknown, field = 'peer'): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError('INVALID_PEER', field, 'peer id must be a non-empty string');
  if (value.length > LIMITS.peerIdBytes) throw new ValidationError('INVALID_PEER', field, `peer id longer than ${LIMITS.peerIdBytes} characters`);
  if (!/^[A-Za-z0-9]+$/.test(value)) throw new ValidationError('INVALID_PEER', field, 'peer id must be alphanumeric (base58/base32/base36)');
  return value;
}

/** Validates a desired placement: distinct peers, each a valid id, at most LIMITS.peersPerPin. Returns them sorted. */
export function validatePeers(value: unknown, field = 'peers'): string[] {
  if (!Array.isArray(value)) throw new ValidationError('INVALID_FIELD', field, 'expected an array of peer ids');
  if (value.length > LIMITS.peersPerPin) throw new ValidationError('OVERSIZED_VALUE', field, `more than ${LIMITS.peersPerPin} peers`);
  const peers = new Set<string>();
  value.forEach((p: unknown, i) => peers.add(validatePeerId(p, `${field}[${i}]`)));
  return [...peers].sort();
}

function checkDepthAndMode(input: PinSpecInput): number {
  if (input.mode !== undefined && input.mode !== '' && !(PIN_MODES as readonly string[]).includes(input.mode)) {
    throw new ValidationError('INVALID_FIELD', 'mode', `must be one of ${PIN_MODES.join(', ')}`);
  }
  const fromMode = input.mode === 'direct' ? 0 : -1;
  const depth = checkInt(input.maxDepth, 'maxDepth', -1, 1_000_000, fromMode);
  if (input.mode === 'direct' && depth !== 0) throw new ValidationError('INVALID_FIELD', 'maxDepth', 'mode "direct" needs maxDepth 0');
  return depth;
}

/** Validates and fills a pin spec. Throws ValidationError naming the first bad field. Pure. */
export function validatePinSpec(input: PinSpecInput): PinSpec {
  if (input === null || typeof input !== 'object') throw new ValidationError('INVALID_FIELD', 'spec', 'expected an object');
  const cid = parseCid(input.cid, 'cid').text;
  const pinType = (input.pinType ?? 'pin') as PinType;
  if (!(PIN_TYPES as readonly string[]).includes(pinType)) {
    throw new ValidationError('INVALID_FIELD', 'pinType', `must be one of ${PIN_TYPES.join(', ')}`);
  }
  const maxDepth = checkDepthAndMode(input);
  const rfMin = checkInt(input.replicationFactorMin, 'replicationFactorMin', -1_000_000, 1_000_000, 0);
  const rfMax = checkInt(input.replicationFactorMax, 'replicationFactorMax', -1_000_000, 1_000_000, 0);
  validateReplication(rfMin, rfMax);

  const tagsIn = input.tags ?? [];
  if (!Array.isArray(tagsIn)) throw new ValidationError('INVALID_FIELD', 'tags', 'expected an array of strings');
  if (tagsIn.length > LIMITS.tags) throw new ValidationError('OVERSIZED_VALUE', 'tags', `more than ${LIMITS.tags} tags`);
  const tags = [...new Set(tagsIn.map((t, i) => checkString(t, `tags[${i}]`, LIMITS.tagBytes)))].sort();

  const metaIn = input.metadata ?? {};
  if (typeof metaIn !== 'object' || Array.isArray(metaIn)) throw new ValidationError('INVALID_FIELD', 'metadata', 'expected an object of strings');
  const metaKeys = Object.keys(metaIn).sort();
  if (metaKeys.length > LIMITS.metadataEntries) throw new ValidationError('OVERSIZED_VALUE', 'metadata', `more than ${LIMITS.metadataEntries} entries`);
  let metaBytes = 0;
  const metadata: Record<string, string> = {};
  for (const k of metaKeys) {
    if (k.length === 0) throw new ValidationError('INVALID_FIELD', 'metadata', 'empty key');
    checkString(k, `metadata.${k}`, LIMITS.metadataKeyBytes);
    const v = checkString(metaIn[k], `metadata.${k}`, LIMITS.metadataTotalBytes);
    metaBytes += byteLength(k) + byteLength(v);
    // defineProperty, not assignment: a "__proto__" key must become data, not change the prototype.
    Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  if (metaBytes > LIMITS.metadataTotalBytes) throw new ValidationError('OVERSIZED_VALUE', 'metadata', `larger than ${LIMITS.metadataTotalBytes} bytes`);

  const originsIn = input.origins ?? [];
  if (!Array.isArray(originsIn)) throw new ValidationError('INVALID_FIELD', 'origins', 'expected an array of multiaddr strings');
  if (originsIn.length > LIMITS.origins) throw new ValidationError('OVERSIZED_VALUE', 'origins', `more than ${LIMITS.origins} origins`);
  const origins = originsIn.map((o, i) => {
    const s = checkString(o, `origins[${i}]`, LIMITS.originBytes);
    if (!s.startsWith('/') || !s.includes('/p2p/')) throw new ValidationError('INVALID_FIELD', `origins[${i}]`, 'must be a multiaddr containing /p2p/');
    return s;
  });

  return Object.freeze({
    cid,
    owner: checkString(input.owner, 'owner', LIMITS.ownerBytes),
    pinType,
    maxDepth,
    replicationFactorMin: rfMin,
    replicationFactorMax: rfMax,
    name: checkString(input.name, 'name', LIMITS.nameBytes),
    tags: Object.freeze(tags),
    metadata: Object.freeze(metadata),
    expireAt: checkTime(input.expireAt, 'expireAt'),
    shardSize: checkInt(input.shardSize, 'shardSize', 0, Number.MAX_SAFE_INTEGER, 0),
    reference: checkOptionalCid(input.reference, 'reference'),
    pinUpdate: checkOptionalCid(input.pinUpdate, 'pinUpdate'),
    origins: Object.freeze(origins),
    timestamp: checkTime(input.timestamp, 'timestamp'),
  });
}
