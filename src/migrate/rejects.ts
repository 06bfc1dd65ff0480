/**
 * The reject file of `pinstate import`: one JSON object per rejected record (NDJSON), in input
 * order — `{"line":…,"code":…,"field":…,"message":…,"raw":…}`:
 *
 * - `line`: 1-based line where the record starts in the input;
 * - `code`: pinstate's error code (`INVALID_CID`, `MISSING_FIELD`, `UNDECODABLE`, …);
 * - `field`: the JSON key at fault (`cid`, `allocations[2]`, `metadata.app`), `$` for the whole record;
 * - `message`: the reason, naming the field;
 * - `raw`: the record's source text; for input that is not a JSON object at all, the text of the
 *   line it starts on (at most RAW_LINE_CHARS characters), or null when not available.
 *
 * The file is opened on the first reject (no rejects, no file). A resumed import keeps the rejects
 * of lines before its resume point and drops the others, which it reads (and rejects) again, so
 * no record is listed twice and none is lost, whatever order the rejects were written in.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { PinstateError } from '../errors.js';

export interface RejectRecord {
  readonly line: number;
  readonly code: string;
  readonly field: string | null;
  readonly message: string;
  readonly raw: string | null;
}

/** How much of a non-JSON line is kept as `raw`. */
export const RAW_LINE_CHARS = 4096;

export function rejectFromError(err: unknown, line: number, raw: string | null): RejectRecord {
  if (err instanceof PinstateError) return { line, code: err.code, field: err.field ?? null, message: err.message, raw };
  return { line, code: 'INTERNAL', field: null, message: err instanceof Error ? err.message : String(err), raw };
}

/** One line of the reject file. Keys in a fixed order. */
export function formatRejectLine(r: RejectRecord): string {
  return `${JSON.stringify({ line: r.line, code: r.code, field: r.field, message: r.message, raw: r.raw })}\n`;
}

/** Parses one reject-file line back (tests, tooling). Throws on anything else. */
export function parseRejectLine(text: string): RejectRecord {
  const v = JSON.parse(text) as Partial<RejectRecord>;
  if (typeof v.line !== 'number' || typeof v.code !== 'string' || typeof v.message !== 'string') throw new Error(`not a reject record: ${text.slice(0, 200)}`);
  return { line: v.line, code: v.code, field: v.field ?? null, message: v.message, raw: v.raw ?? null };
}

export interface RejectSink {
  readonly path: string;
  /** Rejects in the file (kept from before a resume + written since). */
  readonly count: number;
  write(r: RejectRecord): void;
  close(): void;
}

/**
 * A synchronous appender (rejects are rare; sync writes keep them in the file in write order).
 * `keepBeforeLine` (a resume) keeps an existing file's records of earlier lines and drops the
 * rest; otherwise an existing file is replaced on the first reject: one import run, one list.
 */
export function createRejectSink(path: string, keepBeforeLine?: number): RejectSink {
  let fd: number | undefined;
  let count = 0;
  if (keepBeforeLine !== undefined && existsSync(path)) {
    const kept = readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && parseRejectLine(l).line < keepBeforeLine);
    writeFileSync(`${path}.tmp`, kept.map((l) => `${l}\n`).join(''));
    renameSync(`${path}.tmp`, path);
    count = kept.length;
  }
  const open = (): number => {
    fd ??= openSync(path, keepBeforeLine !== undefined ? 'a' : 'w');
    return fd;
  };
  return {
    path,
    get count() {
      return count;
    },
    write(r) {
      writeSync(open(), formatRejectLine(r));
      count++;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
