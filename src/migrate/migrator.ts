/**
 * Moving a live pinset from one ClusterState to another (IPFS Cluster's state → pinstate) in five
 * phases, each observable (events) and resumable (state in a checkpoint store):
 *
 * 1. dual-write — `dualWrite()` returns the state the cluster must use from now on: writes go to
 *    both sides, reads to the old one;
 * 2. backfill   — copy `old.list()` into new (idempotent: content op ids make re-adds no-ops);
 *    resumes after the last checkpointed pin when the old side lists in a stable order;
 * 3. validate   — compare both sides like `pinstate verify` (missing / extra / differing); with
 *    `repair` the new side is made to match the old, which fixes writes that raced the backfill;
 * 4. switch     — reads go to the new side; writes still reach both, so switching back is possible;
 * 5. cleanup    — the old side gets no more writes; `onCleanup` may retire it.
 *
 * Events: `phase` ({ phase, status: 'started' | 'completed' }) and `progress` ({ phase, done }).
 */
import { EventEmitter } from 'node:events';
import type { ClusterState } from '../adapter/cluster-state.js';
import type { ClusterPin } from '../cluster/index.js';
import { PinstateError } from '../errors.js';
import { comparePinsets, type ActualSide, type Issue } from './compare.js';
import { dualWriteState, type Routing } from './dual-write.js';
import { fileCheckpointStore, initialMigrationState, MIGRATION_PHASES, type MigrationCheckpointStore, type MigrationPhase, type MigrationState } from './migration-state.js';
import type { VerifyReport } from '../cluster/pin-diff.js';

export interface MigratorOptions {
  /** Where phase state is kept. Default: a JSON file at `checkpointPath`. */
  readonly checkpoints?: MigrationCheckpointStore;
  /** Default `pinstate-migration.json` in the working directory. */
  readonly checkpointPath?: string;
  /** Pins per backfill batch. Default 500. */
  readonly batchSize?: number;
  /** add() calls in flight when the new side has no addMany; point reads in validate. Default 16. */
  readonly concurrency?: number;
  /** Save backfill progress every this many pins. Default 10 000. */
  readonly checkpointEvery?: number;
  /** Called by cleanup(): retire the old side (stop the daemon, archive the export…). */
  readonly onCleanup?: () => Promise<void>;
}

export interface MigratorEvents {
  phase: [{ readonly phase: MigrationPhase; readonly status: 'started' | 'completed' }];
  progress: [{ readonly phase: MigrationPhase; readonly done: number }];
}

export interface BackfillResult {
  readonly copied: number;
  /** Pins skipped because a previous run had copied them (ordered old side only). */
  readonly skipped: number;
}

export class Migrator extends EventEmitter<MigratorEvents> {
  private readonly checkpoints: MigrationCheckpointStore;
  private current: MigrationState = initialMigrationState();
  private loaded: Promise<void> | undefined;
  private wrapper: ClusterState | undefined;

  constructor(
    private readonly oldState: ClusterState,
    private readonly newState: ClusterState,
    private readonly options: MigratorOptions = {},
  ) {
    super();
    this.checkpoints = options.checkpoints ?? fileCheckpointStore(options.checkpointPath ?? 'pinstate-migration.json');
  }

  /** The persisted state (loaded from the checkpoint store on first use). */
  async status(): Promise<MigrationState> {
    await this.load();
    return this.current;
  }

  /** Where reads and writes go now. */
  get routing(): Routing {
    const done = this.current.completed;
    if (done.includes('cleanup')) return 'new-only';
    if (done.includes('switch')) return 'switched';
    return 'old';
  }

  /** Phase 1: the state the cluster must use from now on (the same object on every call). */
  async dualWrite(): Promise<ClusterState> {
    await this.load();
    if (!this.isDone('dual-write')) {
      this.started('dual-write');
      await this.complete('dual-write');
    }
    return (this.wrapper ??= dualWriteState(this.oldState, this.newState, () => this.routing));
  }

