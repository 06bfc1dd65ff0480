/**
 * Avro single-object encoding (Avro spec, "Single-object encoding"): the two marker bytes C3 01,
 * the writer schema's CRC-64-AVRO fingerprint as 8 little-endian bytes, then the Avro binary body.
 * Any Avro library can find the writer schema from the header alone; no schema registry service.
 */
import { fingerprintBytes } from './fingerprint.js';

export const SINGLE_OBJECT_MAGIC: readonly [number, number] = [0xc3, 0x01];
/** Marker (2) + fingerprint (8). The body starts at this offset. */
export const SINGLE_OBJECT_HEADER_BYTES = 10;

/** The 10-byte header for messages written with the schema of this fingerprint. */
export function singleObjectHeader(fingerprint: bigint): Buffer {
  const header = Buffer.alloc(SINGLE_OBJECT_HEADER_BYTES);
  header[0] = SINGLE_OBJECT_MAGIC[0];
  header[1] = SINGLE_OBJECT_MAGIC[1];
  header.set(fingerprintBytes(fingerprint), 2);
  return header;
}

/** True when `bytes` is long enough for a header and starts with the marker. */
export function hasSingleObjectHeader(bytes: Uint8Array): boolean {
  return bytes.length >= SINGLE_OBJECT_HEADER_BYTES && bytes[0] === SINGLE_OBJECT_MAGIC[0] && bytes[1] === SINGLE_OBJECT_MAGIC[1];
}

/** Low 32 bits of the header's fingerprint (bytes 2..5, little-endian). Call after hasSingleObjectHeader. */
export function headerFingerprintLow(bytes: Uint8Array): number {
  return (bytes[2]! | (bytes[3]! << 8) | (bytes[4]! << 16) | (bytes[5]! << 24)) >>> 0;
}

/** High 32 bits of the header's fingerprint (bytes 6..9, little-endian). Call after hasSingleObjectHeader. */
export function headerFingerprintHigh(bytes: Uint8Array): number {
  return (bytes[6]! | (bytes[7]! << 8) | (bytes[8]! << 16) | (bytes[9]! << 24)) >>> 0;
}

/** The header's fingerprint as fingerprintHex prints it (bytes 2..9 in hex). Call after hasSingleObjectHeader. */
export function headerFingerprintHex(bytes: Uint8Array): string {
  let hex = '';
  for (let i = 2; i < SINGLE_OBJECT_HEADER_BYTES; i++) hex += bytes[i]!.toString(16).padStart(2, '0');
  return hex;
}

/**
 * For dead-letter diagnostics: the writer-schema fingerprint of a single-object message as 16 hex
 * digits in wire order (see fingerprintHex; docs/schemas.md lists each schema's), or null when
 * the bytes do not start with the single-object header. Never throws.
 */
export function fingerprintOf(bytes: unknown): string | null {
  if (!(bytes instanceof Uint8Array) || !hasSingleObjectHeader(bytes)) return null;
  return headerFingerprintHex(bytes);
}
