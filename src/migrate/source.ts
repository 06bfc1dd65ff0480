/**
 * Reading an IPFS Cluster export for import: readJsonObjects over the bytes, plus what resuming
 * needs — the byte offset where each record's first line starts — and what rejecting needs —
 * the parsed pin (with the overrides applied) or a RejectRecord with the record's raw text.
 *
 * Offsets are known per line, not per object: several objects on one line share their line's
 * offset, so a resume from that offset re-reads the earlier ones (harmless: op ids are
 * content-derived). A resumed read starts at a line boundary; the scanner is first fed that
 * many newlines so every line number it reports stays absolute.
 */
import type { ClusterPin } from '../cluster/index.js';
import { isJsonErrorRecord, parseApiPin, readJsonObjects } from '../cluster/index.js';
import { applyOverrides, type PinOverrides } from './overrides.js';
import { RAW_LINE_CHARS, rejectFromError, type RejectRecord } from './rejects.js';

export interface SourcePosition {
  /** 1-based line number. */
  readonly line: number;
  /** Byte offset of the start of that line. */
  readonly offset: number;
}

export type SourceRecord =
  | { readonly ok: true; readonly pin: ClusterPin; readonly line: number; readonly offset: number | null }
  | { readonly ok: false; readonly reject: RejectRecord; readonly line: number; readonly offset: number | null };

export interface ReadSourceOptions {
  /** Where `input` starts in the file (a resume); default line 1, offset 0. */
  readonly start?: SourcePosition;
  readonly overrides?: PinOverrides;
  /** Line starts remembered for records still being read (bounded; an object with more lines is not a resume point). */
  readonly maxTrackedLines?: number;
}

export interface ImportSource {
  readonly records: AsyncGenerator<SourceRecord, void, undefined>;
  /** Bytes consumed from `input` so far, plus the start offset. */
  readonly bytesRead: number;
}

interface LineStart {
  readonly offset: number;
  /** Where the line's first bytes sit, up to RAW_LINE_CHARS (decoded only if the line is rejected). */
  readonly head: Buffer[];
  headBytes: number;
}

function headOf(at: LineStart | undefined): string | null {
  if (at === undefined) return null;
  return Buffer.concat(at.head).toString('utf8').slice(0, RAW_LINE_CHARS).replace(/\r$/, '');
}

const NEWLINES_PER_CHUNK = 65_536;

export function readImportSource(input: AsyncIterable<Uint8Array>, options: ReadSourceOptions = {}): ImportSource {
  const start = options.start ?? { line: 1, offset: 0 };
  const maxTracked = options.maxTrackedLines ?? 8192;
  const lines = new Map<number, LineStart>();
  let bytesRead = start.offset;
  let lineNo = start.line;
  lines.set(lineNo, { offset: start.offset, head: [], headBytes: 0 });

  async function* feed(): AsyncGenerator<Uint8Array | string> {
    // Align the scanner's line counter with the file: blank lines between objects are just whitespace.
    for (let left = start.line - 1; left > 0; left -= NEWLINES_PER_CHUNK) yield '\n'.repeat(Math.min(left, NEWLINES_PER_CHUNK));
    for await (const chunk of input) {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let at = 0;
      for (;;) {
        const nl = buf.indexOf(0x0a, at);
        const end = nl === -1 ? buf.length : nl;
        const current = lines.get(lineNo);
        if (current !== undefined && current.headBytes < RAW_LINE_CHARS && end > at) {
          // A copy: a view would keep the whole input chunk alive while the line is tracked.
          const piece = Buffer.from(buf.subarray(at, Math.min(end, at + RAW_LINE_CHARS - current.headBytes)));
          current.head.push(piece);
          current.headBytes += piece.length;
        }
        if (nl === -1) break;
        lineNo++;
        lines.set(lineNo, { offset: bytesRead + nl + 1, head: [], headBytes: 0 });
        if (lines.size > maxTracked) lines.delete(lines.keys().next().value!);
        at = nl + 1;
      }
      bytesRead += buf.length;
      yield buf;
    }
  }

  async function* records(): AsyncGenerator<SourceRecord, void, undefined> {
    for await (const record of readJsonObjects(feed(), { includeRaw: true })) {
      // Records come in line order: line starts before this one can no longer begin a record.
      for (const key of lines.keys()) {
        if (key >= record.line) break;
        lines.delete(key);
      }
      const at = lines.get(record.line);
      const offset = at?.offset ?? null;
      if (isJsonErrorRecord(record)) {
        yield { ok: false, line: record.line, offset, reject: rejectFromError(record.error, record.line, headOf(at)) };
        continue;
      }
      const where = `line ${record.line}`;
      try {
        const pin = applyOverrides(parseApiPin(record.value, where), options.overrides ?? {}, where);
        yield { ok: true, pin, line: record.line, offset };
      } catch (err: unknown) {
        yield { ok: false, line: record.line, offset, reject: rejectFromError(err, record.line, record.raw ?? null) };
      }
    }
  }

  return {
    records: records(),
    get bytesRead() {
      return bytesRead;
    },
  };
}
