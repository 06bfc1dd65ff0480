/**
 * IPFS Cluster's state interface (state/interface.go) over the pinstate store: Add upserts
 * (replacing the pin and its allocations), Rm of a missing pin is not an error, Get of a missing
 * pin is NotFoundError ("pin is not part of the pinset"), List streams the whole pinset, and
 * Marshal/Unmarshal read and write NDJSON of api.Pin JSON — the format of
 * `ipfs-cluster-service state export` — rather than the datastore's msgpack.
 */
import { createHash, randomUUID } from 'node:crypto';
import { formatApiPinLine, isJsonErrorRecord, parseApiPin, readJsonObjects, type ClusterPin } from '../cluster/index.js';
import { NotFoundError, PinstateError, type ValidationError } from '../errors.js';
import { diffPins } from '../cluster/pin-diff.js';
import type { StoredPin } from '../store/reads.js';
import type { OpResult } from '../store/records.js';
import type { PinStore } from '../store/store.js';

export interface ClusterState {
  add(pin: ClusterPin): Promise<void>;
  /**
   * Adds many pins in one round (IPFS Cluster's BatchingState: add… then Commit). Optional:
   * callers fall back to `add` with bounded concurrency. Same effect as calling `add` for each.
   */
  addMany?(pins: readonly ClusterPin[]): Promise<void>;
  rm(cid: string): Promise<void>;
  /** Missing pin → NotFoundError. */
  get(cid: string): Promise<ClusterPin>;
  has(cid: string): Promise<boolean>;
  list(): AsyncGenerator<ClusterPin>;
  /** Writes every pin as one api.Pin JSON line; returns the count. */
  marshal(out: { write(chunk: string): unknown }): Promise<number>;
  /** Adds every pin of an NDJSON / whitespace-separated JSON stream. Bad records are reported, not fatal, unless `strict`. */
  unmarshal(input: AsyncIterable<Uint8Array | string>, options?: { strict?: boolean }): Promise<UnmarshalReport>;
  /** The state's own Migrate: nothing to migrate (IPFS Cluster's dsstate does the same). */
  migrate(): Promise<void>;
}

export interface UnmarshalReport {
  readonly added: number;
  readonly errors: ReadonlyArray<{ readonly line: number; readonly error: ValidationError | PinstateError }>;
}

export function toClusterPin(pin: StoredPin): ClusterPin {
  return { spec: pin.spec, allocations: [...(pin.placement?.desired ?? [])], userAllocations: [] };
}

/** Op ids derived from a pin's content: adding the same pin again (a re-run import) is a no-op. */
export function contentOpIds(pin: ClusterPin): { upsert: string; placement: string } {
  const h = createHash('sha256').update(formatApiPinLine(pin)).digest('hex').slice(0, 40);
  return { upsert: `cluster:${h}:pin`, placement: `cluster:${h}:alloc` };
}

function throwIfRejected(result: OpResult): void {
  if (result.outcome === 'rejected') {
    throw new PinstateError((result.reason ?? 'INTERNAL') as PinstateError['code'], result.message ?? 'rejected', { details: { cid: result.event?.cid } });
  }
}

export interface ClusterStateOptions {
  /** Content-derived op ids (idempotent re-adds) instead of random ones. Default true. */
  readonly deterministicOpIds?: boolean;
  readonly origin?: string;
}

export function createClusterState(store: PinStore, options: ClusterStateOptions = {}): ClusterState {
  const origin = options.origin ?? 'cluster-state';
  const deterministic = options.deterministicOpIds ?? true;

  async function commitPins(pins: readonly ClusterPin[], ts: number, ids: (pin: ClusterPin) => { upsert: string; placement: string }): Promise<OpResult[]> {
    const batch = store.beginBatch();
    for (const pin of pins) {
      const id = ids(pin);
      batch.upsertPin(id.upsert, pin.spec, { ts, origin });
      batch.setDesiredPlacement(id.placement, pin.spec.cid, pin.allocations, { ts, origin });
    }
    const res = await batch.commit();
    res.results.forEach(throwIfRejected);
    return [...res.results];
  }

  /**
   * Content op ids make a repeated add a no-op — but also an add of content that was added, then
   * removed or changed (the op is still in op_dedup). Add must upsert: a pin whose ops came back
   * as duplicates and whose stored form differs is written again under fresh op ids.
   */
  async function addPins(pins: readonly ClusterPin[], ts: number): Promise<void> {
    if (pins.length === 0) return;
    if (!deterministic) {
      await commitPins(pins, ts, () => ({ upsert: randomUUID(), placement: randomUUID() }));
      return;
    }
    const results = await commitPins(pins, ts, contentOpIds);
    const stale: ClusterPin[] = [];
    for (let i = 0; i < pins.length; i++) {
      if (results[2 * i]?.outcome !== 'duplicate' && results[2 * i + 1]?.outcome !== 'duplicate') continue;
      const pin = pins[i]!;
      const stored = await store.get(pin.spec.cid).catch((err: unknown) => {
        if (err instanceof NotFoundError) return null;
        throw err;
      });
      if (stored === null || diffPins(pin, toClusterPin(stored)).length > 0) stale.push(pin);
    }
    if (stale.length > 0) await commitPins(stale, ts, () => ({ upsert: randomUUID(), placement: randomUUID() }));
  }
  const addPin = (pin: ClusterPin, ts: number): Promise<void> => addPins([pin], ts);

  return {
    add: (pin) => addPin(pin, Date.now()),
    addMany: (pins) => addPins(pins, Date.now()),
    async rm(cid) {
      throwIfRejected(await store.deletePin(randomUUID(), cid, { origin }));
    },
    async get(cid) {
      return toClusterPin(await store.get(cid));
    },
    has: (cid) => store.has(cid),
    async *list() {
      for await (const pin of store.list()) yield toClusterPin(pin);
    },
    async marshal(out) {
      let n = 0;
      for await (const pin of store.list()) {
        out.write(formatApiPinLine(toClusterPin(pin)));
        n++;
      }
      return n;
    },
    async unmarshal(input, opts = {}) {
      let added = 0;
      const errors: Array<{ line: number; error: ValidationError | PinstateError }> = [];
      for await (const record of readJsonObjects(input)) {
        try {
          if (isJsonErrorRecord(record)) throw record.error;
          await addPin(parseApiPin(record.value, `line ${record.line}`), Date.now());
          added++;
        } catch (err: unknown) {
          if (!(err instanceof PinstateError) || opts.strict) throw err;
          errors.push({ line: record.line, error: err });
        }
      }
      return { added, errors };
    },
    async migrate() {},
  };
}
