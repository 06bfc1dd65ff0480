/**
 * The figures docs/benchmarks.md ("list() with a larger young generation") and
 * docs/operations.md (Memory) quote, recomputed from the kept list-young log.
 */
import { describe, expect, it } from 'vitest';
import { jsonLines, median } from '../../support/kept-logs.js';

interface Row {
  readonly round: number;
  readonly semi_space_mb: number;
  readonly pass: 'cold' | 'warm';
  readonly pins: number;
  readonly pins_per_s: number;
  readonly cpu_us_per_pin: number;
  readonly gc_us_per_pin: number;
  readonly db_cpu_us_per_pin: number;
}

const rows = jsonLines<Row>('list-young/2026-12-07-semi-16-vs-64.ndjson');
const of = (semi: number, pass: Row['pass']): Row[] => rows.filter((r) => r.semi_space_mb === semi && r.pass === pass);

describe('list() in processes with a 16 and a 64 MB semi-space (2026-12-07)', () => {
  it('three runs of each, every one over the same 112,184 pins', () => {
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.pins === 112_184)).toBe(true);
  });

  it.each([
    // semi-space, pass: medians of pins/s, client CPU, GC and Cassandra CPU per pin
    [16, 'cold', [26_667, 33.5, 14.4, 35.8]],
    [16, 'warm', [27_574, 32, 14.3, 34.7]],
    [64, 'cold', [30_817, 28.8, 8.8, 31.6]],
    [64, 'warm', [32_215, 27.9, 10.1, 30]],
  ] as const)('%i MB, %s: the medians in the table', (semi, pass, medians) => {
    const r = of(semi, pass);
    expect(r).toHaveLength(3);
    expect([median(r.map((x) => x.pins_per_s)), median(r.map((x) => x.cpu_us_per_pin)), median(r.map((x) => x.gc_us_per_pin)), median(r.map((x) => x.db_cpu_us_per_pin))]).toEqual(medians);
  });

  it('every 64 MB pass spent less time in GC per pin than every 16 MB pass', () => {
    const gc = (semi: number): number[] => rows.filter((r) => r.semi_space_mb === semi).map((r) => r.gc_us_per_pin);
    expect([Math.min(...gc(64)), Math.max(...gc(64)), Math.min(...gc(16)), Math.max(...gc(16))]).toEqual([8.5, 10.8, 13.6, 16.3]);
  });
});
