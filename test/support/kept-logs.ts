/** Reading the kept benchmark logs under docs/bench-runs, for the tests that recompute the figures docs quote. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** The JSON lines of a kept log under docs/bench-runs (a list-ab .txt log also holds plain-text lines). */
export function jsonLines<T>(path: string): T[] {
  return readFileSync(join(packageRoot(), 'docs/bench-runs', path), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
