/**
 * The released schemas in schemas/ (`<Family>.v<N>.avsc`, never edited once released) and the
 * registry built from them at module load. Every released version of a family is a writer schema
 * the decoders accept; CURRENT_VERSIONS says which one this code reads into and writes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PinstateError } from '../errors.js';
import { schemasDir } from '../paths.js';
import { SchemaRegistry } from './schema-registry.js';
import type { FamilyDefinition, SchemaSource } from './schema-registry.js';

export const MESSAGE_FAMILIES = ['PinIntent', 'PlacementAck', 'PlacementChange', 'PinEvent', 'PeerHeartbeat'] as const;
export type MessageFamilyName = (typeof MESSAGE_FAMILIES)[number];

/**
 * The version of each family the typed codecs map to and from. Raise it in the same change that
 * adds the schema file and teaches the codec the new fields.
 */
export const CURRENT_VERSIONS: Readonly<Record<MessageFamilyName, number>> = {
  PinIntent: 1,
  PlacementAck: 1,
  PlacementChange: 1,
  PinEvent: 1,
  PeerHeartbeat: 1,
};

const FILE_NAME = /^([A-Za-z][A-Za-z0-9]*)\.v([1-9][0-9]*)\.avsc$/;

export interface ReleasedSchema extends SchemaSource {
  readonly family: string;
  readonly version: number;
}

/** Reads every `.avsc` file of `dir`, sorted by family then version. A misnamed or unparsable file is an error. */
export function loadReleasedSchemas(dir: string = schemasDir()): ReleasedSchema[] {
  const out: ReleasedSchema[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.avsc')) continue;
    const match = FILE_NAME.exec(file);
    if (match === null) throw new PinstateError('SCHEMA_MISMATCH', `schemas/${file}: name must be <Family>.v<N>.avsc`);
    let schema: unknown;
    try {
      schema = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (err: unknown) {
      throw new PinstateError('SCHEMA_MISMATCH', `schemas/${file}: not JSON`, { cause: err });
    }
    out.push({ family: match[1]!, version: Number(match[2]), label: file, schema });
  }
  return out.sort((a, b) => a.family.localeCompare(b.family) || a.version - b.version);
}

export interface RegistryOptions {
  /** Schemas to accept beyond the released ones (tests register a would-be v2 here). */
  readonly extraWriters?: readonly ReleasedSchema[];
  /** Reader schemas to use instead of the CURRENT_VERSIONS ones. */
  readonly readers?: Partial<Readonly<Record<string, SchemaSource>>>;
  /** Defaults to the released schemas. */
  readonly released?: readonly ReleasedSchema[];
}

/** Builds a registry of every released version (plus options.extraWriters), one family per schema family. */
export function createRegistry(options: RegistryOptions = {}): SchemaRegistry {
  const all = [...(options.released ?? loadReleasedSchemas()), ...(options.extraWriters ?? [])];
  const families = [...new Set(all.map((s) => s.family))];
  const definitions: FamilyDefinition[] = families.map((name) => {
    const writers = all.filter((s) => s.family === name);
    const pinned = (CURRENT_VERSIONS as Readonly<Record<string, number>>)[name];
    const reader = options.readers?.[name] ?? (pinned === undefined ? writers.at(-1) : writers.find((s) => s.version === pinned));
    if (reader === undefined) throw new PinstateError('SCHEMA_MISMATCH', `no ${name}.v${pinned ?? '?'}.avsc to read ${name} messages with`);
    return { name, reader, writers };
  });
  for (const name of MESSAGE_FAMILIES) {
    if (!families.includes(name)) throw new PinstateError('SCHEMA_MISMATCH', `no schema for ${name}`);
  }
  return new SchemaRegistry(definitions);
}

/** The registry of the released schemas, built once at module load. */
export const releasedRegistry: SchemaRegistry = createRegistry();
