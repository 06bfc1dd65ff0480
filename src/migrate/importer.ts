/**
 * The import loop behind `pinstate import`: read records (source.ts) → reject the bad ones to the
 * reject file → hand pins in batches to a sink (Kafka or the store) with a bounded number of
 * batches in flight → advance the resume point as batches are acknowledged → checkpoint it.
 *
 * Memory is bounded by `batchPins × sink.concurrency` pins plus one object being read. Op ids and
 * op times are content-derived (adapter/pin-intents.ts), so re-running or resuming re-sends
 * identical intents and the duplicates have no effect.
 */
import { createReadStream } from 'node:fs';
import type { ClusterPin } from '../cluster/index.js';
import { PinstateError } from '../errors.js';
import { defaultCheckpointPath, inputIdentity, loadCheckpoint, resumeMismatch, saveCheckpoint, type ImportCheckpoint, type ImportStatus, type InputIdentity } from './checkpoint.js';
import type { ImportSink, SinkResult } from './import-sinks.js';
import { NO_OVERRIDES, overridesKey, type PinOverrides } from './overrides.js';
import { createRejectSink, type RejectRecord, type RejectSink } from './rejects.js';
import { readImportSource, type SourcePosition } from './source.js';
import { Watermark, type ResumePoint, type WatermarkTicket } from './watermark.js';

export interface ImportOptions {
  /** A file path, or `-` for `stdin`. */
  readonly input: string;
  readonly stdin?: AsyncIterable<Uint8Array>;
  readonly sink: ImportSink;
  readonly overrides?: PinOverrides;
  /** The first bad record stops the import (status `strict`). */
  readonly strict?: boolean;
  /** Continue from the checkpoint instead of the start. */
  readonly resume?: boolean;
  /** Default `<input>.pinstate-import.json`; stdin has none. */
  readonly checkpointPath?: string;
  /** Default `<input>.rejects.ndjson`, or `pinstate-import.rejects.ndjson` for stdin. */
  readonly rejectsPath?: string;
  /** Pins per sink batch. Default 500. */
  readonly batchPins?: number;
  /** How often the checkpoint is rewritten, ms. Default 1000. */
  readonly checkpointEveryMs?: number;
  /** Stop reading after this many records in this run (tests; a deliberate partial import). */
  readonly stopAfter?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
  /** How often onProgress is called, ms. Default 500. */
  readonly progressEveryMs?: number;
}

export interface ImportProgress {
  readonly bytes: number;
  /** null when reading stdin. */
  readonly totalBytes: number | null;
  /** Records read, including those before a resume point. */
  readonly read: number;
  readonly written: number;
  readonly rejected: number;
  readonly elapsedMs: number;
}

/** completed: the whole input was read and acknowledged; interrupted: stopped early (resumable); strict: a bad record stopped it; failed: the sink failed. */
export type ImportOutcome = 'completed' | 'interrupted' | 'strict' | 'failed';

export interface ImportReport {
  readonly outcome: ImportOutcome;
  readonly target: string;
  /** Records read (accepted + rejected), including those before a resume point. */
  readonly read: number;
  /** Pins published (acks=all) or applied, including those before a resume point. */
  readonly written: number;
  readonly rejected: number;
  /** Pins already applied before (direct path only; the writer deduplicates on the Kafka path). */
  readonly duplicates: number;
  /** Records read by this run and its rate. */
  readonly readThisRun: number;
  readonly seconds: number;
  readonly pinsPerSecond: number;
  readonly resumedFrom: SourcePosition | null;
  readonly resumePoint: SourcePosition;
  readonly rejectFile: string | null;
  readonly checkpoint: string | null;
  readonly error: string | null;
}

interface Pending {
  readonly pins: ClusterPin[];
  readonly lines: number[];
  readonly tickets: WatermarkTicket[];
}

