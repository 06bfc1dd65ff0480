/**
 * choosePeers: the allocation rule, by example and by property (fast-check): no peer twice,
 * rf bounds honoured, most free space chosen, kept peers first, deterministic.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byFreeSpace, choosePeers, type Candidate, type ChooseInput } from '../../../src/allocator/choose-peers.js';

const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const peer = (i: number): string => `12D3KooWPeer${String(i).padStart(3, '0')}`;
const live = (...free: number[]): Candidate[] => free.map((f, i) => ({ peer: peer(i), freeBytes: f }));
const input = (over: Partial<ChooseInput>): ChooseInput => ({ cid, rfMin: 2, rfMax: 2, current: [], live: [], pinned: new Set(), ...over });

describe('choosePeers by example', () => {
  it('places an unplaced pin on the rf_max peers with most free space', () => {
    const r = choosePeers(input({ rfMin: 2, rfMax: 3, live: live(10, 50, 30, 40) }));
    expect(r.cause).toBe('allocate');
    expect(r.peers).toEqual([peer(1), peer(2), peer(3)].sort());
    expect(r.short).toBe(false);
  });

  it('leaves a placement within [rf_min, rf_max] alone', () => {
    const r = choosePeers(input({ rfMin: 2, rfMax: 3, current: [peer(0), peer(3)], live: live(1, 100, 100, 1) }));
    expect(r.cause).toBe('unchanged');
    expect(r.peers).toEqual([peer(0), peer(3)]);
  });

  it('keeps user allocations first and tops up below rf_min', () => {
    const r = choosePeers(input({ rfMin: 3, rfMax: 3, current: [peer(0)], live: live(1, 5, 9, 7) }));
    expect(r.peers).toEqual([peer(0), peer(2), peer(3)]);
    expect(r.added).toEqual([peer(2), peer(3)]);
  });

  it('re-allocates a pin whose peer is down and keeps the down peer until others hold it', () => {
    const dead = 'QmDeadPeer';
    const first = choosePeers(input({ current: [peer(0), dead], live: live(10, 20, 30), pinned: new Set([peer(0), dead]) }));
    expect(first.cause).toBe('repair');
    expect(first.peers).toEqual([peer(0), peer(2), dead].sort());
    const notYet = choosePeers(input({ current: first.peers, live: live(10, 20, 30), pinned: new Set([peer(0)]) }));
    expect(notYet.cause).toBe('unchanged');
    const done = choosePeers(input({ current: first.peers, live: live(10, 20, 30), pinned: new Set([peer(0), peer(2)]) }));
    expect(done.cause).toBe('drop_down');
    expect(done.peers).toEqual([peer(0), peer(2)]);
    expect(done.removed).toEqual([dead]);
  });

  it('puts -1/-1 pins on every live peer, and on a new one', () => {
    const all = choosePeers(input({ rfMin: -1, rfMax: -1, live: live(1, 2, 3) }));
    expect(all.peers).toEqual([peer(0), peer(1), peer(2)]);
    const grown = choosePeers(input({ rfMin: -1, rfMax: -1, current: all.peers, live: live(1, 2, 3, 4) }));
    expect(grown.cause).toBe('everywhere');
    expect(grown.added).toEqual([peer(3)]);
  });

  it('trims to rf_max keeping pinned peers', () => {
    const r = choosePeers(input({ rfMin: 1, rfMax: 2, current: [peer(0), peer(1), peer(2)], live: live(100, 1, 50), pinned: new Set([peer(1)]) }));
    expect(r.cause).toBe('trim');
    expect(r.peers).toEqual([peer(0), peer(1)]);
  });

  it('changes nothing with no live peer, and reports short when peers are missing', () => {
    expect(choosePeers(input({ current: ['QmA', 'QmB'] })).peers).toEqual(['QmA', 'QmB']);
    const r = choosePeers(input({ rfMin: 3, rfMax: 3, live: live(5) }));
    expect(r.peers).toEqual([peer(0)]);
    expect(r.short).toBe(true);
  });

  it('spreads pins over peers of equal free space', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const r = choosePeers(input({ cid: `${cid}${i}`, rfMin: 1, rfMax: 1, live: live(7, 7, 7) }));
      for (const p of r.peers) counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    expect(counts.size).toBe(3);
    for (const n of counts.values()) expect(n).toBeGreaterThan(50);
  });
});

const peerIds = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 20 }).map((ns) => ns.map(peer));
const arbInput: fc.Arbitrary<ChooseInput> = fc
  .record({
    everywhere: fc.boolean(),
    rfMin: fc.integer({ min: 1, max: 8 }),
    extra: fc.integer({ min: 0, max: 4 }),
    livePeers: peerIds,
    free: fc.array(fc.integer({ min: 0, max: 5 }).map((n) => n * 1_000_000), { minLength: 20, maxLength: 20 }),
    current: fc.array(fc.integer({ min: 0, max: 50 }).map(peer), { maxLength: 10 }),
    pinned: fc.array(fc.integer({ min: 0, max: 50 }).map(peer), { maxLength: 10 }),
    cidN: fc.nat(),
  })
  .map((r) => ({
    cid: `${cid}${r.cidN}`,
    rfMin: r.everywhere ? -1 : r.rfMin,
    rfMax: r.everywhere ? -1 : r.rfMin + r.extra,
    current: r.current,
    live: r.livePeers.map((p, i) => ({ peer: p, freeBytes: r.free[i]! })),
    pinned: new Set(r.pinned),
  }));

describe('choosePeers properties', () => {
  it('never lists a peer twice and returns a sorted set', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = choosePeers(i);
        expect(new Set(r.peers).size).toBe(r.peers.length);
        expect([...r.peers].sort()).toEqual(r.peers);
      }),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        expect(choosePeers(i)).toEqual(choosePeers({ ...i, live: [...i.live].reverse(), current: [...i.current].reverse() }));
      }),
    );
  });

  it('honours rf bounds among live peers', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = choosePeers(i);
        const liveIds = new Set(i.live.map((c) => c.peer));
        const liveChosen = r.peers.filter((p) => liveIds.has(p)).length;
        if (i.live.length === 0) return;
        if (i.rfMin === -1) expect(liveChosen).toBe(Math.min(liveIds.size, 64));
        else {
          const liveCurrent = new Set(i.current.filter((p) => liveIds.has(p))).size;
          expect(liveChosen).toBeLessThanOrEqual(Math.max(i.rfMax, 0));
          // Below rf_min only when there are not enough live peers.
          if (liveChosen < i.rfMin) expect(liveChosen).toBe(liveIds.size);
          // Within bounds already: nothing live added or removed.
          if (liveCurrent >= i.rfMin && liveCurrent <= i.rfMax) expect(liveChosen).toBe(liveCurrent);
        }
        expect(r.short).toBe(i.rfMin === -1 ? false : liveChosen < i.rfMin);
      }),
    );
  });

  it('adds the peers with the most free space, and keeps every live current peer unless trimming', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = choosePeers(i);
        const free = new Map(i.live.map((c) => [c.peer, c.freeBytes]));
        const chosen = new Set(r.peers);
        const currentSet = new Set(i.current);
        const unchosen = i.live.filter((c) => !chosen.has(c.peer) && !currentSet.has(c.peer));
        for (const a of r.added) for (const u of unchosen) expect(free.get(a)!).toBeGreaterThanOrEqual(u.freeBytes);
        if (r.cause !== 'trim') for (const p of i.current) if (free.has(p) && !chosen.has(p)) expect.fail(`live current peer ${p} dropped`);
      }),
    );
  });

  it('only removes a down peer when live chosen peers hold the pin', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const r = choosePeers(i);
        const liveIds = new Set(i.live.map((c) => c.peer));
        const downRemoved = r.removed.filter((p) => !liveIds.has(p));
        if (downRemoved.length > 0) {
          const held = r.peers.filter((p) => liveIds.has(p) && i.pinned.has(p)).length;
          expect(held).toBeGreaterThanOrEqual(i.rfMin === -1 ? r.peers.length : Math.max(1, i.rfMin));
        }
      }),
    );
  });

  it('is a fixed point: applying the result again changes nothing once pinned', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const once = choosePeers(i);
        const all = new Set([...i.pinned, ...once.peers]);
        const twice = choosePeers({ ...i, current: once.peers, pinned: all });
        const thrice = choosePeers({ ...i, current: twice.peers, pinned: all });
        expect(thrice.cause).toBe('unchanged');
      }),
    );
  });

  it('byFreeSpace orders most free first', () => {
    fc.assert(
      fc.property(arbInput, (i) => {
        const sorted = [...i.live].sort(byFreeSpace(i.cid));
        for (let k = 1; k < sorted.length; k++) expect(sorted[k - 1]!.freeBytes).toBeGreaterThanOrEqual(sorted[k]!.freeBytes);
      }),
    );
  });
});
