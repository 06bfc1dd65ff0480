/**
 * Data step of scylla/004: copies every placements_by_cid row into the placement_ columns of its
 * CID's pins_by_cid row. Each copy is written at the source row's own write time, so it is
 * idempotent and never overwrites a newer write: a copy that runs twice, or after the new writer
 * has changed or cleared the placement, leaves the newer cells. The ring is copied in token ranges
 * and each finished range is recorded (migration_ranges), so an interrupted apply resumes where it
 * stopped instead of starting over.
 */
import pLimit from 'p-limit';
import type { Logger } from '../../log.js';
import { fromLong, toLong } from '../rows.js';
import { mergeConcurrent, scanRangePages, splitRing } from '../scan.js';
import type { CqlSession } from '../session.js';

export const STEP = '004_placement_copy';
const RANGES = 256;

const SCAN = 'SELECT cid_bin, desired, actual, errors, updated_at, last_op_id, write_ts, WRITETIME(last_op_id) AS wt FROM placements_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?';
const COPY =
  'UPDATE pins_by_cid USING TIMESTAMP ? SET placement_desired = ?, placement_actual = ?, placement_errors = ?, placement_updated_at = ?, placement_last_op_id = ?, placement_write_ts = ? WHERE cid_bin = ?';
const DONE = 'SELECT range FROM migration_ranges WHERE step = ?';
const MARK = 'INSERT INTO migration_ranges (step, range, rows) VALUES (?, ?, ?)';

export interface CopyReport {
  readonly rows: number;
  /** Ranges copied by this run (the rest were done by an earlier, interrupted one). */
  readonly ranges: number;
}

export async function copyPlacements(session: CqlSession, logger: Logger, options: { pageSize?: number; concurrency?: number } = {}): Promise<CopyReport> {
  const done = new Set((await session.execute(DONE, [STEP], { fetchSize: 10_000 })).rows.map((r) => r['range'] as number));
  const pageSize = options.pageSize ?? 1000;
  const writes = pLimit(options.concurrency ?? 64);
  const ranges = splitRing(RANGES)
    .map((range, index) => ({ range, index }))
    .filter(({ index }) => !done.has(index));
  let rows = 0;
  const copyRange = async function* ({ range, index }: (typeof ranges)[number]): AsyncGenerator<number> {
    let n = 0;
    for await (const page of scanRangePages(session, SCAN, range, pageSize)) {
      await Promise.all(
        page.map((row) => {
          // write_ts is the timestamp the row was written at; WRITETIME covers a row without one.
          const ts = fromLong(row['write_ts']) || fromLong(row['wt']);
          const params = [toLong(ts), row['desired'], row['actual'], row['errors'], row['updated_at'], row['last_op_id'], toLong(ts), row['cid_bin']];
          return writes(() => session.execute(COPY, params));
        }),
      );
      n += page.length;
    }
    await session.execute(MARK, [STEP, index, toLong(n)]);
    yield n;
  };
  let finished = 0;
  for await (const n of mergeConcurrent(
    ranges.map((r) => () => copyRange(r)),
    8,
  )) {
    rows += n;
    finished++;
    if (finished % 32 === 0 || finished === ranges.length) logger.info({ step: STEP, ranges: finished, of: ranges.length, rows }, 'copying placements into pins_by_cid');
  }
  return { rows, ranges: ranges.length };
}
