import { describe, expect, it } from 'vitest';
import { parseJsonObject, parsePinRequest, parsePlacementRequest, parseRfc3339 } from '../../../src/api/body.js';
import { ApiError } from '../../../src/api/errors.js';
import { PinstateError } from '../../../src/errors.js';
import { PIN_OPTION_EXAMPLE } from './stubs.js';

function fieldOf(fn: () => unknown): { code: string; field: string | null | undefined } {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ApiError) return { code: err.code, field: err.field };
    if (err instanceof PinstateError) return { code: err.code, field: err.field };
    throw err;
  }
  throw new Error('expected an error');
}

describe('request bodies', () => {
  it('empty body is {}; bad JSON and non-objects name the body', () => {
    expect(parseJsonObject('')).toEqual({});
    expect(fieldOf(() => parseJsonObject('{bad'))).toEqual({ code: 'INVALID_JSON', field: 'body' });
    expect(fieldOf(() => parseJsonObject('[1]'))).toEqual({ code: 'INVALID_JSON', field: 'body' });
    expect(fieldOf(() => parseJsonObject('null'))).toEqual({ code: 'INVALID_JSON', field: 'body' });
  });

  it('maps pin options to a spec', () => {
    const r = parsePinRequest('bafy', PIN_OPTION_EXAMPLE);
    expect(r.opId).toBe('op-1');
    expect(r.spec).toMatchObject({ cid: 'bafy', name: 'n', replicationFactorMin: 1, replicationFactorMax: 3, tags: ['t'], metadata: { k: 'v' }, pinType: 'pin', mode: 'direct', expireAt: Date.UTC(2030, 0, 2, 3, 4, 5) });
  });

  it('refuses unknown keys by name, and a cid in the body', () => {
    expect(fieldOf(() => parsePinRequest('bafy', { nmae: 'x' }))).toEqual({ code: 'UNKNOWN_FIELD', field: 'nmae' });
    expect(fieldOf(() => parsePinRequest('bafy', { cid: 'x' }))).toEqual({ code: 'UNKNOWN_FIELD', field: 'cid' });
    expect(fieldOf(() => parsePinRequest('bafy', { type: 3 }))).toEqual({ code: 'INVALID_FIELD', field: 'type' });
    expect(fieldOf(() => parsePinRequest('bafy', { expire_at: 'tomorrow' }))).toEqual({ code: 'INVALID_FIELD', field: 'expire_at' });
  });

  it('placement bodies need peers as an array', () => {
    expect(parsePlacementRequest({ peers: ['a'] })).toEqual({ peers: ['a'], opId: undefined });
    expect(fieldOf(() => parsePlacementRequest({}))).toEqual({ code: 'MISSING_FIELD', field: 'peers' });
    expect(fieldOf(() => parsePlacementRequest({ peers: 'a' }))).toEqual({ code: 'INVALID_FIELD', field: 'peers' });
    expect(fieldOf(() => parsePlacementRequest({ peers: [], extra: 1 }))).toEqual({ code: 'UNKNOWN_FIELD', field: 'extra' });
  });

  it('RFC 3339 times', () => {
    expect(parseRfc3339(null, 'x')).toBeNull();
    expect(parseRfc3339('2030-01-02T03:04:05.5+01:00', 'x')).toBe(Date.UTC(2030, 0, 2, 2, 4, 5, 500));
    expect(fieldOf(() => parseRfc3339(12, 'expire_at'))).toEqual({ code: 'INVALID_FIELD', field: 'expire_at' });
  });
});
