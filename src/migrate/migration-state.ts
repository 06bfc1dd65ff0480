/**
 * The persisted state of a migration (which phases are done, how far backfill got, what the last
 * validation found) and where it is kept: a small pluggable checkpoint store, a JSON file by
 * default (written atomically), or memory for tests.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { PinstateError } from '../errors.js';

export const MIGRATION_PHASES = ['dual-write', 'backfill', 'validate', 'switch', 'cleanup'] as const;
export type MigrationPhase = (typeof MIGRATION_PHASES)[number];

export interface ValidationSummary {
  readonly equal: boolean;
  readonly expected: number;
  readonly missing: number;
  readonly extra: number;
  readonly differing: number;
  readonly unreadable: number;
  /** Differences fixed on the new side during this validation (repair mode). */
  readonly repaired: number;
  readonly at: string;
}

export interface MigrationState {
  readonly version: 1;
  /** Phases finished, in order. `dual-write` is "finished" once the wrapper is live (it stays live). */
  readonly completed: readonly MigrationPhase[];
  /** The phase running or last started, or null before the first. */
  readonly current: MigrationPhase | null;
  readonly backfill: { readonly copied: number; readonly done: boolean };
  readonly validation: ValidationSummary | null;
  readonly updatedAt: string;
}

export function initialMigrationState(): MigrationState {
  return { version: 1, completed: [], current: null, backfill: { copied: 0, done: false }, validation: null, updatedAt: new Date(0).toISOString() };
}

/** Where a migrator keeps its state between runs. */
export interface MigrationCheckpointStore {
  load(): Promise<MigrationState | null>;
  save(state: MigrationState): Promise<void>;
}

export function memoryCheckpointStore(initial: MigrationState | null = null): MigrationCheckpointStore & { readonly saved: number } {
  let state = initial;
  let saved = 0;
  return {
    get saved() {
      return saved;
    },
    load: () => Promise.resolve(state),
    save(s) {
      state = s;
      saved++;
      return Promise.resolve();
    },
  };
}

/** The default: one JSON file, replaced atomically (temp file + rename) on each save. */
export function fileCheckpointStore(path: string): MigrationCheckpointStore {
  return {
    load() {
      if (!existsSync(path)) return Promise.resolve(null);
      const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<MigrationState>;
      if (value.version !== 1 || !Array.isArray(value.completed)) {
        return Promise.reject(new PinstateError('INVALID_FIELD', `${path} is not a pinstate migration checkpoint (version 1)`, { field: 'checkpoint' }));
      }
      return Promise.resolve(value as MigrationState);
    },
    save(state) {
      writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
      return Promise.resolve();
    },
  };
}