  /** Phase 2: copies old.list() into new. */
  async backfill(options: { signal?: AbortSignal } = {}): Promise<BackfillResult> {
    await this.require('backfill');
    this.started('backfill');
    const ordered = (this.oldState as { ordered?: boolean }).ordered === true;
    const skip = ordered ? this.current.backfill.copied : 0;
    const batchSize = this.options.batchSize ?? 500;
    const every = this.options.checkpointEvery ?? 10_000;
    let seen = 0;
    let copied = skip;
    let lastSaved = copied;
    let batch: ClusterPin[] = [];
    const flush = async (): Promise<void> => {
      await this.addAll(batch);
      copied += batch.length;
      batch = [];
      this.emit('progress', { phase: 'backfill', done: copied });
      if (copied - lastSaved >= every) {
        lastSaved = copied;
        await this.save({ backfill: { copied, done: false } });
      }
    };
    for await (const pin of this.oldState.list()) {
      if (seen++ < skip) continue;
      if (options.signal?.aborted) {
        await flush();
        await this.save({ backfill: { copied, done: false } });
        throw new PinstateError('ILLEGAL_STATE', `backfill interrupted after ${copied} pins; call backfill() again to resume`);
      }
      batch.push(pin);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    await this.save({ backfill: { copied, done: true } });
    await this.complete('backfill');
    return { copied: copied - skip, skipped: skip };
  }

  /** Phase 3: compares old (expected) with new (actual). `repair` makes new match old. */
  async validate(options: { repair?: boolean; sample?: number } = {}): Promise<VerifyReport & { repaired: number }> {
    await this.require('validate');
    this.started('validate');
    let repaired = 0;
    const repair = async (issue: Issue): Promise<void> => {
      if (issue.kind === 'extra') await this.newState.rm(issue.cid);
      else await this.newState.add(issue.expected);
      repaired++;
    };
    const old = this.oldState;
    const expected = (async function* () {
      for await (const pin of old.list()) yield { ok: true as const, pin };
    })();
    const report = await comparePinsets(expected, sideOf(this.newState), {
      concurrency: this.options.concurrency ?? 16,
      ...(options.sample === undefined ? {} : { sample: options.sample }),
      ...(options.repair ? { onIssue: repair } : {}),
      onProgress: (p) => this.emit('progress', { phase: 'validate', done: p.expected + p.scanned }),
    });
    const { equal, expected: n, missing, extra, differing, unreadable } = report;
    await this.save({ validation: { equal, expected: n, missing, extra, differing, unreadable, repaired, at: new Date().toISOString() } });
    if (equal) await this.complete('validate');
    return { ...report, repaired };
  }

  /** Phase 4: reads go to the new side. Refused until a validation found both sides equal, unless `force`. */
  async switchReads(options: { force?: boolean } = {}): Promise<void> {
    await this.require('switch', options.force ?? false);
    if (!options.force && !this.current.validation?.equal) {
      throw new PinstateError('ILLEGAL_STATE', 'the last validation did not find both sides equal; validate (with repair) first, or force');
    }
    this.started('switch');
    await this.complete('switch');
  }

  /** Phase 5: stop writing to the old side and retire it. */
  async cleanup(): Promise<void> {
    await this.require('cleanup');
    this.started('cleanup');
    await this.options.onCleanup?.();
    await this.complete('cleanup');
  }

  /**
   * Runs the remaining phases in order, from wherever the checkpoint says (a resume), up to and
   * including `until`. validate runs with repair and then once more to confirm equality.
   */
  async run(options: { until?: MigrationPhase; signal?: AbortSignal } = {}): Promise<MigrationState> {
    const last = MIGRATION_PHASES.indexOf(options.until ?? 'cleanup');
    await this.dualWrite();
    for (const phase of MIGRATION_PHASES.slice(1, last + 1)) {
      if (this.isDone(phase)) continue;
      if (phase === 'backfill') await this.backfill(options.signal ? { signal: options.signal } : {});
      else if (phase === 'validate') {
        const first = await this.validate({ repair: true });
        if (!first.equal) await this.validate();
        if (!this.isDone('validate')) throw new PinstateError('ILLEGAL_STATE', 'old and new still differ after repair; see the validation report');
      } else if (phase === 'switch') await this.switchReads();
      else await this.cleanup();
    }
    return this.current;
  }

  private isDone(phase: MigrationPhase): boolean {
    return this.current.completed.includes(phase);
  }

  /** Checks that the phases before `phase` are done; `skipValidate` (a forced switch, cleanup after one) lets validate be missing. */
  private async require(phase: MigrationPhase, skipValidate = phase === 'cleanup'): Promise<void> {
    await this.load();
    const before = MIGRATION_PHASES.slice(0, MIGRATION_PHASES.indexOf(phase));
    const missing = before.filter((p) => !this.isDone(p) && !(p === 'validate' && skipValidate));
    if (missing.length > 0) throw new PinstateError('ILLEGAL_STATE', `${phase} needs ${missing.join(', ')} first`);
    if (phase !== 'validate' && phase !== 'backfill' && this.isDone(phase)) throw new PinstateError('ILLEGAL_STATE', `${phase} is already done`);
  }

  private started(phase: MigrationPhase): void {
    this.current = { ...this.current, current: phase };
    this.emit('phase', { phase, status: 'started' });
  }

  private async complete(phase: MigrationPhase): Promise<void> {
    const completed = this.isDone(phase) ? this.current.completed : [...this.current.completed, phase];
    await this.save({ completed });
    this.emit('phase', { phase, status: 'completed' });
  }

  private async save(patch: Partial<MigrationState>): Promise<void> {
    this.current = { ...this.current, ...patch, updatedAt: new Date().toISOString() };
    await this.checkpoints.save(this.current);
  }

  private load(): Promise<void> {
    return (this.loaded ??= this.checkpoints.load().then((s) => {
      if (s) this.current = s;
    }));
  }

  private async addAll(pins: readonly ClusterPin[]): Promise<void> {
    if (pins.length === 0) return;
    if (this.newState.addMany) return this.newState.addMany(pins);
    const limit = this.options.concurrency ?? 16;
    for (let i = 0; i < pins.length; i += limit) await Promise.all(pins.slice(i, i + limit).map((p) => this.newState.add(p)));
  }
}

function sideOf(state: ClusterState): ActualSide {
  return {
    async get(cid) {
      try {
        return await state.get(cid);
      } catch (err: unknown) {
        if (err instanceof PinstateError && err.code === 'PIN_NOT_FOUND') return null;
        throw err;
      }
    },
    list: () => state.list(),
  };
}

export function createMigrator(oldState: ClusterState, newState: ClusterState, options: MigratorOptions = {}): Migrator {
  return new Migrator(oldState, newState, options);
}
