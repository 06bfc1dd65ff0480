/**
 * Finding the ceiling: a short sweep of request shapes and concurrencies on separate sample pins
 * (in a scratch keyspace), then the full workload in the best setting into the ceiling keyspace.
 */
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { openSession } from '../store/session.js';
import { createStore } from '../store/store.js';
import { pinRange } from './backlog.js';
import { CEILING_SHAPES, executeUnits, newCounts, writeUnits, type CeilingShape, type WriteUnit } from './ceiling.js';
import type { RunLog } from './run-log.js';

export interface CeilingSetting {
  readonly shape: CeilingShape;
  readonly concurrency: number;
}

export interface CeilingPlan {
  readonly pins: number;
  readonly seed: string;
  readonly peers: readonly string[];
  readonly baseTs: number;
  readonly fixedShape: CeilingShape | undefined;
  readonly fixedConcurrency: number | undefined;
}

/** Requests in flight tried for the writer's shape. */
const CONCURRENCIES = [16, 64, 256] as const;
/** Sample pins live far above the workload's indices, so they never collide with it. */
const SWEEP_BASE_INDEX = 1_000_000_000;

async function trial(config: PinstateConfig, logger: Logger, plan: CeilingPlan, setting: CeilingSetting, index: number, sample: number, log: RunLog): Promise<number> {
  const from = SWEEP_BASE_INDEX + index * sample;
  const counts = newCounts();
  const units = [...writeUnits(config, plan.seed, pinRange(plan.seed, plan.peers, from, from + sample), plan.baseTs, counts)];
  const session = await openSession({ config: config.scylla, keyspace: config.scylla.keyspace, logger });
  try {
    const r = await executeUnits(session, units, setting.shape, setting.concurrency, config.scylla.maxBatchBytes, config.scylla.peerBucketBits);
    log.write('ceiling_trial', { ...setting, ...counts, requests: r.requests, ms: r.ms });
    return counts.pins / (r.ms / 1000);
  } finally {
    await session.shutdown();
  }
}

/**
 * The ceiling is the writer's own request shape (derived rows in unlogged batches, then one logged
 * batch of core rows + stats per chunk) at the best concurrency: a sweep over CONCURRENCIES on
 * sample pins in `sweep`'s scratch keyspace. The other shapes are then measured at that
 * concurrency for comparison (logged as trials; they inform the writer's design, they are not
 * the ceiling because they write the rows without the logged batch the stats rows need).
 */
export async function chooseSetting(sweep: PinstateConfig | undefined, logger: Logger, plan: CeilingPlan, log: RunLog): Promise<CeilingSetting> {
  const shape = plan.fixedShape ?? 'writer';
  if (plan.fixedConcurrency !== undefined && (sweep === undefined || plan.fixedShape !== undefined)) return { shape, concurrency: plan.fixedConcurrency };
  if (sweep === undefined) throw new Error('the ceiling sweep needs a scratch keyspace');
  const sample = Math.max(500, Math.min(10_000, Math.round(plan.pins / 10)));
  let k = 0;
  let best: { setting: CeilingSetting; rate: number } | undefined;
  for (const concurrency of plan.fixedConcurrency === undefined ? CONCURRENCIES : [plan.fixedConcurrency]) {
    const setting = { shape, concurrency };
    const rate = await trial(sweep, logger, plan, setting, k++, sample, log);
    if (best === undefined || rate > best.rate) best = { setting, rate };
  }
  if (plan.fixedShape === undefined) {
    for (const other of CEILING_SHAPES.filter((s) => s !== 'writer')) await trial(sweep, logger, plan, { shape: other, concurrency: best!.setting.concurrency }, k++, sample, log);
  }
  return best!.setting;
}

/** Up to this many pins are planned before the clock starts; more are planned while writing. */
const PREBUILD_MAX_PINS = 200_000;

/**
 * Writes the full workload in `setting` and checks pin_stats counts every pin. Statements are
 * built before timing when they fit in memory (the database's time alone), else streamed
 * (`prebuilt: false` in the log: planning time is then inside the figure).
 */
export async function runCeiling(config: PinstateConfig, logger: Logger, plan: CeilingPlan, setting: CeilingSetting): Promise<Record<string, unknown>> {
  const counts = newCounts();
  const stream = writeUnits(config, plan.seed, pinRange(plan.seed, plan.peers, 0, plan.pins), plan.baseTs, counts);
  const prebuilt = plan.pins <= PREBUILD_MAX_PINS;
  const built = performance.now();
  const units: Iterable<WriteUnit> = prebuilt ? [...stream] : stream;
  const buildMs = prebuilt ? performance.now() - built : null;
  const store = await createStore({ config: config.scylla, logger });
  try {
    const r = await executeUnits(store.session, units, setting.shape, setting.concurrency, config.scylla.maxBatchBytes, config.scylla.peerBucketBits);
    const stats = await store.stats();
    return { ...setting, ...counts, prebuilt, build_ms: buildMs, requests: r.requests, ms: r.ms, applied_pins: stats.pins, placements: stats.totalPlacements };
  } finally {
    await store.close();
  }
}
