/**
 * How pinstate builds avsc types. One place for the options, and for the one avsc behaviour
 * pinstate changes: map decoding.
 */
import avsc from 'avsc';
import type { Type } from 'avsc';

type AvroSchema = Parameters<typeof avsc.Type.forSchema>[0];

/** The part of avsc's internal Tap that map reading uses. */
interface Tap {
  readLong(): number;
  skipLong(): void;
  readString(): string;
}
interface Reader {
  _read(tap: Tap): unknown;
}

/**
 * avsc reads maps with `obj[key] = value` on a plain object, so a "__proto__" key (legal
 * metadata, kept as data by validatePinSpec) silently vanished. This map type defines that one
 * key as an own property instead. Resolvers reuse `_read` with `this` bound to the resolver,
 * whose `valuesType` is the values' resolver, so it serves both paths.
 */
class OwnKeysMapType extends avsc.types.MapType {
  _read(this: { valuesType: Reader }, tap: Tap): Record<string, unknown> {
    const values = this.valuesType;
    const map: Record<string, unknown> = {};
    let n: number;
    while ((n = tap.readLong()) !== 0) {
      if (n < 0) {
        n = -n;
        tap.skipLong(); // block size in bytes
      }
      for (; n > 0; n--) {
        const key = tap.readString();
        const value = values._read(tap);
        if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
        else map[key] = value;
      }
    }
    return map;
  }
}

/**
 * Builds an avsc type. Unions whose branches avsc cannot tell apart by value (the intent's three
 * op records) are wrapped as `{ "io.pinstate.v1.UpsertPin": {...} }`; nullable fields stay plain
 * `T | null`. No logical types are registered, so timestamp-millis longs stay numbers (ms), never
 * Dates. Each schema gets its own name registry (avsc would otherwise collect names in a shared
 * options object).
 */
export function avscType(schema: unknown): Type {
  return avsc.Type.forSchema(schema as AvroSchema, {
    wrapUnions: 'auto',
    omitRecordMethods: true,
    registry: {},
    typeHook: (s: unknown, opts: unknown) => {
      if (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'map') return new OwnKeysMapType(s as AvroSchema, opts);
      return undefined;
    },
  });
}
