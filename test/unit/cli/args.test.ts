import { describe, expect, it } from 'vitest';
import { collect, parseDurationFlag, parseExpireAt, parseInteger, parseMeta, parseStateFlag, withFlagNames } from '../../../src/cli/args.js';
import { pinSpecFromFlags } from '../../../src/cli/commands/pin-write.js';
import { ValidationError } from '../../../src/errors.js';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';

function field(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ValidationError) return err.field;
    throw err;
  }
  return undefined;
}

describe('argument parsing', () => {
  it('integers', () => {
    expect(parseInteger(undefined, '--n')).toBeUndefined();
    expect(parseInteger('-1', '--n')).toBe(-1);
    expect(field(() => parseInteger('1.5', '--rf-min'))).toBe('--rf-min');
    expect(field(() => parseInteger('0', '--limit', 1))).toBe('--limit');
  });

  it('repeatable options and metadata', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
    expect(parseMeta(['app=web', 'note=a=b'])).toEqual({ app: 'web', note: 'a=b' });
    expect(parseMeta(undefined)).toBeUndefined();
    expect(field(() => parseMeta(['=x']))).toBe('--meta');
    expect(field(() => parseMeta(['a=1', 'a=2']))).toBe('--meta');
    expect(Object.getPrototypeOf(parseMeta(['__proto__=x']))).toBe(Object.prototype);
  });

  it('expire-at: RFC 3339 or a duration from now', () => {
    const now = Date.UTC(2030, 0, 1);
    expect(parseExpireAt('24h', now)).toBe(now + 86_400_000);
    expect(parseExpireAt('1h30m', now)).toBe(now + 5_400_000);
    expect(parseExpireAt('2030-01-02T00:00:00Z', now)).toBe(Date.UTC(2030, 0, 2));
    expect(field(() => parseExpireAt('2029-01-02T00:00:00Z', now))).toBe('--expire-at');
    expect(field(() => parseExpireAt('0s', now))).toBe('--expire-at');
    expect(field(() => parseExpireAt('soon', now))).toBe('--expire-at');
  });

  it('durations need a unit', () => {
    expect(parseDurationFlag('2s', '--interval')).toBe(2000);
    expect(parseDurationFlag('1m', '--interval')).toBe(60_000);
    expect(field(() => parseDurationFlag('2', '--interval'))).toBe('--interval');
    expect(field(() => parseDurationFlag('10ms', '--interval', { min: 100 }))).toBe('--interval');
  });

  it('placement states', () => {
    expect(parseStateFlag('pinned')).toBe('pinned');
    expect(field(() => parseStateFlag('PINNED'))).toBe('--state');
  });

  it('renames spec fields to their options', () => {
    expect(field(() => withFlagNames({ replicationFactorMax: '--rf-max' }, () => {
      throw new ValidationError('INVALID_FIELD', 'replicationFactorMax', 'bad');
    }))).toBe('--rf-max');
  });

  it('builds the pin spec pin add publishes', () => {
    const now = Date.UTC(2030, 0, 1);
    const spec = pinSpecFromFlags(CID, { rfMin: '2', rfMax: '3', name: 'n', tag: ['a', 'b'], meta: ['k=v'], expireAt: '1h', owner: 'me', waitTimeout: '30s' }, now);
    expect(spec).toEqual({ cid: CID, replicationFactorMin: 2, replicationFactorMax: 3, name: 'n', tags: ['a', 'b'], metadata: { k: 'v' }, expireAt: now + 3_600_000, owner: 'me' });
    expect(field(() => pinSpecFromFlags(CID, { tag: ['x'.repeat(70)], waitTimeout: '1s' }, now))).toBe('--tag');
  });
});
