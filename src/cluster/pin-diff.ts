/**
 * What verify and the migrator's validate compare: two pins, field by field, in their normalised
 * api.Pin form (toApiPin), and the running tally of a whole comparison with a bounded sample of
 * each kind of difference. Pure.
 *
 * `user_allocations` is not compared (IPFS Cluster never persists it, pinstate neither) and
 * neither is `mode` (derived from `max_depth`, which is compared).
 */
import { API_PIN_KEYS, toApiPin, type ApiPinJson, type ClusterPin } from './index.js';

export const COMPARED_KEYS = API_PIN_KEYS.filter((k) => k !== 'user_allocations' && k !== 'mode');
export type ComparedKey = (typeof COMPARED_KEYS)[number];

export interface FieldDiff {
  readonly field: ComparedKey;
  readonly expected: ApiPinJson[ComparedKey];
  readonly actual: ApiPinJson[ComparedKey];
}

/** The fields where `actual` differs from `expected`, in api.Pin key order; [] when equal. */
export function diffPins(expected: ClusterPin, actual: ClusterPin): FieldDiff[] {
  const a = toApiPin(expected);
  const b = toApiPin(actual);
  const out: FieldDiff[] = [];
  for (const field of COMPARED_KEYS) {
    if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) out.push({ field, expected: a[field], actual: b[field] });
  }
  return out;
}

export interface VerifyReport {
  /** True when nothing is missing, extra, differing or unreadable. */
  readonly equal: boolean;
  /** Pins read from the expected side (the file). */
  readonly expected: number;
  readonly matching: number;
  /** In the expected side, not in the actual one. */
  readonly missing: number;
  /** In the actual side, not in the expected one. */
  readonly extra: number;
  readonly differing: number;
  /** Expected-side records that are not valid pins (they cannot be compared). */
  readonly unreadable: number;
  /** CIDs that occur more than once on the expected side (never in a real export). */
  readonly duplicates: number;
  /** Differing pins per field. */
  readonly fields: Readonly<Partial<Record<ComparedKey, number>>>;
  readonly samples: {
    readonly missing: readonly string[];
    readonly extra: readonly string[];
    readonly differing: ReadonlyArray<{ readonly cid: string; readonly fields: readonly FieldDiff[] }>;
    readonly unreadable: ReadonlyArray<{ readonly line: number; readonly message: string }>;
  };
}

/** Accumulates a comparison; keeps at most `sampleSize` examples of each kind. */
export class VerifyTally {
  private expectedCount = 0;
  private matching = 0;
  private missingCount = 0;
  private extraCount = 0;
  private differingCount = 0;
  private unreadableCount = 0;
  private duplicateCount = 0;
  private readonly fieldCounts: Partial<Record<ComparedKey, number>> = {};
  private readonly missingSample: string[] = [];
  private readonly extraSample: string[] = [];
  private readonly differingSample: Array<{ cid: string; fields: FieldDiff[] }> = [];
  private readonly unreadableSample: Array<{ line: number; message: string }> = [];

  constructor(private readonly sampleSize = 10) {}

  /** One expected pin against what the actual side holds for its CID (null: nothing). Returns the differences. */
  compare(expected: ClusterPin, actual: ClusterPin | null): FieldDiff[] | 'missing' {
    this.expectedCount++;
    if (actual === null) {
      this.missingCount++;
      if (this.missingSample.length < this.sampleSize) this.missingSample.push(expected.spec.cid);
      return 'missing';
    }
    const diffs = diffPins(expected, actual);
    if (diffs.length === 0) {
      this.matching++;
      return diffs;
    }
    this.differingCount++;
    for (const d of diffs) this.fieldCounts[d.field] = (this.fieldCounts[d.field] ?? 0) + 1;
    if (this.differingSample.length < this.sampleSize) this.differingSample.push({ cid: expected.spec.cid, fields: diffs });
    return diffs;
  }

  extra(cid: string): void {
    this.extraCount++;
    if (this.extraSample.length < this.sampleSize) this.extraSample.push(cid);
  }

  unreadable(line: number, message: string): void {
    this.unreadableCount++;
    if (this.unreadableSample.length < this.sampleSize) this.unreadableSample.push({ line, message });
  }

  duplicate(): void {
    this.duplicateCount++;
  }

  get compared(): number {
    return this.expectedCount;
  }

  report(): VerifyReport {
    const equal = this.missingCount === 0 && this.extraCount === 0 && this.differingCount === 0 && this.unreadableCount === 0;
    return {
      equal,
      expected: this.expectedCount,
      matching: this.matching,
      missing: this.missingCount,
      extra: this.extraCount,
      differing: this.differingCount,
      unreadable: this.unreadableCount,
      duplicates: this.duplicateCount,
      fields: { ...this.fieldCounts },
      samples: { missing: [...this.missingSample], extra: [...this.extraSample], differing: [...this.differingSample], unreadable: [...this.unreadableSample] },
    };
  }
}
