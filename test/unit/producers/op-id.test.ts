import { describe, expect, it } from 'vitest';
import { UUID_V7_PATTERN, createOpIdGenerator, newOpId, uuidV7Time, validateOpId } from '../../../producers/op-id.js';
import { PinstateError } from '../../../src/errors.js';

describe('UUIDv7 op ids', () => {
  it('have the UUIDv7 shape (version 7, RFC 4122 variant) and carry the creation time', () => {
    const before = Date.now();
    const id = newOpId();
    const after = Date.now();
    expect(id).toMatch(UUID_V7_PATTERN);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    const t = uuidV7Time(id)!;
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after + 1);
  });

  it('are unique and strictly increasing from one generator, also within one millisecond', () => {
    const gen = createOpIdGenerator({ now: () => 1_700_000_000_000 });
    const ids = Array.from({ length: 10_000 }, () => gen());
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    for (const id of ids) expect(id).toMatch(UUID_V7_PATTERN);
  });

  it('borrow the next millisecond when the counter runs out, and never go back when the clock does', () => {
    let now = 1_700_000_000_000;
    // All-ones random bytes: the counter starts at its seeded maximum (0x7ff) and runs out after 2048 ids.
    const gen = createOpIdGenerator({ now: () => now, random: (n) => new Uint8Array(n).fill(0xff) });
    const ids = Array.from({ length: 3000 }, () => gen());
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(uuidV7Time(ids[ids.length - 1]!)).toBe(now + 1);
    now -= 5_000;
    const later = gen();
    expect(later > ids[ids.length - 1]!).toBe(true);
  });

  it('encode the timestamp big-endian in the first 48 bits', () => {
    const gen = createOpIdGenerator({ now: () => 0x0123456789ab, random: (n) => new Uint8Array(n) });
    expect(gen()).toBe('01234567-89ab-7000-8000-000000000000');
  });

  it('sort by time across milliseconds', () => {
    let now = 1_000;
    const gen = createOpIdGenerator({ now: () => now });
    const a = gen();
    now += 1;
    const b = gen();
    expect(a < b).toBe(true);
    expect(uuidV7Time('not-a-uuid')).toBeNull();
  });
});

describe('validateOpId', () => {
  it('accepts any non-empty string of at most 128 characters', () => {
    expect(validateOpId('x')).toBe('x');
    expect(validateOpId('expire:bafy:123')).toBe('expire:bafy:123');
    expect(validateOpId('a'.repeat(128))).toHaveLength(128);
  });

  it.each([
    ['', 'MISSING_FIELD'],
    ['a'.repeat(129), 'OVERSIZED_VALUE'],
    [42, 'INVALID_FIELD'],
    [null, 'INVALID_FIELD'],
  ])('rejects %j with %s naming the field', (value, code) => {
    try {
      validateOpId(value, 'opts.opId');
      expect.unreachable();
    } catch (err: unknown) {
      expect(err).toBeInstanceOf(PinstateError);
      expect((err as PinstateError).code).toBe(code);
      expect((err as PinstateError).field).toBe('opts.opId');
    }
  });
});
