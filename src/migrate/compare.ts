/**
 * Comparing an expected pinset (an export file, or the old state during a migration) with an
 * actual one (the store, or the new state) without holding either in memory:
 *
 * 1. stream the expected side; for each pin, `get` its CID on the actual side (at most
 *    `concurrency` lookups in flight) and compare field by field; remember the CID in a
 *    CidHashSet (~16 bytes per pin);
 * 2. one `list` pass over the actual side: every CID not in the set is extra.
 *
 * Cost: one point read per expected pin plus one full scan; memory ≈ 16 B × expected pins plus
 * `concurrency` pins in flight and the samples.
 */
import type { ClusterPin } from '../cluster/index.js';
import { CidHashSet } from './hash-set.js';
import { VerifyTally, type FieldDiff, type VerifyReport } from '../cluster/pin-diff.js';

/** One item of the expected side: a pin, or a record that could not be read as one. */
export type ExpectedItem =
  | { readonly ok: true; readonly pin: ClusterPin }
  | { readonly ok: false; readonly line: number; readonly reject: { readonly message: string } };

export interface ActualSide {
  /** The pin held for `cid`, or null when there is none. */
  get(cid: string): Promise<ClusterPin | null>;
  /** Every CID held (only `spec.cid` is read). */
  list(): AsyncIterable<ClusterPin>;
}

export type Issue =
  | { readonly kind: 'missing'; readonly cid: string; readonly expected: ClusterPin }
  | { readonly kind: 'differing'; readonly cid: string; readonly expected: ClusterPin; readonly fields: readonly FieldDiff[] }
  | { readonly kind: 'extra'; readonly cid: string };

export interface CompareOptions {
  /** Point reads in flight. Default 32. */
  readonly concurrency?: number;
  /** Examples kept of each kind of difference. Default 10. */
  readonly sample?: number;
  /** Called for every difference, in no particular order (the migrator's repair hooks in here). */
  readonly onIssue?: (issue: Issue) => Promise<void> | void;
  readonly onProgress?: (p: { phase: 'expected' | 'extra'; expected: number; scanned: number }) => void;
  readonly signal?: AbortSignal;
}

export async function comparePinsets(expected: AsyncIterable<ExpectedItem>, actual: ActualSide, options: CompareOptions = {}): Promise<VerifyReport> {
  const concurrency = options.concurrency ?? 32;
  const tally = new VerifyTally(options.sample ?? 10);
  const seen = new CidHashSet();
  const inFlight = new Set<Promise<void>>();
  let failure: Error | undefined;

  const check = async (pin: ClusterPin): Promise<void> => {
    const found = await actual.get(pin.spec.cid);
    const result = tally.compare(pin, found);
    if (result === 'missing') await options.onIssue?.({ kind: 'missing', cid: pin.spec.cid, expected: pin });
    else if (result.length > 0) await options.onIssue?.({ kind: 'differing', cid: pin.spec.cid, expected: pin, fields: result });
  };

  for await (const item of expected) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
    if (failure !== undefined) break;
    if (!item.ok) {
      tally.unreadable(item.line, item.reject.message);
      continue;
    }
    if (!seen.add(item.pin.spec.cid)) tally.duplicate();
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    const p: Promise<void> = check(item.pin).catch((err: unknown) => {
      failure ??= err instanceof Error ? err : new Error(String(err));
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (tally.compared % 1000 === 0) options.onProgress?.({ phase: 'expected', expected: tally.compared, scanned: 0 });
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;

  let scanned = 0;
  for await (const pin of actual.list()) {
    scanned++;
    if (!seen.has(pin.spec.cid)) {
      tally.extra(pin.spec.cid);
      await options.onIssue?.({ kind: 'extra', cid: pin.spec.cid });
    }
    if (scanned % 1000 === 0) options.onProgress?.({ phase: 'extra', expected: tally.compared, scanned });
  }
  return tally.report();
}
