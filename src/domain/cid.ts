/**
 * CIDs as pinstate stores them: parsed with multiformats (v0 `Qm…` and v1 in any multibase the
 * library knows), checked against the hash functions pinstate accepts, stored as their binary form.
 */
import { CID } from 'multiformats/cid';
import { base32 } from 'multiformats/bases/base32';
import { base36 } from 'multiformats/bases/base36';
import { base58btc } from 'multiformats/bases/base58';
import { ValidationError } from '../errors.js';
import { mhPrefixOfDigest } from './mh-prefix.js';

/** Multihash function codes pinstate accepts. Identity hashes inline their data and cannot be spread by prefix. */
export const SUPPORTED_HASHES: ReadonlyMap<number, string> = new Map([
  [0x12, 'sha2-256'],
  [0x13, 'sha2-512'],
  [0x14, 'sha3-512'],
  [0x16, 'sha3-256'],
  [0x1b, 'keccak-256'],
  [0x1e, 'blake3'],
  [0xb220, 'blake2b-256'],
  [0xb240, 'blake2b-512'],
]);

/** Longest binary CID accepted (a CIDv1 with a 64-byte digest is ~70 bytes). */
export const MAX_CID_BYTES = 128;

const decoder = base58btc.decoder.or(base32.decoder).or(base36.decoder);

/** A validated CID with the forms pinstate needs. */
export interface ParsedCid {
  readonly cid: CID;
  /** Canonical string: base58btc for v0, base32 for v1 (what IPFS Cluster prints). */
  readonly text: string;
  /** Binary form, the partition key of pins_by_cid. */
  readonly bytes: Uint8Array;
  /** First two bytes of the multihash digest as an unsigned 16-bit integer. */
  readonly mhPrefix: number;
}

function fromCid(cid: CID, field: string, text: string = cid.toString()): ParsedCid {
  const code = cid.multihash.code;
  if (!SUPPORTED_HASHES.has(code)) {
    throw new ValidationError('UNSUPPORTED_HASH', field, `multihash function 0x${code.toString(16)} is not supported`);
  }
  const bytes = cid.bytes;
  if (bytes.length > MAX_CID_BYTES) {
    throw new ValidationError('OVERSIZED_VALUE', field, `CID is ${bytes.length} bytes; at most ${MAX_CID_BYTES}`);
  }
  const digest = cid.multihash.digest;
  if (digest.length < 2) {
    throw new ValidationError('INVALID_CID', field, 'multihash digest is shorter than 2 bytes');
  }
  return { cid, text, bytes, mhPrefix: mhPrefixOfDigest(digest) };
}

/**
 * CIDs parsed lately, by their text. The writer names one CID several times per op (decode,
 * routing check, stats shard, commit, the event's key), each within moments of the others, so a
 * small bounded cache turns the repeats into a lookup. Two generations of at most RECENT_MAX each:
 * when the young one fills, it becomes the old one and the oldest entries go.
 */
const RECENT_MAX = 4096;
let recent = new Map<string, ParsedCid>();
let older = new Map<string, ParsedCid>();

function remember(text: string, parsed: ParsedCid): void {
  if (recent.size >= RECENT_MAX) {
    older = recent;
    recent = new Map();
  }
  recent.set(text, parsed);
}

/** Parses a CID string (v0 or v1). Throws a ValidationError naming `field` on bad input. */
export function parseCid(text: unknown, field = 'cid'): ParsedCid {
  if (typeof text !== 'string' || text.length === 0) {
    throw new ValidationError('INVALID_CID', field, 'expected a CID string');
  }
  const known = recent.get(text) ?? older.get(text);
  if (known !== undefined) return known;
  if (text.length > 2 * MAX_CID_BYTES) {
    throw new ValidationError('INVALID_CID', field, 'CID string is too long');
  }
  let cid: CID;
  try {
    // Decoded by hand rather than CID.parse, which stores the text in a per-CID WeakMap entry for
    // toString; those entries were a visible share of the writer's CPU and garbage collection.
    const v0 = text.startsWith('Q');
    cid = CID.decode(v0 ? base58btc.baseDecode(text) : decoder.decode(text));
    if (cid.version === 0 && !v0) throw new Error('Version 0 CID string must not include multibase prefix');
  } catch (err: unknown) {
    throw new ValidationError('INVALID_CID', field, `not a valid CID (${errorText(err)})`, { cause: err });
  }
  // The canonical text is the input itself when it is already in the canonical base (both bases
  // decode strictly, so one byte string has one text in each); otherwise encode it.
  const canonical = (cid.version === 0) === text.startsWith('Q') && (cid.version === 0 || text.startsWith('b')) ? text : cid.toString();
  const parsed = fromCid(cid, field, canonical);
  remember(text, parsed);
  return parsed;
}

/** Decodes a binary CID as stored in the database or carried in Avro `bytes`. */
export function cidFromBytes(bytes: Uint8Array, field = 'cid'): ParsedCid {
  if (bytes.length === 0 || bytes.length > MAX_CID_BYTES) {
    throw new ValidationError('INVALID_CID', field, `binary CID of ${bytes.length} bytes`);
  }
  let cid: CID;
  try {
    cid = CID.decode(bytes);
  } catch (err: unknown) {
    throw new ValidationError('INVALID_CID', field, `not a valid binary CID (${errorText(err)})`, { cause: err });
  }
  return fromCid(cid, field);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The canonical text of a binary CID read back from the store, without building a CID object:
 * the bytes were validated when written, and list() turns ~10^5 of them into text per second, so
 * the multihash views and caches CID.decode allocates per call are pure garbage here. Same text
 * as cidFromBytes(bytes).text: base58btc of the bytes for v0 (a bare sha2-256 multihash),
 * base32 multibase for v1. Anything else takes the validating path.
 */
export function cidTextFromBytes(bytes: Uint8Array, field = 'cid'): string {
  if (bytes.length === 34 && bytes[0] === 0x12 && bytes[1] === 0x20) return base58btc.baseEncode(bytes);
  if (bytes.length > 2 && bytes.length <= MAX_CID_BYTES && bytes[0] === 0x01) return base32.encode(bytes);
  return cidFromBytes(bytes, field).text;
}
