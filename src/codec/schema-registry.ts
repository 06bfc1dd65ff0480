/**
 * Every schema version pinstate knows, grouped by message family (one family per topic value:
 * PinIntent, PlacementAck...). A family reads and writes with one reader schema (the newest this
 * code understands) and accepts bytes written with any of its writer schemas, found by the
 * fingerprint in the single-object header and resolved to the reader with Avro's rules.
 * Types, scanners and resolvers are all built at construction: decoding allocates none of them.
 */
import type { Type } from 'avsc';
import { PinstateError, ValidationError } from '../errors.js';
import { avscType } from './avsc-types.js';
import { compileScanner } from './body-scanner.js';
import type { Scan, ScanCursor } from './body-scanner.js';
import { fingerprintHex, schemaFingerprint } from './fingerprint.js';
import { canonicalForm, parseSchemaTree } from './schema-tree.js';
import { SINGLE_OBJECT_HEADER_BYTES, SINGLE_OBJECT_MAGIC, headerFingerprintHex, headerFingerprintHigh, headerFingerprintLow, singleObjectHeader } from './single-object.js';

type Resolver = ReturnType<Type['createResolver']>;

/** A schema and a label for messages (`PinIntent.v1.avsc`). */
export interface SchemaSource {
  readonly label: string;
  /** The schema's JSON value (a parsed .avsc file). */
  readonly schema: unknown;
}

export interface FamilyDefinition {
  /** Family name; every version's top-level record must carry it as its (unqualified) name. */
  readonly name: string;
  /** What decode produces and encode writes. */
  readonly reader: SchemaSource;
  /** Every schema messages of this family may have been written with; the reader is added if missing. */
  readonly writers: readonly SchemaSource[];
}

/** One parsed schema version. */
export interface SchemaVersion {
  readonly family: string;
  readonly label: string;
  readonly schema: unknown;
  readonly type: Type;
  readonly canonicalForm: string;
  readonly fingerprint: bigint;
  /** 16 hex digits in wire order (see fingerprintHex). */
  readonly fingerprintHex: string;
}

interface WriterEntry {
  readonly version: SchemaVersion;
  readonly low: number;
  readonly high: number;
  readonly scan: Scan;
  /** Undefined when the writer's canonical form is the reader's: no resolution needed. */
  readonly resolver: Resolver | undefined;
}

/** Messages past this size get a one-off encode buffer instead of growing the shared one. */
const MAX_SCRATCH_BYTES = 1 << 20;
const EMPTY = Buffer.alloc(0);

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parseVersion(family: string, source: SchemaSource): SchemaVersion {
  const tree = parseSchemaTree(source.schema);
  if (tree.kind !== 'record' || tree.name.slice(tree.name.lastIndexOf('.') + 1) !== family) {
    throw new PinstateError('SCHEMA_MISMATCH', `${source.label}: top-level type must be a record named ${family}`);
  }
  let type: Type;
  try {
    type = avscType(source.schema);
  } catch (err: unknown) {
    throw new PinstateError('SCHEMA_MISMATCH', `${source.label}: ${errorText(err)}`, { cause: err });
  }
  const form = canonicalForm(tree);
  const fingerprint = schemaFingerprint(form);
  return { family, label: source.label, schema: source.schema, type, canonicalForm: form, fingerprint, fingerprintHex: fingerprintHex(fingerprint) };
}

/** One message family: encode with the reader schema, decode from any known writer schema. */
export class MessageFamily {
  readonly name: string;
  readonly reader: SchemaVersion;
  readonly writers: readonly SchemaVersion[];
  private readonly entries: readonly WriterEntry[];
  private readonly ownerOf: (fingerprintHex: string) => string | undefined;
  private readonly cursor: ScanCursor = { buf: EMPTY, pos: 0, end: 0, failure: undefined };
  /** Shared encode buffer whose first 10 bytes always hold the reader's header. */
  private scratch: Buffer;

