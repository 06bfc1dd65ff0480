/**
 * The import checkpoint, `<FILE>.pinstate-import.json` by default: where to resume, what was
 * counted so far, and enough about the input and the options to refuse a resume that would not
 * continue the same import (another file, other overrides, another target). Written atomically
 * (temp file + rename), so a crash leaves the previous checkpoint or the new one, never half.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import type { ResumePoint } from './watermark.js';

export const CHECKPOINT_VERSION = 1;
/** Bytes of the input hashed to recognise it (with its size). */
export const IDENTITY_HEAD_BYTES = 64 * 1024;

export interface InputIdentity {
  readonly path: string;
  readonly size: number;
  /** sha256 of the first IDENTITY_HEAD_BYTES bytes. */
  readonly headSha256: string;
}

export type ImportStatus = 'running' | 'interrupted' | 'failed' | 'completed';

export interface ImportCheckpoint {
  readonly version: number;
  readonly input: InputIdentity;
  /** `kafka:<intents topic>` or `direct:<keyspace>`. */
  readonly target: string;
  /** overridesKey() of the run's --rmin/--rmax/--allocs. */
  readonly overrides: string;
  readonly status: ImportStatus;
  readonly resume: ResumePoint;
  readonly rejectFile: string;
  readonly startedAt: string;
  readonly updatedAt: string;
}

export function defaultCheckpointPath(input: string): string {
  return `${input}.pinstate-import.json`;
}

export function inputIdentity(path: string): InputIdentity {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(size, IDENTITY_HEAD_BYTES));
    let n = 0;
    while (n < head.length) {
      const got = readSync(fd, head, n, head.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return { path, size, headSha256: createHash('sha256').update(head.subarray(0, n)).digest('hex') };
  } finally {
    closeSync(fd);
  }
}

export function loadCheckpoint(path: string): ImportCheckpoint | null {
  if (!existsSync(path)) return null;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err: unknown) {
    throw new ValidationError('UNDECODABLE', 'checkpoint', `${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}; delete it to start over`);
  }
  const c = value as Partial<ImportCheckpoint>;
  if (c.version !== CHECKPOINT_VERSION || typeof c.resume?.position?.offset !== 'number' || typeof c.input?.size !== 'number') {
    throw new ValidationError('INVALID_FIELD', 'checkpoint', `${path} is not a pinstate import checkpoint of version ${CHECKPOINT_VERSION}; delete it to start over`);
  }
  return c as ImportCheckpoint;
}

export function saveCheckpoint(path: string, checkpoint: ImportCheckpoint): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(checkpoint, null, 2)}\n`);
  renameSync(tmp, path);
}

/**
 * Why `checkpoint` cannot be resumed with this input and these options, or null when it can.
 * Each reason names the field that differs.
 */
export function resumeMismatch(checkpoint: ImportCheckpoint, input: InputIdentity, target: string, overrides: string): ValidationError | null {
  if (checkpoint.input.size !== input.size || checkpoint.input.headSha256 !== input.headSha256) {
    return new ValidationError('INVALID_FIELD', 'checkpoint.input', `the checkpoint was written for another file (size ${checkpoint.input.size}, head ${checkpoint.input.headSha256.slice(0, 12)}…; this one: size ${input.size}, head ${input.headSha256.slice(0, 12)}…)`);
  }
  if (checkpoint.target !== target) {
    return new ValidationError('INVALID_FIELD', 'checkpoint.target', `the interrupted import went to ${checkpoint.target}, this one to ${target}`);
  }
  if (checkpoint.overrides !== overrides) {
    return new ValidationError('INVALID_FIELD', 'checkpoint.overrides', `the interrupted import used overrides ${checkpoint.overrides}, this one ${overrides}; resume with the same --rmin/--rmax/--allocs`);
  }
  if (checkpoint.resume.position.offset > input.size) {
    return new ValidationError('INVALID_FIELD', 'checkpoint.resume', `resume offset ${checkpoint.resume.position.offset} is past the end of the file (${input.size} bytes)`);
  }
  return null;
}
