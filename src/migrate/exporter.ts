/**
 * exportPins: the whole pinset as IPFS Cluster's `state export` NDJSON
 * (formatApiPinLine: one api.Pin per line, Go's key order and escaping), so
 * `ipfs-cluster-service state import` reads it back. Streams store.list() into the output and
 * waits on the stream's backpressure: memory stays at the list's pages in flight. The
 * `pinstate export` command is src/cli/migrate/export-command.ts.
 *
 * Normalisations (docs/ipfs-cluster-compat.md): allocations sorted, times in whole seconds UTC,
 * `user_allocations` null, `origins` [] when empty, pinstate-only owner/tags left out. Order is
 * token order, not IPFS Cluster's datastore key order; importers do not depend on order.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { toClusterPin } from '../adapter/cluster-state.js';
import { formatApiPinLine } from '../cluster/index.js';
import type { StoredPin } from '../store/reads.js';

export interface ExportReport {
  readonly pins: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Writes every pin of `pins` to `out` as an export line; resolves after the last write is flushed to the stream. */
export async function exportPins(pins: AsyncIterable<StoredPin>, out: Writable, onPin?: (count: number) => void): Promise<ExportReport> {
  const started = performance.now();
  let count = 0;
  let bytes = 0;
  for await (const pin of pins) {
    const line = formatApiPinLine(toClusterPin(pin));
    bytes += Buffer.byteLength(line);
    count++;
    if (!out.write(line)) await once(out, 'drain');
    onPin?.(count);
  }
  return { pins: count, bytes, seconds: (performance.now() - started) / 1000 };
}
