/**
 * A schema reduced to what decides its binary layout, with every name made full: the input to
 * Avro's Parsing Canonical Form (hence the fingerprint) and to the body scanner. Built from the
 * schema's JSON, independently of avsc, so the fingerprint does not hang on a library's internals.
 */
import { PinstateError } from '../errors.js';

export const PRIMITIVE_KINDS = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
export type PrimitiveKind = (typeof PRIMITIVE_KINDS)[number];

export interface PrimitiveNode {
  readonly kind: PrimitiveKind;
}
export interface RecordNode {
  readonly kind: 'record';
  readonly name: string;
  /** Filled after the name is registered, so a record may refer to itself. */
  readonly fields: { readonly name: string; readonly type: SchemaNode }[];
}
export interface EnumNode {
  readonly kind: 'enum';
  readonly name: string;
  readonly symbols: readonly string[];
}
export interface FixedNode {
  readonly kind: 'fixed';
  readonly name: string;
  readonly size: number;
}
export interface ArrayNode {
  readonly kind: 'array';
  readonly items: SchemaNode;
}
export interface MapNode {
  readonly kind: 'map';
  readonly values: SchemaNode;
}
export interface UnionNode {
  readonly kind: 'union';
  readonly branches: readonly SchemaNode[];
}
export type SchemaNode = PrimitiveNode | RecordNode | EnumNode | FixedNode | ArrayNode | MapNode | UnionNode;
type NamedNode = RecordNode | EnumNode | FixedNode;

const PRIMITIVES: ReadonlySet<string> = new Set(PRIMITIVE_KINDS);

function invalid(message: string): PinstateError {
  return new PinstateError('SCHEMA_MISMATCH', `invalid Avro schema: ${message}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class TreeBuilder {
  private readonly named = new Map<string, NamedNode>();

  build(schema: unknown, namespace: string): SchemaNode {
    if (typeof schema === 'string') return this.reference(schema, namespace);
    if (Array.isArray(schema)) return { kind: 'union', branches: schema.map((b) => this.build(b, namespace)) };
    if (!isObject(schema)) throw invalid(`unexpected ${JSON.stringify(schema)}`);
    const type = schema['type'];
    if (typeof type !== 'string') return this.build(type, namespace);
    switch (type) {
      case 'record':
      case 'error': {
        const { name, inner } = this.fullName(schema, namespace);
        const node: RecordNode = { kind: 'record', name, fields: [] };
        this.define(node);
        const fields = schema['fields'];
        if (!Array.isArray(fields)) throw invalid(`record ${name} has no fields array`);
        for (const field of fields as unknown[]) {
          if (!isObject(field) || typeof field['name'] !== 'string') throw invalid(`record ${name} has a field without a name`);
          node.fields.push({ name: field['name'], type: this.build(field['type'], inner) });
        }
        return node;
      }
      case 'enum': {
        const { name } = this.fullName(schema, namespace);
        const symbols = schema['symbols'];
        if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === 'string')) throw invalid(`enum ${name} has no symbols`);
        const node: EnumNode = { kind: 'enum', name, symbols };
        this.define(node);
        return node;
      }
      case 'fixed': {
        const { name } = this.fullName(schema, namespace);
        const size = Number(schema['size']);
        if (!Number.isSafeInteger(size) || size < 0) throw invalid(`fixed ${name} has no valid size`);
        const node: FixedNode = { kind: 'fixed', name, size };
        this.define(node);
        return node;
      }
      case 'array':
        return { kind: 'array', items: this.build(schema['items'], namespace) };
      case 'map':
        return { kind: 'map', values: this.build(schema['values'], namespace) };
      default:
        // {"type": "long", "logicalType": ...} and friends: attributes beyond the type do not
        // change the layout, and Parsing Canonical Form drops them.
        return this.reference(type, namespace);
    }
  }

  private reference(name: string, namespace: string): SchemaNode {
    if (PRIMITIVES.has(name)) return { kind: name as PrimitiveKind };
    const full = name.includes('.') || namespace === '' ? name : `${namespace}.${name}`;
    const node = this.named.get(full) ?? this.named.get(name);
    if (node === undefined) throw invalid(`unknown type ${JSON.stringify(name)}`);
    return node;
  }

  /** Full name of a named type, and the namespace its nested definitions inherit. */
  private fullName(schema: Record<string, unknown>, enclosing: string): { name: string; inner: string } {
    const name = schema['name'];
    if (typeof name !== 'string' || name === '') throw invalid('named type without a name');
    const ns = schema['namespace'];
    let full: string;
    if (name.includes('.')) full = name;
    else if (typeof ns === 'string') full = ns === '' ? name : `${ns}.${name}`;
    else full = enclosing === '' ? name : `${enclosing}.${name}`;
    const dot = full.lastIndexOf('.');
    return { name: full, inner: dot < 0 ? '' : full.slice(0, dot) };
  }

  private define(node: NamedNode): void {
    if (this.named.has(node.name)) throw invalid(`type ${node.name} is defined twice`);
    this.named.set(node.name, node);
  }
}

/** Parses an Avro schema (its JSON value) into a layout tree. Throws PinstateError('SCHEMA_MISMATCH') on a malformed schema. */
export function parseSchemaTree(schema: unknown): SchemaNode {
  return new TreeBuilder().build(schema, '');
}

/**
 * The schema's Parsing Canonical Form (Avro spec, "Parsing Canonical Form for Schemas"): full
 * names, only the attributes that affect parsing, in the order name, type, fields, symbols,
 * items, values, size, no whitespace, and a named type spelled out only at its first use.
 */
export function canonicalForm(node: SchemaNode): string {
  const seen = new Set<string>();
  const str = (s: string): string => JSON.stringify(s);
  const emit = (n: SchemaNode): string => {
    switch (n.kind) {
      case 'union':
        return `[${n.branches.map(emit).join(',')}]`;
      case 'array':
        return `{"type":"array","items":${emit(n.items)}}`;
      case 'map':
        return `{"type":"map","values":${emit(n.values)}}`;
      case 'record':
      case 'enum':
      case 'fixed': {
        if (seen.has(n.name)) return str(n.name);
        seen.add(n.name);
        const head = `{"name":${str(n.name)},"type":"${n.kind}"`;
        if (n.kind === 'record') return `${head},"fields":[${n.fields.map((f) => `{"name":${str(f.name)},"type":${emit(f.type)}}`).join(',')}]}`;
        if (n.kind === 'enum') return `${head},"symbols":[${n.symbols.map(str).join(',')}]}`;
        return `${head},"size":${n.size}}`;
      }
      default:
        return str(n.kind);
    }
  };
  return emit(node);
}
