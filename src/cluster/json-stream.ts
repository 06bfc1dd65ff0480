/**
 * Reads "any whitespace-separated stream of JSON objects": what `ipfs-cluster-service state import`
 * accepts through Go's json.Decoder. That covers the NDJSON `state export` writes, pretty-printed
 * objects and several objects on one line.
 *
 * Unlike Go's decoder it does not stop at the first bad object: it reports it and resynchronises,
 * so the caller chooses strict (stop at the first error record) or lenient (skip and count).
 * Memory is bounded by the largest object allowed plus one input chunk: text is buffered only while
 * inside an object, and an oversized object is skipped by scanning, never held.
 */
import { ValidationError } from '../errors.js';

/** Default largest object: 1 MiB of UTF-8. IPFS Cluster's pins are a few hundred bytes. */
export const DEFAULT_MAX_OBJECT_BYTES = 1024 * 1024;
/** Default deepest nesting of arrays and objects. An api.Pin nests three levels. */
export const DEFAULT_MAX_NESTING = 64;

export interface ReadJsonObjectsOptions {
  /** Largest object in UTF-8 bytes; a larger one yields an OVERSIZED_VALUE error record and is skipped. Default 1 MiB. */
  readonly maxObjectBytes?: number;
  /** Deepest nesting of arrays and objects inside one top-level object. Default 64. */
  readonly maxNesting?: number;
  /** Attach each object's source text as `raw` (for error reports, dead letters). Default false. */
  readonly includeRaw?: boolean;
}

/** A decoded top-level object and the 1-based line where it starts. */
export interface JsonValueRecord {
  readonly value: unknown;
  readonly line: number;
  readonly raw?: string;
}

/**
 * Input that is not a JSON object: `line` is where the bad object starts (or where the stray text
 * is). `error.code` is UNDECODABLE or OVERSIZED_VALUE, `error.field` is `$` and `error.details`
 * carries `line`, `errorLine` and `column` (1-based, in UTF-16 code units) of the fault.
 */
export interface JsonErrorRecord {
  readonly error: ValidationError;
  readonly line: number;
}

export type JsonStreamRecord = JsonValueRecord | JsonErrorRecord;

export function isJsonErrorRecord(record: JsonStreamRecord): record is JsonErrorRecord {
  return 'error' in record;
}

/**
 * Yields each top-level JSON object of `input` with the line it starts on, and an error record for
 * each stretch of input that is not one.
 *
 * After an error the reader skips to the next line whose first non-blank character is `{` (or
 * restarts at once when the fault itself is such a `{`, as in a truncated NDJSON line followed by a
 * good one). Top-level values other than objects (arrays, scalars) are errors, as they are for
 * IPFS Cluster's importer. Bytes are decoded as UTF-8 across chunk boundaries; invalid bytes become
 * U+FFFD, as Go does; a leading byte-order mark is skipped.
 */
export async function* readJsonObjects(
  input: AsyncIterable<Uint8Array | string>,
  options: ReadJsonObjectsOptions = {},
): AsyncGenerator<JsonStreamRecord, void, undefined> {
  const scanner = new JsonObjectScanner(options);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    // A string chunk after bytes first flushes any partial UTF-8 sequence the decoder holds.
    const text = typeof chunk === 'string' ? decoder.decode() + chunk : decoder.decode(chunk, { stream: true });
    yield* scanner.push(text);
  }
  yield* scanner.push(decoder.decode());
  yield* scanner.end();
}

type Mode =
  /** Between objects: whitespace or `{`; anything else is an error. */
  | 'between'
  /** Inside an object, buffering its text. */
  | 'object'
  /** Inside an oversized object (already reported): scanning to its end without buffering. */
  | 'skip'
  /** After an error: discarding the rest of the line. */
  | 'resync'
  /** After an error, at the start of a line: `{` starts an object, anything else goes back to resync. */
  | 'lineStart';

/** What the tokenizer expects next (outside a string, number or literal). */
type Expect = 'value' | 'valueOrEnd' | 'keyOrEnd' | 'key' | 'colon' | 'commaOrEnd';

/** States of the JSON number grammar; the accepting ones are zero, int, frac and exp. */
type NumState = 'sign' | 'zero' | 'int' | 'dot' | 'frac' | 'e' | 'esign' | 'exp';

const LITERALS = { t: 'true', f: 'false', n: 'null' } as const;

class ScanError extends Error {}

/** A push-style, resynchronising scanner of top-level JSON objects. One instance per stream. */
class JsonObjectScanner {
  private readonly maxBytes: number;
  private readonly maxNesting: number;
  private readonly includeRaw: boolean;

  private mode: Mode = 'between';
  private line = 1;
  private column = 0;
  private lineHasContent = false;
  private atStreamStart = true;

  // The current object.
  private startLine = 0;
  private bytes = 0;
  private parts: string[] = [];
  private segStart = -1;
  private stack: boolean[] = []; // true = array
  private expect: Expect = 'value';
  private inString = false;
  private stringIsKey = false;
  private escape = false;
  private hexLeft = 0;
  private num: NumState | null = null;
  private literal = '';
  private literalAt = 0;