  /** Use SchemaRegistry; `ownerOf` names the family a foreign fingerprint belongs to. */
  constructor(definition: FamilyDefinition, ownerOf: (fingerprintHex: string) => string | undefined) {
    this.name = definition.name;
    this.ownerOf = ownerOf;
    this.reader = parseVersion(definition.name, definition.reader);
    const versions = new Map<string, SchemaVersion>([[this.reader.fingerprintHex, this.reader]]);
    for (const source of definition.writers) {
      const version = parseVersion(definition.name, source);
      if (!versions.has(version.fingerprintHex)) versions.set(version.fingerprintHex, version);
    }
    this.writers = [...versions.values()];
    this.entries = this.writers.map((version) => this.entryFor(version));
    this.scratch = this.newScratch(4096);
  }

  private entryFor(version: SchemaVersion): WriterEntry {
    let resolver: Resolver | undefined;
    if (version !== this.reader) {
      try {
        resolver = this.reader.type.createResolver(version.type);
      } catch (err: unknown) {
        throw new PinstateError('SCHEMA_MISMATCH', `${this.reader.label} cannot read data written with ${version.label}: ${errorText(err)}`, { cause: err });
      }
    }
    const fp = version.fingerprint;
    return {
      version,
      low: Number(fp & 0xffffffffn),
      high: Number(fp >> 32n),
      scan: compileScanner(parseSchemaTree(version.schema)),
      resolver,
    };
  }

  private newScratch(size: number): Buffer {
    const buf = Buffer.allocUnsafe(size);
    singleObjectHeader(this.reader.fingerprint).copy(buf, 0);
    return buf;
  }

  /**
   * Encodes an Avro value of the reader schema (field names as in the schema) as a single-object
   * message. Throws ValidationError('INVALID_FIELD') naming the Avro path of a value that does
   * not fit the schema.
   */
  encode(value: unknown): Buffer {
    let buf = this.scratch;
    for (;;) {
      let end: number;
      try {
        end = this.reader.type.encode(value, buf, SINGLE_OBJECT_HEADER_BYTES);
      } catch (err: unknown) {
        throw this.encodeError(value, err);
      }
      if (end >= 0) {
        const out = Buffer.allocUnsafe(end);
        buf.copy(out, 0, 0, end);
        return out;
      }
      // encode returns minus the bytes missing.
      const size = Math.max(buf.length * 2, buf.length - end);
      buf = this.newScratch(size);
      if (size <= MAX_SCRATCH_BYTES) this.scratch = buf;
    }
  }

  private encodeError(value: unknown, err: unknown): PinstateError {
    let path = '';
    this.reader.type.isValid(value, {
      errorHook: (p: string[]) => {
        if (path === '') path = p.join('.');
      },
    });
    return new ValidationError('INVALID_FIELD', path === '' ? this.name : path, `does not fit the ${this.reader.label} schema (${errorText(err)})`, { cause: err });
  }

