/**
 * Parallel token-range scans with bounded memory: the ring is cut into equal sub-ranges, a fixed
 * number are read at once page by page, and rows are yielded as they arrive. Paging follows
 * pageState to the end; a short or empty page never ends a range (ScyllaDB returns those).
 */
import type { CqlRow, CqlSession } from './session.js';
import { toLongBig } from './tokens.js';

export interface TokenRange {
  readonly start: bigint;
  readonly end: bigint;
}

const MIN_TOKEN = -(2n ** 63n);
const MAX_TOKEN = 2n ** 63n - 1n;

/** Splits the Murmur3 ring into `parts` contiguous inclusive ranges. Pure. */
export function splitRing(parts: number): TokenRange[] {
  const span = MAX_TOKEN - MIN_TOKEN + 1n;
  const step = span / BigInt(parts);
  const out: TokenRange[] = [];
  for (let i = 0; i < parts; i++) {
    const start = MIN_TOKEN + step * BigInt(i);
    const end = i === parts - 1 ? MAX_TOKEN : start + step - 1n;
    out.push({ start, end });
  }
  return out;
}

/** All rows of one range query, page by page. */
export async function* scanRange(session: CqlSession, query: string, range: TokenRange, fetchSize: number): AsyncGenerator<CqlRow> {
  for await (const page of scanRangePages(session, query, range, fetchSize)) yield* page;
}

/** The pages of one range query (empty pages skipped; the range ends only when pageState does). */
export async function* scanRangePages(session: CqlSession, query: string, range: TokenRange, fetchSize: number): AsyncGenerator<readonly CqlRow[]> {
  let pageState: string | undefined;
  do {
    const page = await session.execute(query, [toLongBig(range.start), toLongBig(range.end)], { fetchSize, pageState });
    if (page.rows.length > 0) yield page.rows;
    pageState = page.pageState;
  } while (pageState !== undefined);
}

/** All rows of a single-partition query, page by page. */
export async function* scanPartition(session: CqlSession, query: string, params: readonly unknown[], fetchSize: number): AsyncGenerator<CqlRow> {
  let pageState: string | undefined;
  do {
    const page = await session.execute(query, params, { fetchSize, pageState });
    for (const row of page.rows) yield row;
    pageState = page.pageState;
  } while (pageState !== undefined);
}

/**
 * Runs up to `concurrency` sources at once and yields their items as they come. At most one
 * item per running source is held, so memory is bounded by concurrency × page size.
 */
export async function* mergeConcurrent<T>(sources: Iterable<() => AsyncIterable<T>>, concurrency: number): AsyncGenerator<T> {
  const pending = sources[Symbol.iterator]();
  type Slot = { it: AsyncIterator<T>; next: Promise<{ slot: Slot; res: IteratorResult<T> }> };
  const active = new Set<Slot>();
  const start = (): boolean => {
    const n = pending.next();
    if (n.done) return false;
    const it = n.value()[Symbol.asyncIterator]();
    const slot: Slot = { it, next: undefined as unknown as Slot['next'] };
    slot.next = it.next().then((res) => ({ slot, res }));
    active.add(slot);
    return true;
  };
  try {
    while (active.size < concurrency && start());
    while (active.size > 0) {
      const { slot, res } = await Promise.race([...active].map((s) => s.next));
      if (res.done) {
        active.delete(slot);
        start();
        continue;
      }
      slot.next = slot.it.next().then((r) => ({ slot, res: r }));
      yield res.value;
    }
  } finally {
    // Consumer stopped early (break/throw): close every running source.
    await Promise.allSettled([...active].map(async (s) => s.it.return?.()));
  }
}
