/**
 * CRC-64-AVRO, the 64-bit Rabin fingerprint the Avro specification defines for schemas
 * ("Schema Fingerprints"). Single-object encoding carries it, little-endian, in every message.
 * avsc 5.7 only offers crypto hashes (md5, sha256) through `Type#fingerprint`, hence this file.
 * It runs once per schema at start-up, so BigInt's clarity wins over speed here.
 */

/** The spec's EMPTY constant: the fingerprint of zero bytes, and the polynomial. */
const EMPTY = 0xc15d213aa4d7a795n;

const TABLE: BigUint64Array = (() => {
  const table = new BigUint64Array(256);
  for (let i = 0; i < 256; i++) {
    let fp = BigInt(i);
    for (let j = 0; j < 8; j++) fp = (fp >> 1n) ^ (EMPTY & -(fp & 1n));
    table[i] = fp;
  }
  return table;
})();

/** CRC-64-AVRO of `bytes`, as an unsigned 64-bit value. */
export function crc64Avro(bytes: Uint8Array): bigint {
  let fp = EMPTY;
  for (const b of bytes) fp = (fp >> 8n) ^ TABLE[Number((fp ^ BigInt(b)) & 0xffn)]!;
  return fp;
}

/** CRC-64-AVRO of a schema's Parsing Canonical Form (UTF-8). */
export function schemaFingerprint(canonicalForm: string): bigint {
  return crc64Avro(new TextEncoder().encode(canonicalForm));
}

/**
 * A fingerprint as 16 lowercase hex digits in wire order: the hex of the 8 little-endian bytes
 * single-object encoding writes (bytes 2..9 of every message), which is also how Java's
 * `SchemaNormalization.parsingFingerprint("CRC-64-AVRO", s)` byte array and fastavro print it.
 * The 64-bit value itself reads the other way round: "null" is 0x63dd24e7cc258f8a, "8a8f25cce724dd63" here.
 */
export function fingerprintHex(fp: bigint): string {
  return Buffer.from(fingerprintBytes(fp)).toString('hex');
}

/** The fingerprint as the 8 little-endian bytes single-object encoding writes. */
export function fingerprintBytes(fp: bigint): Uint8Array {
  const out = new Uint8Array(8);
  for (let i = 0; i < 8; i++) out[i] = Number((fp >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The Avro spec's signed-decimal notation (Java `long`), for comparing with published test vectors. */
export function fingerprintSigned(fp: bigint): bigint {
  return BigInt.asIntN(64, fp);
}
