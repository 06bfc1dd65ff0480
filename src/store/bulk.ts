/**
 * Bulk request shapes for the writer's hot path. Each request has a fixed cost on client and
 * server, so the store reads many keys per request (`IN ?`, ~100 keys) and sends derived rows as
 * unlogged batches of statements that share a replica — the same statements, far fewer requests.
 */
import type pLimit from 'p-limit';
import { estimateBytes } from './writes.js';
import type { BucketBits, BucketRef } from './bucket-bits.js';
import type { CqlRow, CqlSession, ExecOptions, Statement } from './session.js';

type Limit = ReturnType<typeof pLimit>;

export const KEYS_PER_READ = 100;
const STATEMENTS_PER_BATCH = 64;

/** Rows for many partition keys, keyed by `keyOf(row)`; missing keys are simply absent. */
export async function readByKeys<K>(session: CqlSession, query: string, keys: readonly K[], keyOf: (row: CqlRow) => string, limit: Limit): Promise<Map<string, CqlRow>> {
  const out = new Map<string, CqlRow>();
  const chunks: K[][] = [];
  for (let i = 0; i < keys.length; i += KEYS_PER_READ) chunks.push(keys.slice(i, i + KEYS_PER_READ));
  await Promise.all(
    chunks.map((chunk) =>
      limit(async () => {
        let pageState: string | undefined;
        do {
          const page = await session.execute(query, [chunk], { pageState, fetchSize: 5000 });
          for (const row of page.rows) out.set(keyOf(row), row);
          pageState = page.pageState;
        } while (pageState !== undefined);
      }),
    ),
  );
  return out;
}

/**
 * Writes independent idempotent statements as unlogged batches grouped by first replica, each
 * under `maxBatchBytes`. Statements whose `once` row is in `done` are skipped; their rows are
 * added to `done` once written.
 */
export async function writeGrouped(session: CqlSession, statements: readonly Statement[], maxBatchBytes: number, limit: Limit, done: BucketBits, beforeSend?: () => void): Promise<void> {
  const groups = new Map<string, Statement[][]>();
  const sizes = new Map<Statement[], number>();
  const seen = new Set<string>();
  const written: BucketRef[] = [];
  // With one node every statement has the same replica; finding it hashes each routing key
  // (Murmur3 on emulated 64-bit integers), which was ~3% of the writer's CPU on a single node.
  const oneHost = (session.client.hosts?.length ?? 0) === 1;
  for (const s of statements) {
    if (s.once !== undefined) {
      const key = `${s.once.peer}/${s.once.bucket}`;
      if (done.has(s.once) || seen.has(key)) continue;
      seen.add(key);
      written.push(s.once);
    }
    const replica = s.routingKey && !oneHost ? session.replicaOf(s.routingKey) : '';
    const batches = groups.get(replica) ?? [];
    if (!groups.has(replica)) groups.set(replica, batches);
    let current = batches.at(-1);
    const bytes = estimateBytes(s);
    if (!current || current.length >= STATEMENTS_PER_BATCH || (sizes.get(current) ?? 0) + bytes > maxBatchBytes) {
      current = [];
      batches.push(current);
      sizes.set(current, 0);
    }
    current.push(s);
    sizes.set(current, (sizes.get(current) ?? 0) + bytes);
  }
  const all = [...groups.values()].flat();
  await Promise.all(
    all.map((batch) =>
      limit(() => {
        const opts: ExecOptions = { ...(beforeSend === undefined ? {} : { beforeSend }), ...(batch[0]!.routingKey ? { routingKey: batch[0]!.routingKey } : {}) };
        return batch.length === 1 ? session.execute(batch[0]!.query, batch[0]!.params, opts).then(() => undefined) : session.batchUnlogged(batch, opts);
      }),
    ),
  );
  for (const ref of written) done.add(ref);
}
