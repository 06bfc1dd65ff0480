import { describe, expect, it } from 'vitest';
import { Membership } from '../../../consumers/writer/kafka-group.js';

describe('Membership (generations and the write lease)', () => {
  const at = (): { now: number; clock: () => number } => {
    const c = { now: 0, clock: () => c.now };
    return c;
  };

  it('owns only the partitions of the current generation, and nothing once lost', () => {
    const m = new Membership(5_000);
    expect(m.owns('t', 0, 0)).toBe(false);
    m.joined({ t: [0, 2] });
    expect(m.owns('t', 0, 1)).toBe(true);
    expect(m.owns('t', 1, 1)).toBe(false);
    m.joined({ t: [1] });
    expect(m.owns('t', 0, 1)).toBe(false);
    expect(m.owns('t', 1, 2)).toBe(true);
    m.lose();
    expect(m.owns('t', 1, 2)).toBe(false);
  });

  it('tells the topics of an assignment apart', () => {
    const m = new Membership(5_000);
    m.joined({ intents: [0, 3], acks: [3] });
    expect(m.owns('intents', 3, 1)).toBe(true);
    expect(m.owns('acks', 3, 1)).toBe(true);
    expect(m.owns('acks', 0, 1)).toBe(false);
    expect(m.owns('events', 3, 1)).toBe(false);
  });

  it('the lease holds for leaseMs after a join or an answered heartbeat, and never after a loss', () => {
    const c = at();
    const m = new Membership(5_000, c.clock);
    expect(m.leaseHeld()).toBe(false);
    m.joined({ t: [0] });
    c.now = 4_999;
    expect(m.leaseHeld()).toBe(true);
    c.now = 5_000;
    expect(m.leaseHeld()).toBe(false);
    m.confirmed();
    c.now = 9_000;
    expect(m.leaseHeld()).toBe(true);
    // A process stopped for longer than the lease wakes up without it, whatever it fetched before.
    c.now = 60_000;
    expect(m.leaseHeld()).toBe(false);
    m.lose();
    m.confirmed();
    expect(m.leaseHeld()).toBe(false);
  });
});
