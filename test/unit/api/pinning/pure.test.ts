/** The pure parts of /pinning: created times, the status table, the token → owner lookup, the config block. */
import { describe, expect, it } from 'vitest';
import { createdClock, formatCreated, hourOf, parseCreated } from '../../../../src/api/pinning/created-time.js';
import { ownerLookup } from '../../../../src/api/pinning/owners.js';
import { neededPeers, psaStatusOf } from '../../../../src/api/pinning/status.js';
import { validateConfig } from '../../../../src/config/schema.js';
import { cidV1, peerId } from '../../../support/cids.js';
import { PinTable } from './doubles.js';

describe('created', () => {
  it('prints microseconds and parses any RFC 3339 form back (Go RFC3339Nano included)', () => {
    const us = Date.UTC(2026, 11, 4, 21, 10, 0, 123) * 1000 + 456;
    expect(formatCreated(us)).toBe('2026-12-04T21:10:00.123456Z');
    expect(parseCreated('2026-12-04T21:10:00.123456Z')).toBe(us);
    expect(parseCreated('2026-12-04T21:10:00.123456789Z')).toBe(us);
    expect(parseCreated('2026-12-04T23:10:00.123456+02:00')).toBe(us);
    expect(parseCreated('2026-12-04T21:10:00Z')).toBe(us - 123_456);
    for (const bad of ['', 'yesterday', '2026-12-04', '2026-13-04T00:00:00Z', '2026-12-04T25:00:00Z', '2026-12-04T21:10:00']) expect(parseCreated(bad), bad).toBeUndefined();
  });

  it('the clock never repeats, even when the wall clock stands still or steps back', () => {
    let wall = 1_000;
    const clock = createdClock(() => wall);
    const a = clock();
    const b = clock();
    wall = 999;
    const c = clock();
    expect([a, b, c]).toEqual([1_000_000, 1_000_001, 1_000_002]);
    expect(hourOf(3_600_000_000)).toBe(1);
    expect(hourOf(3_599_999_999)).toBe(0);
  });
});

describe('status from placements', () => {
  const A = peerId('s-A');
  const B = peerId('s-B');
  const C = peerId('s-C');
  const statusOf = (desired: string[], actual: Record<string, 'pinned' | 'pinning' | 'pin_queued' | 'pin_error' | 'unpinned'>, rfMin = 0): string => {
    const t = new PinTable();
    t.set(cidV1('s'), desired, actual, { rfMin });
    return psaStatusOf(t.pins.get(cidV1('s'))!).status;
  };

  it('follows the table in status.ts', () => {
    expect(psaStatusOf(null).status).toBe('queued');
    expect(statusOf([], {})).toBe('queued');
    expect(statusOf([A, B], {})).toBe('queued');
    expect(statusOf([A, B], { [A]: 'pin_queued' })).toBe('queued');
    expect(statusOf([A, B], { [A]: 'pinning' })).toBe('pinning');
    expect(statusOf([A, B], { [A]: 'pinned' })).toBe('pinning');
    expect(statusOf([A, B], { [A]: 'pinned', [B]: 'pinned' })).toBe('pinned');
    expect(statusOf([A, B, C], { [A]: 'pinned', [B]: 'pinned' }, 2)).toBe('pinned');
    expect(statusOf([A, B, C], { [A]: 'pinned', [B]: 'pinned' }, -1)).toBe('pinning');
    expect(statusOf([A, B], { [A]: 'pin_error', [B]: 'pin_error' })).toBe('failed');
    expect(statusOf([A, B], { [A]: 'pin_error' })).toBe('pinning');
    expect(statusOf([A, B], { [A]: 'pin_error', [B]: 'pinned' }, 1)).toBe('pinned');
    // A peer no longer desired does not count.
    expect(statusOf([A], { [B]: 'pinned' })).toBe('queued');
    expect([neededPeers(-1, 3), neededPeers(0, 3), neededPeers(2, 3)]).toEqual([3, 3, 2]);
  });
});

describe('owners', () => {
  it('maps each token to its owner; anything else is no one', () => {
    const lookup = ownerLookup([
      { token: 'tok-a', owner: 'a' },
      { token: 'tok-b-longer', owner: 'b' },
    ]);
    expect(lookup.ownerOf('Bearer tok-a')).toBe('a');
    expect(lookup.ownerOf('bearer tok-b-longer')).toBe('b');
    for (const h of [undefined, '', 'Bearer', 'Bearer tok-A', 'Basic tok-a', 'Bearer tok-a extra']) expect(lookup.ownerOf(h), String(h)).toBeUndefined();
    expect(ownerLookup([]).enabled).toBe(false);
  });
});

describe('the pinning config block', () => {
  it('defaults to no tokens and max_scan 100000', () => {
    const r = validateConfig({});
    expect(r.ok && r.config.pinning).toEqual({ tokens: [], maxScan: 100_000 });
  });

  it('refuses duplicate tokens, empty owners, unknown keys — without printing a token', () => {
    const r = validateConfig({ pinning: { tokens: [{ token: 'secret-1', owner: 'a' }, { token: 'secret-1', owner: 'b' }, { token: 'x', owner: '' }, { token: 'y', owner: 'o', extra: 1 }], max_scan: 10 } });
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.issues;
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['pinning.tokens[1].token', 'pinning.tokens[2].owner', 'pinning.tokens[3].extra', 'pinning.max_scan']));
    expect(JSON.stringify(issues)).not.toContain('secret-1');
  });
});
