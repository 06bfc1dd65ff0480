/**
 * An IPFS Cluster state export file as a ClusterState: the old side of a migration when the
 * cluster's state was exported (`ipfs-cluster-service state export`) rather than served live.
 *
 * Decision on writes: the file is never modified. `add` / `rm` go to an in-memory overlay (an
 * added pin replaces the file's, a removed one hides it) that reads see at once and that is lost
 * when the process ends — enough for a migrator's dual-write phase over a snapshot, and honest
 * about it: nothing claims to persist what the file cannot hold.
 *
 * - `list` streams the file (records that are not valid pins are skipped and counted in
 *   `unreadable`), then yields the overlay's additions. Order is file order, stable across calls.
 * - `get` / `has` build an index CID → line offset on first use (one pass; ~100 bytes per pin)
 *   and re-read the record from its offset. `list` alone needs no index.
 */
import { createReadStream } from 'node:fs';
import { formatApiPinLine, type ClusterPin } from '../cluster/index.js';
import { NotFoundError } from '../errors.js';
import { parseCid } from '../domain/cid.js';
import { readImportSource, type SourcePosition } from './source.js';
import type { ClusterState } from '../adapter/cluster-state.js';
import { unmarshalInto } from '../adapter/unmarshal.js';

export interface FileClusterState extends ClusterState {
  readonly path: string;
  /** Records skipped by the last full `list` (not valid pins). */
  readonly unreadable: number;
  /** True: `list` yields pins in the same order every time (file order, then the overlay). */
  readonly ordered: true;
}

export function createFileClusterState(path: string): FileClusterState {
  const added = new Map<string, ClusterPin>();
  const removed = new Set<string>();
  let index: Map<string, SourcePosition> | undefined;
  let unreadable = 0;

  async function* listFile(): AsyncGenerator<ClusterPin> {
    let bad = 0;
    const source = readImportSource(createReadStream(path, { highWaterMark: 256 * 1024 }));
    for await (const record of source.records) {
      if (!record.ok) {
        bad++;
        continue;
      }
      yield record.pin;
    }
    unreadable = bad;
  }

  async function buildIndex(): Promise<Map<string, SourcePosition>> {
    const map = new Map<string, SourcePosition>();
    const source = readImportSource(createReadStream(path, { highWaterMark: 256 * 1024 }));
    for await (const record of source.records) {
      // A later record of the same CID wins, as it would in IPFS Cluster's import.
      if (record.ok && record.offset !== null) map.set(record.pin.spec.cid, { line: record.line, offset: record.offset });
    }
    return map;
  }

  async function readAt(cid: string, at: SourcePosition): Promise<ClusterPin | null> {
    const stream = createReadStream(path, { start: at.offset, highWaterMark: 64 * 1024 });
    try {
      // Several objects may share the line: take the one with this CID.
      for await (const record of readImportSource(stream, { start: at }).records) {
        if (record.line > at.line) break;
        if (record.ok && record.pin.spec.cid === cid) return record.pin;
      }
      return null;
    } finally {
      stream.destroy();
    }
  }

  async function lookup(cid: string): Promise<ClusterPin | null> {
    const key = parseCid(cid).text;
    if (removed.has(key)) return null;
    const over = added.get(key);
    if (over) return over;
    index ??= await buildIndex();
    const at = index.get(key);
    return at === undefined ? null : readAt(key, at);
  }

  const state: FileClusterState = {
    path,
    ordered: true,
    get unreadable() {
      return unreadable;
    },
    add(pin) {
      added.set(pin.spec.cid, pin);
      removed.delete(pin.spec.cid);
      return Promise.resolve();
    },
    async addMany(pins) {
      for (const pin of pins) await state.add(pin);
    },
    rm(cid) {
      try {
        const key = parseCid(cid).text;
        added.delete(key);
        removed.add(key);
        return Promise.resolve();
      } catch (err: unknown) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    async get(cid) {
      const pin = await lookup(cid);
      if (pin === null) throw new NotFoundError(cid);
      return pin;
    },
    async has(cid) {
      return (await lookup(cid)) !== null;
    },
    async *list() {
      for await (const pin of listFile()) {
        if (removed.has(pin.spec.cid) || added.has(pin.spec.cid)) continue;
        yield pin;
      }
      yield* added.values();
    },
    async marshal(out) {
      let n = 0;
      for await (const pin of state.list()) {
        out.write(formatApiPinLine(pin));
        n++;
      }
      return n;
    },
    unmarshal: (input, opts) => unmarshalInto(input, (pin) => state.add(pin), opts),
    async migrate() {},
  };
  return state;
}