  constructor(options: ReadJsonObjectsOptions) {
    this.maxBytes = options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
    this.maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
    this.includeRaw = options.includeRaw ?? false;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 2) throw new RangeError('maxObjectBytes must be an integer ≥ 2');
    if (!Number.isSafeInteger(this.maxNesting) || this.maxNesting < 1) throw new RangeError('maxNesting must be an integer ≥ 1');
  }

  /** Scans one piece of text; returns the records completed in it. */
  push(text: string): JsonStreamRecord[] {
    const out: JsonStreamRecord[] = [];
    if (this.mode === 'object') this.segStart = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.atStreamStart) {
        this.atStreamStart = false;
        if (c === 0xfeff) continue;
      }
      this.column++;
      const hadContent = this.lineHasContent;
      if (!isWhitespace(c)) this.lineHasContent = true;
      this.step(text, i, c, hadContent, out);
      if (c === 0x0a) {
        this.line++;
        this.column = 0;
        this.lineHasContent = false;
      }
    }
    if (this.mode === 'object' && this.segStart >= 0) this.parts.push(text.slice(this.segStart));
    this.segStart = -1;
    return out;
  }

  /** Ends the stream: an unfinished object is an error. */
  end(): JsonStreamRecord[] {
    if (this.mode !== 'object') return [];
    this.mode = 'between';
    this.parts = [];
    const message = `unexpected end of input: the object starting at line ${this.startLine} is incomplete`;
    return [this.errorRecord('UNDECODABLE', message)];
  }

  private step(text: string, i: number, c: number, hadContent: boolean, out: JsonStreamRecord[]): void {
    switch (this.mode) {
      case 'resync':
        if (c === 0x0a) this.mode = 'lineStart';
        return;
      case 'lineStart':
        if (c === 0x7b) this.startObject(i);
        else if (!isWhitespace(c)) this.mode = 'resync';
        return;
      case 'between':
        if (c === 0x7b) this.startObject(i);
        else if (!isWhitespace(c)) {
          const hint = c === 0x5b ? " (a JSON array is not a stream of objects; IPFS Cluster's importer refuses it too: unwrap it with jq -c '.[]')" : '';
          out.push(this.errorRecord('UNDECODABLE', `expected '{' to start a JSON object, found ${quoted(c)}${hint}`, this.line));
          this.mode = 'resync';
        }
        return;
      case 'object':
      case 'skip':
        break;
    }

    if (this.mode === 'object') {
      this.bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 2 : 3;
      if (this.bytes > this.maxBytes) {
        out.push(this.errorRecord('OVERSIZED_VALUE', `the object starting at line ${this.startLine} is larger than ${this.maxBytes} bytes; skipped`));
        this.mode = 'skip';
        this.parts = [];
        this.segStart = -1;
      }
    }

    let done: boolean;
    try {
      done = this.token(c);
    } catch (err: unknown) {
      if (!(err instanceof ScanError)) throw err;
      if (this.mode === 'object') out.push(this.errorRecord('UNDECODABLE', `malformed JSON at line ${this.line} column ${this.column}: ${err.message}`));
      this.parts = [];
      this.segStart = -1;
      // A `{` opening its line after a truncated object is most likely the next object.
      if (c === 0x7b && !hadContent) this.startObject(i);
      else this.mode = c === 0x0a ? 'lineStart' : 'resync';
      return;
    }
    if (!done) return;

    if (this.mode === 'object') {
      const raw = this.parts.join('') + text.slice(this.segStart, i + 1);
      out.push(this.valueRecord(raw));
    }
    this.mode = 'between';
    this.parts = [];
    this.segStart = -1;
  }

  private startObject(i: number): void {
    this.mode = 'object';
    this.startLine = this.line;
    this.bytes = 1;
    this.parts = [];
    this.segStart = i;
    this.stack = [false];
    this.expect = 'keyOrEnd';
    this.inString = false;
    this.escape = false;
    this.hexLeft = 0;
    this.num = null;
    this.literal = '';
  }

  /** Feeds one UTF-16 code unit to the tokenizer. True when it closes the top-level object. */
  private token(c: number): boolean {
    if (this.inString) {
      this.stringChar(c);
      return false;
    }
    if (this.num !== null) {
      if (this.numberChar(c)) return false;
      if (this.num !== 'zero' && this.num !== 'int' && this.num !== 'frac' && this.num !== 'exp') throw new ScanError('incomplete number');
      this.num = null;
      this.afterValue();
    }
    if (this.literal !== '') {
      if (c !== this.literal.charCodeAt(this.literalAt)) throw new ScanError(`invalid literal (expected ${this.literal})`);
      this.literalAt++;
      if (this.literalAt === this.literal.length) {
        this.literal = '';
        this.afterValue();
      }
      return false;
    }
    if (isWhitespace(c)) return false;
    switch (this.expect) {
      case 'value':
      case 'valueOrEnd':
        if (c === 0x5d && this.expect === 'valueOrEnd') return this.close(true);
        this.startValue(c);
        return false;
      case 'keyOrEnd':
      case 'key':
        if (c === 0x7d && this.expect === 'keyOrEnd') return this.close(false);
        if (c !== 0x22) throw new ScanError(`expected a string key, found ${quoted(c)}`);
        this.inString = true;
        this.stringIsKey = true;
        return false;
      case 'colon':
        if (c !== 0x3a) throw new ScanError(`expected ':', found ${quoted(c)}`);
        this.expect = 'value';
        return false;
      case 'commaOrEnd': {
        const inArray = this.stack[this.stack.length - 1] === true;
        if (c === 0x2c) {
          this.expect = inArray ? 'value' : 'key';
          return false;
        }
        if (c === (inArray ? 0x5d : 0x7d)) return this.close(inArray);
        throw new ScanError(`expected ',' or '${inArray ? ']' : '}'}', found ${quoted(c)}`);
      }
    }
  }

  private startValue(c: number): void {
    const ch = String.fromCharCode(c);
    if (c === 0x7b || c === 0x5b) {
      if (this.stack.length >= this.maxNesting) throw new ScanError(`nested deeper than ${this.maxNesting} levels`);
      this.stack.push(c === 0x5b);
      this.expect = c === 0x5b ? 'valueOrEnd' : 'keyOrEnd';
    } else if (c === 0x22) {
      this.inString = true;
      this.stringIsKey = false;
    } else if (c === 0x2d) {
      this.num = 'sign';
    } else if (c >= 0x30 && c <= 0x39) {
      this.num = c === 0x30 ? 'zero' : 'int';
    } else if (ch === 't' || ch === 'f' || ch === 'n') {
      this.literal = LITERALS[ch];
      this.literalAt = 1;
    } else {
      throw new ScanError(`expected a value, found ${quoted(c)}`);
    }
  }

  private stringChar(c: number): void {
    if (this.hexLeft > 0) {
      if (!isHexDigit(c)) throw new ScanError('invalid \\u escape in a string');
      this.hexLeft--;
    } else if (this.escape) {
      this.escape = false;
      if (c === 0x75) this.hexLeft = 4;
      else if (!ESCAPABLE.has(c)) throw new ScanError(`invalid escape \\${String.fromCharCode(c)} in a string`);
    } else if (c === 0x5c) {
      this.escape = true;
    } else if (c === 0x22) {
      this.inString = false;
      if (this.stringIsKey) this.expect = 'colon';
      else this.afterValue();
    } else if (c < 0x20) {
      throw new ScanError(c === 0x0a ? 'line break inside a string (truncated line?)' : 'control character inside a string');
    }
  }

  /** True when `c` continues the number; false when it ends it (the caller then checks the state). */
  private numberChar(c: number): boolean {
    const digit = c >= 0x30 && c <= 0x39;
    const s = this.num;
    let next: NumState | null = null;
    if (digit) {
      if (s === 'sign') next = c === 0x30 ? 'zero' : 'int';
      else if (s === 'int' || s === 'frac' || s === 'exp') next = s;
      else if (s === 'dot') next = 'frac';
      else if (s === 'e' || s === 'esign') next = 'exp';
      else throw new ScanError('leading zero in a number');
    } else if (c === 0x2e) {
      if (s === 'zero' || s === 'int') next = 'dot';
      else throw new ScanError("misplaced '.' in a number");
    } else if (c === 0x65 || c === 0x45) {
      if (s === 'zero' || s === 'int' || s === 'frac') next = 'e';
      else throw new ScanError("misplaced 'e' in a number");
    } else if (c === 0x2b || c === 0x2d) {
      if (s === 'e') next = 'esign';
      else throw new ScanError(`misplaced '${String.fromCharCode(c)}' in a number`);
    } else {
      return false;
    }
    this.num = next;
    return true;
  }

  private close(isArray: boolean): boolean {
    if (this.stack.pop() !== isArray) throw new ScanError('mismatched bracket');
    if (this.stack.length === 0) return true;
    this.afterValue();
    return false;
  }

  private afterValue(): void {
    this.expect = 'commaOrEnd';
  }

  private valueRecord(raw: string): JsonStreamRecord {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err: unknown) {
      // The tokenizer accepts only valid JSON, so this is a safety net.
      return this.errorRecord('UNDECODABLE', `malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    return this.includeRaw ? { value, line: this.startLine, raw } : { value, line: this.startLine };
  }

  private errorRecord(code: 'UNDECODABLE' | 'OVERSIZED_VALUE', message: string, line = this.startLine): JsonErrorRecord {
    const error = new ValidationError(code, '$', message, { details: { line, errorLine: this.line, column: this.column } });
    return { error, line };
  }
}

const ESCAPABLE: ReadonlySet<number> = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function quoted(c: number): string {
  return JSON.stringify(String.fromCharCode(c));
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
