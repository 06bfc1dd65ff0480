/**
 * A bounded structural check of an Avro binary body against its writer schema, run before avsc
 * decodes it. avsc trusts block counts: five bytes announcing a map of 2^31 entries keep its
 * decoder looping long after the buffer ran out (measured: a 5-byte body never returned). The
 * scanner walks the body once without allocating, and rejects any length or count that the
 * remaining bytes cannot hold, out-of-range enum and union indexes, booleans other than 0/1,
 * over-long varints, invalid UTF-8 in strings, and trailing bytes. A body that passes decodes in
 * time linear in its size.
 */
import type { SchemaNode } from './schema-tree.js';

/** Reusable read position; `failure` says what was wrong when a scan returns false. */
export interface ScanCursor {
  buf: Uint8Array;
  pos: number;
  end: number;
  failure: string | undefined;
}

export type Scan = (c: ScanCursor) => boolean;

/** Items of zero encoded width (null, empty records) carry no bytes to bound their count; cap it. */
const MAX_ZERO_WIDTH_ITEMS = 65_536;

function fail(c: ScanCursor, what: string): false {
  c.failure = `${what} at byte ${c.pos}`;
  return false;
}

/** Reads a zig-zag varint of at most `maxBytes` bytes. NaN when truncated or too long. */
function readVarint(c: ScanCursor, maxBytes: number): number {
  const { buf, end } = c;
  let pos = c.pos;
  let n = 0;
  let scale = 1;
  for (let i = 0; i < maxBytes; i++) {
    if (pos >= end) break;
    const b = buf[pos++]!;
    n += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      c.pos = pos;
      return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
    }
    scale *= 128;
  }
  c.pos = pos;
  return NaN;
}

const scanLong: Scan = (c) => !Number.isNaN(readVarint(c, 10)) || fail(c, 'truncated or over-long long');

const scanInt: Scan = (c) => {
  const n = readVarint(c, 5);
  return (n >= -0x80000000 && n <= 0x7fffffff) || fail(c, 'truncated or out-of-range int');
};

function scanLength(c: ScanCursor, what: string): number {
  const len = readVarint(c, 10);
  if (!(len >= 0) || len > c.end - c.pos) {
    fail(c, `${what} length ${len} beyond the end of the message`);
    return -1;
  }
  return len;
}

const scanBytes: Scan = (c) => {
  const len = scanLength(c, 'bytes');
  if (len < 0) return false;
  c.pos += len;
  return true;
};

/**
 * Strict UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF) over buf[pos, stop). Inline
 * rather than node:buffer isUtf8, which needs a subarray view per string and costs more on the
 * short strings messages carry.
 */