export async function runImport(options: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const fromStdin = options.input === '-';
  const sink = options.sink;
  const overrides = options.overrides ?? NO_OVERRIDES;
  const batchPins = options.batchPins ?? 500;
  const checkpointPath = fromStdin ? null : (options.checkpointPath ?? defaultCheckpointPath(options.input));
  const rejectsPath = options.rejectsPath ?? (fromStdin ? 'pinstate-import.rejects.ndjson' : `${options.input}.rejects.ndjson`);
  if (fromStdin && options.resume) throw new PinstateError('INVALID_FIELD', '--resume needs a FILE: stdin cannot be re-read', { field: '--resume' });
  if (fromStdin && options.stdin === undefined) throw new PinstateError('INVALID_FIELD', 'input "-" needs a stdin stream', { field: 'input' });

  const identity: InputIdentity | null = fromStdin ? null : inputIdentity(options.input);
  let start: ResumePoint = { position: { line: 1, offset: 0 }, records: 0 };
  let previous: ImportCheckpoint | null = null;
  if (options.resume && checkpointPath !== null && identity !== null) {
    previous = loadCheckpoint(checkpointPath);
    if (previous === null) throw new PinstateError('INVALID_FIELD', `--resume: no checkpoint at ${checkpointPath}`, { field: '--resume' });
    const mismatch = resumeMismatch(previous, identity, sink.target, overridesKey(overrides));
    if (mismatch) throw mismatch;
    start = previous.resume;
    if (previous.status === 'completed') return alreadyDone(previous, sink.target, checkpointPath);
  }
  const rejects: RejectSink = createRejectSink(rejectsPath, previous ? start.position.line : undefined);
  const watermark = new Watermark(start);
  const startedAt = previous?.startedAt ?? new Date().toISOString();

  let read = start.records;
  let readThisRun = 0;
  let written = start.records - rejects.count;
  let duplicates = 0;
  let outcome: ImportOutcome = 'completed';
  let error: string | null = null;
  let lastSave = 0;
  let lastProgress = 0;

  const input = fromStdin ? options.stdin! : createReadStream(options.input, { start: start.position.offset, highWaterMark: 256 * 1024 });
  const source = readImportSource(input, { start: start.position, overrides });
  const inFlight = new Set<Promise<void>>();

  const save = (status: ImportStatus): void => {
    if (checkpointPath === null || identity === null) return;
    lastSave = performance.now();
    saveCheckpoint(checkpointPath, {
      version: 1,
      input: identity,
      target: sink.target,
      overrides: overridesKey(overrides),
      status,
      resume: watermark.resumePoint,
      rejectFile: rejects.path,
      startedAt,
      updatedAt: new Date().toISOString(),
    });
  };
  const progress = (force = false): void => {
    const now = performance.now();
    if (options.onProgress === undefined || (!force && now - lastProgress < (options.progressEveryMs ?? 500))) return;
    lastProgress = now;
    options.onProgress({ bytes: source.bytesRead, totalBytes: identity?.size ?? null, read, written, rejected: rejects.count, elapsedMs: now - started });
  };
  const reject = (r: RejectRecord): void => {
    rejects.write(r);
    if (options.strict && outcome === 'completed') {
      outcome = 'strict';
      error = `line ${r.line}: ${r.message}`;
    }
  };

  const settle = (batch: Pending, result: SinkResult): void => {
    duplicates += result.duplicates;
    const refused = new Map(result.rejected.map((r) => [r.index, r]));
    batch.tickets.forEach((ticket, i) => {
      const r = refused.get(i);
      if (r) reject({ line: batch.lines[i]!, code: r.code, field: null, message: `refused by ${sink.target}: ${r.message}`, raw: null });
      else written++;
      // In strict mode a refused pin stays unacknowledged: a resume starts at it again.
      if (!(r && options.strict)) watermark.complete(ticket);
    });
    if (performance.now() - lastSave >= (options.checkpointEveryMs ?? 1000)) save('running');
  };
  const dispatch = async (batch: Pending): Promise<void> => {
    if (batch.pins.length === 0) return;
    while (inFlight.size >= sink.concurrency) await Promise.race(inFlight);
    const p: Promise<void> = sink.write(batch.pins).then(
      (result) => settle(batch, result),
      (err: unknown) => {
        if (outcome === 'completed' || outcome === 'interrupted') {
          outcome = 'failed';
          error = err instanceof Error ? err.message : String(err);
        }
      },
    );
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  let batch: Pending = { pins: [], lines: [], tickets: [] };
  // Records sharing a line share its resume point: a resume re-reads the line from its start.
  let line = -1;
  let readBeforeLine = read;
  try {
    for await (const record of source.records) {
      if (record.line !== line) {
        line = record.line;
        readBeforeLine = read;
      }
      const point = record.offset === null ? null : { position: { line: record.line, offset: record.offset }, records: readBeforeLine };
      const ticket = watermark.begin(point);
      read++;
      readThisRun++;
      if (record.ok) {
        batch.pins.push(record.pin);
        batch.lines.push(record.line);
        batch.tickets.push(ticket);
      } else {
        reject(record.reject);
        if (!options.strict) watermark.complete(ticket);
      }
      if (batch.pins.length >= batchPins) {
        await dispatch(batch);
        batch = { pins: [], lines: [], tickets: [] };
      }
      progress();
      if (outcome !== 'completed') break;
      if (options.signal?.aborted || (options.stopAfter !== undefined && readThisRun >= options.stopAfter)) {
        outcome = 'interrupted';
        break;
      }
    }
    if (outcome === 'completed' || outcome === 'interrupted') await dispatch(batch);
    while (inFlight.size > 0) await Promise.race(inFlight);
    if (outcome === 'completed') watermark.finish({ position: { line: Number.MAX_SAFE_INTEGER, offset: identity?.size ?? source.bytesRead }, records: read });
  } catch (err: unknown) {
    outcome = 'failed';
    error = err instanceof Error ? err.message : String(err);
    await Promise.allSettled(inFlight);
  } finally {
    rejects.close();
  }
  save(outcome === 'completed' ? 'completed' : outcome === 'interrupted' ? 'interrupted' : 'failed');
  progress(true);

  const seconds = (performance.now() - started) / 1000;
  return {
    outcome,
    target: sink.target,
    read,
    written,
    rejected: rejects.count,
    duplicates,
    readThisRun,
    seconds,
    pinsPerSecond: seconds > 0 ? readThisRun / seconds : 0,
    resumedFrom: previous ? start.position : null,
    resumePoint: watermark.resumePoint.position,
    rejectFile: rejects.count > 0 ? rejects.path : null,
    checkpoint: checkpointPath,
    error,
  };
}

/** `--resume` of an import that already completed: nothing to read, nothing to send. */
function alreadyDone(checkpoint: ImportCheckpoint, target: string, checkpointPath: string): ImportReport {
  return {
    outcome: 'completed',
    target,
    read: checkpoint.resume.records,
    written: checkpoint.resume.records,
    rejected: 0,
    duplicates: 0,
    readThisRun: 0,
    seconds: 0,
    pinsPerSecond: 0,
    resumedFrom: checkpoint.resume.position,
    resumePoint: checkpoint.resume.position,
    rejectFile: null,
    checkpoint: checkpointPath,
    error: null,
  };
}
