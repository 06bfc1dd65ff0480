/**
 * The run log: one NDJSON line per phase with its raw timings, under .local/bench/. The summary a
 * run prints is computed from these lines only (summary.ts), so every figure can be recomputed
 * from the file, and tools/bench/chart.ts draws from it.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** The phases a run writes, in the order they happen. */
export const LOG_PHASES = ['run', 'setup', 'ceiling_trial', 'ceiling', 'backlog', 'pipeline', 'latency', 'naive', 'reads', 'export', 'ipfs_cluster', 'scale_step', 'partitions', 'cleanup', 'summary'] as const;
export type LogPhase = (typeof LOG_PHASES)[number];

export interface LogLine {
  readonly phase: LogPhase;
  /** Wall-clock time the line was written, ISO 8601. */
  readonly at: string;
  readonly [key: string]: unknown;
}

export interface RunLog {
  readonly path: string;
  write(phase: LogPhase, fields: Record<string, unknown>): LogLine;
  readonly lines: readonly LogLine[];
}

/** `.local/bench/<timestamp>.ndjson` under the package root (or `dir`). */
export function createRunLog(dir = join(packageRoot(), '.local', 'bench'), now = new Date()): RunLog {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${now.toISOString().replace(/[:.]/g, '-')}.ndjson`);
  const lines: LogLine[] = [];
  return {
    path,
    lines,
    write(phase, fields) {
      const line: LogLine = { phase, at: new Date().toISOString(), ...fields };
      lines.push(line);
      appendFileSync(path, `${JSON.stringify(line)}\n`);
      return line;
    },
  };
}

/** Reads a run log back (for recomputing the summary and for charts). */
export function readRunLog(path: string): LogLine[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LogLine);
}