function isUtf8Range(buf: Uint8Array, pos: number, stop: number): boolean {
  while (pos < stop) {
    const b = buf[pos]!;
    if (b < 0x80) {
      pos++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if ((b & 0xf0) === 0xe0) {
      need = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    } else {
      return false;
    }
    if (pos + need >= stop) return false;
    for (let k = 1; k <= need; k++) {
      const next = buf[pos + k]!;
      if ((next & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (next & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    pos += need + 1;
  }
  return true;
}

const scanString: Scan = (c) => {
  const len = scanLength(c, 'string');
  if (len < 0) return false;
  const stop = c.pos + len;
  if (!isUtf8Range(c.buf, c.pos, stop)) return fail(c, 'string that is not UTF-8');
  c.pos = stop;
  return true;
};

function fixedWidth(width: number, what: string): Scan {
  return (c) => {
    if (c.end - c.pos < width) return fail(c, `truncated ${what}`);
    c.pos += width;
    return true;
  };
}

const scanBoolean: Scan = (c) => {
  if (c.pos >= c.end) return fail(c, 'truncated boolean');
  const b = c.buf[c.pos]!;
  if (b > 1) return fail(c, `boolean byte ${b}`);
  c.pos++;
  return true;
};

/** Fewest bytes a value of this type can take; bounds block counts. */
function minWidth(node: SchemaNode, visiting = new Set<SchemaNode>()): number {
  switch (node.kind) {
    case 'null':
      return 0;
    case 'float':
      return 4;
    case 'double':
      return 8;
    case 'fixed':
      return node.size;
    case 'record': {
      if (visiting.has(node)) return 0;
      visiting.add(node);
      const width = node.fields.reduce((sum, f) => sum + minWidth(f.type, visiting), 0);
      visiting.delete(node);
      return width;
    }
    case 'union':
      return 1 + Math.min(...node.branches.map((b) => minWidth(b, visiting)));
    default:
      return 1;
  }
}

/** Scans array or map blocks: a count, (when negative) a byte size, then that many items. */
function blocks(item: Scan, itemWidth: number, what: string): Scan {
  return (c) => {
    let total = 0;
    for (;;) {
      let count = readVarint(c, 10);
      if (Number.isNaN(count)) return fail(c, `truncated ${what} block count`);
      if (count === 0) return true;
      let blockEnd = -1;
      if (count < 0) {
        count = -count;
        const size = scanLength(c, `${what} block`);
        if (size < 0) return false;
        blockEnd = c.pos + size;
      }
      if (itemWidth > 0 ? count * itemWidth > c.end - c.pos : total + count > MAX_ZERO_WIDTH_ITEMS) {
        return fail(c, `${what} block of ${count} items beyond the end of the message`);
      }
      total += count;
      for (let i = 0; i < count; i++) if (!item(c)) return false;
      if (blockEnd >= 0 && c.pos !== blockEnd) return fail(c, `${what} block size does not match its items`);
    }
  };
}

function indexed(count: number, what: string, next: (index: number) => Scan | undefined): Scan {
  return (c) => {
    const index = readVarint(c, 10);
    if (!(index >= 0 && index < count)) return fail(c, `${what} index ${index} out of range`);
    const scan = next(index);
    return scan === undefined || scan(c);
  };
}

/** Compiles a scanner for bodies written with `node`. Scanners are pure and reusable. */
export function compileScanner(node: SchemaNode): Scan {
  const compiled = new Map<SchemaNode, Scan>();
  const compile = (n: SchemaNode): Scan => {
    const done = compiled.get(n);
    if (done !== undefined) return done;
    let scan: Scan;
    switch (n.kind) {
      case 'null':
        scan = () => true;
        break;
      case 'boolean':
        scan = scanBoolean;
        break;
      case 'int':
        scan = scanInt;
        break;
      case 'long':
        scan = scanLong;
        break;
      case 'float':
        scan = fixedWidth(4, 'float');
        break;
      case 'double':
        scan = fixedWidth(8, 'double');
        break;
      case 'bytes':
        scan = scanBytes;
        break;
      case 'string':
        scan = scanString;
        break;
      case 'fixed':
        scan = fixedWidth(n.size, n.name);
        break;
      case 'enum':
        scan = indexed(n.symbols.length, n.name, () => undefined);
        break;
      case 'array':
        scan = blocks(compile(n.items), minWidth(n.items), 'array');
        break;
      case 'map': {
        const value = compile(n.values);
        scan = blocks((c) => scanString(c) && value(c), 1 + minWidth(n.values), 'map');
        break;
      }
      case 'union': {
        const branches = n.branches.map(compile);
        scan = indexed(branches.length, 'union', (i) => branches[i]);
        break;
      }
      case 'record': {
        // Registered before its fields compile, so a recursive record finds itself.
        const fields: Scan[] = [];
        scan = (c) => {
          for (const f of fields) if (!f(c)) return false;
          return true;
        };
        compiled.set(n, scan);
        for (const f of n.fields) fields.push(compile(f.type));
        break;
      }
    }
    compiled.set(n, scan);
    return scan;
  };
  return compile(node);
}
