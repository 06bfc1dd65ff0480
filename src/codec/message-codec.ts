/**
 * A typed codec: domain value ⇄ Avro value of the family's reader schema ⇄ single-object bytes.
 * Encoding checks only that values fit the schema; decoding is the trust boundary and validates
 * the domain (CIDs, peers, states, limits), throwing the ValidationError that names the field.
 */
import { PinstateError } from '../errors.js';
import type { MessageFamily } from './schema-registry.js';
import { mapDecoded } from './wire-checks.js';

export interface MessageCodec<T> {
  readonly family: MessageFamily;
  /** Single-object bytes written with the family's reader schema. */
  encode(value: T): Buffer;
  /** Decodes and validates. Throws only PinstateError (UNDECODABLE, UNKNOWN_FINGERPRINT, WRONG_SCHEMA, or a ValidationError code). */
  decode(bytes: Uint8Array): T;
}

/** Wires a family to its mapping functions. `name` must be the family's name (guards against a mix-up). */
export function defineCodec<T, A>(family: MessageFamily, name: string, toAvro: (value: T) => A, fromAvro: (raw: A) => T): MessageCodec<T> {
  if (family.name !== name) throw new PinstateError('SCHEMA_MISMATCH', `a ${name} codec needs the ${name} family, not ${family.name}`);
  return {
    family,
    encode: (value: T): Buffer => family.encode(toAvro(value)),
    decode: (bytes: Uint8Array): T => mapDecoded(family.decode(bytes) as A, name, fromAvro),
  };
}
