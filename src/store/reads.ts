/** Reads: straight to the core tables, at the configured consistency. */
import { cidTextFromBytes, parseCid } from '../domain/cid.js';
import type { PlacementState } from '../domain/placement-state.js';
import { NotFoundError } from '../errors.js';
import { CQL } from './cql.js';
import { addCounts, emptyCounts, type PinRecord, type PlacementRecord, type StatsCounts } from './records.js';
import { fromLong, placementFromRow, storedPinFromRow } from './rows.js';
import { mergeConcurrent, scanPartition, scanRangePages, splitRing, type TokenRange } from './scan.js';
import type { CqlSession } from './session.js';

/** A pin with its placement, as reads return it. */
export interface StoredPin extends PinRecord {
  readonly placement: PlacementRecord | null;
}

export interface PeerPin {
  readonly cid: string;
  readonly peer: string;
  readonly state: PlacementState;
  readonly desired: boolean;
  readonly error: string | null;
  readonly updatedAt: number;
}

export interface ListOptions {
  /** Token sub-ranges the ring is cut into (default 256). */
  readonly splits?: number;
  /** Sub-ranges read at once (default 8). */
  readonly concurrency?: number;
  /** Rows per page (default scylladb.page_size). */
  readonly pageSize?: number;
}

export interface Stats {
  readonly pins: number;
  /** Placements by state. */
  readonly placements: Readonly<Record<string, number>>;
  /** Sum of all placements. */
  readonly totalPlacements: number;
}

/** A key for a bind parameter: the CID's own bytes when they are a Buffer already, else a view (no copy). */
const keyOf = (bytes: Uint8Array): Buffer => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

export class Reader {
  constructor(
    private readonly session: CqlSession,
    private readonly pageSize: number,
  ) {}

  async get(cid: string): Promise<StoredPin> {
    const parsed = parseCid(cid);
    const key = keyOf(parsed.bytes);
    const pin = storedPinFromRow((await this.session.execute(CQL.readPin, [key])).rows[0]);
    if (!pin) throw new NotFoundError(parsed.text);
    return pin;
  }

  async has(cid: string): Promise<boolean> {
    const row = (await this.session.execute(CQL.hasPin, [keyOf(parseCid(cid).bytes)])).rows[0];
    return row !== undefined && row['pin_type'] !== null && row['pin_type'] !== undefined;
  }

  async getPlacement(cid: string): Promise<PlacementRecord | null> {
    const row = (await this.session.execute(CQL.readPlacement, [keyOf(parseCid(cid).bytes)])).rows[0];
    return placementFromRow(row);
  }

  /**
   * The whole pinset with placements, by parallel token-range scans of pins_by_cid (a CID's
   * placement is in its pin's row, so nothing is joined).
   */
  async *list(options: ListOptions = {}): AsyncGenerator<StoredPin> {
    for await (const page of this.listPages(options)) yield* page;
  }

  /**
   * list() a page at a time: the concurrent ranges are merged page by page, so the per-item cost
   * of the merge (a Promise.race over the running ranges) is paid once per page, not per pin.
   */
  listPages(options: ListOptions = {}): AsyncGenerator<StoredPin[]> {
    const ranges = splitRing(options.splits ?? 256);
    const pageSize = options.pageSize ?? this.pageSize;
    return mergeConcurrent(
      ranges.map((range) => () => this.listRange(range, pageSize)),
      options.concurrency ?? 8,
    );
  }

  /** The live pins of one token range, a page at a time (delete markers have no pin_type and are skipped). */
  private async *listRange(range: TokenRange, pageSize: number): AsyncGenerator<StoredPin[]> {
    for await (const rows of scanRangePages(this.session, CQL.listPinsTok, range, pageSize)) {
      const out: StoredPin[] = [];
      for (const row of rows) {
        const pin = storedPinFromRow(row);
        if (pin) out.push(pin);
      }
      if (out.length > 0) yield out;
    }
  }

  /** Everything placed on one peer, bucket by bucket; `state` filters by placement state. */
  async *listByPeer(peer: string, options: { state?: PlacementState | undefined; concurrency?: number } = {}): AsyncGenerator<PeerPin> {
    const buckets = (await this.session.execute(CQL.selectPeerBuckets, [peer], { fetchSize: 100_000 })).rows.map((r) => r['bucket'] as number);
    const pageSize = this.pageSize;
    const session = this.session;
    const sources = buckets.map(
      (bucket) =>
        async function* (): AsyncGenerator<PeerPin> {
          for await (const row of scanPartition(session, CQL.selectPeerBucket, [peer, bucket], pageSize)) {
            const state = row['state'] as PlacementState;
            if (options.state !== undefined && state !== options.state) continue;
            yield {
              cid: cidTextFromBytes(row['cid_bin'] as Uint8Array),
              peer,
              state,
              desired: (row['desired'] as boolean | null) ?? false,
              error: (row['error'] as string | null) ?? null,
              updatedAt: (row['updated_at'] as Date | null)?.getTime() ?? 0,
            };
          }
        },
    );
    yield* mergeConcurrent(sources, options.concurrency ?? 16);
  }

  /** Exact counts: the sum of the pin_stats shard rows. */
  async stats(): Promise<Stats> {
    const total: StatsCounts = emptyCounts();
    for (const row of (await this.session.execute(CQL.selectAllStats, [], { fetchSize: 10_000 })).rows) {
      const placements: Record<string, number> = {};
      for (const [state, n] of Object.entries((row['placements'] as Record<string, unknown> | null) ?? {})) placements[state] = fromLong(n);
      addCounts(total, { pins: fromLong(row['pins']), placements });
    }
    const totalPlacements = Object.values(total.placements).reduce((a, b) => a + b, 0);
    return { pins: total.pins, placements: total.placements, totalPlacements };
  }
}