  /**
   * Decodes a single-object message into an Avro value of the reader schema. Throws only
   * PinstateError: UNDECODABLE (short, no marker, malformed or trailing bytes), WRONG_SCHEMA (a
   * schema of another family), UNKNOWN_FINGERPRINT (a schema nobody registered).
   */
  decode(bytes: Uint8Array): unknown {
    if (!(bytes instanceof Uint8Array)) throw this.undecodable('expected bytes');
    if (bytes.length < SINGLE_OBJECT_HEADER_BYTES) throw this.undecodable(`${bytes.length} bytes is shorter than the 10-byte single-object header`);
    if (bytes[0] !== SINGLE_OBJECT_MAGIC[0] || bytes[1] !== SINGLE_OBJECT_MAGIC[1]) throw this.undecodable('no single-object marker C3 01');
    const low = headerFingerprintLow(bytes);
    const high = headerFingerprintHigh(bytes);
    let entry: WriterEntry | undefined;
    for (const e of this.entries) {
      if (e.low === low && e.high === high) {
        entry = e;
        break;
      }
    }
    if (entry === undefined) throw this.unknownWriter(headerFingerprintHex(bytes));

    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const c = this.cursor;
    c.buf = buf;
    c.pos = SINGLE_OBJECT_HEADER_BYTES;
    c.end = buf.length;
    c.failure = undefined;
    let scanned: boolean;
    try {
      scanned = entry.scan(c);
    } catch (err: unknown) {
      // Only a recursive schema could overflow the stack; ours are not, but stay total.
      scanned = false;
      c.failure = errorText(err);
    } finally {
      c.buf = EMPTY;
    }
    if (!scanned) throw this.undecodable(`malformed ${entry.version.label} body: ${c.failure ?? 'unknown failure'}`, entry.version);
    if (c.pos !== c.end) throw this.undecodable(`${c.end - c.pos} trailing bytes after the ${entry.version.label} body`, entry.version);

    let result: { value: unknown; offset: number };
    try {
      result = this.reader.type.decode(buf, SINGLE_OBJECT_HEADER_BYTES, entry.resolver);
    } catch (err: unknown) {
      throw this.undecodable(`malformed ${entry.version.label} body: ${errorText(err)}`, entry.version, err);
    }
    if (result.offset !== buf.length) throw this.undecodable(`malformed ${entry.version.label} body`, entry.version);
    return result.value;
  }

  private unknownWriter(hex: string): PinstateError {
    const owner = this.ownerOf(hex);
    if (owner !== undefined) {
      return new PinstateError('WRONG_SCHEMA', `expected a ${this.name} message, got a ${owner} message (schema fingerprint ${hex})`, {
        details: { family: this.name, actualFamily: owner, fingerprint: hex },
      });
    }
    return new PinstateError('UNKNOWN_FINGERPRINT', `no known ${this.name} schema has fingerprint ${hex}`, {
      details: { family: this.name, fingerprint: hex },
    });
  }

  private undecodable(reason: string, version?: SchemaVersion, cause?: unknown): PinstateError {
    return new PinstateError('UNDECODABLE', `undecodable ${this.name} message: ${reason}`, {
      cause,
      details: version === undefined ? { family: this.name } : { family: this.name, fingerprint: version.fingerprintHex, schema: version.label },
    });
  }
}

/** Every family pinstate reads or writes. Build once at start-up; construction fails on any schema problem. */
export class SchemaRegistry {
  private readonly byName = new Map<string, MessageFamily>();
  private readonly owners = new Map<string, string>();

  constructor(definitions: readonly FamilyDefinition[]) {
    const ownerOf = (hex: string): string | undefined => this.owners.get(hex);
    for (const definition of definitions) {
      if (this.byName.has(definition.name)) throw new PinstateError('SCHEMA_MISMATCH', `family ${definition.name} is defined twice`);
      const family = new MessageFamily(definition, ownerOf);
      for (const version of family.writers) {
        const other = this.owners.get(version.fingerprintHex);
        if (other !== undefined) {
          throw new PinstateError('SCHEMA_MISMATCH', `${version.label} has the fingerprint of a ${other} schema (${version.fingerprintHex})`);
        }
        this.owners.set(version.fingerprintHex, family.name);
      }
      this.byName.set(family.name, family);
    }
  }

  /** The family of this name; throws PinstateError('SCHEMA_MISMATCH') if none was registered. */
  family(name: string): MessageFamily {
    const family = this.byName.get(name);
    if (family === undefined) throw new PinstateError('SCHEMA_MISMATCH', `no schema family ${name} is registered`);
    return family;
  }

  get families(): readonly MessageFamily[] {
    return [...this.byName.values()];
  }

  /** The schema version with this fingerprint (16 hex digits), in any family. */
  versionOf(fingerprintHex: string): SchemaVersion | undefined {
    const owner = this.owners.get(fingerprintHex);
    return owner === undefined ? undefined : this.byName.get(owner)?.writers.find((v) => v.fingerprintHex === fingerprintHex);
  }
}
