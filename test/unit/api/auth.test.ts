import { describe, expect, it } from 'vitest';
import { bearerToken, checkAuthorization, tokenMatches } from '../../../src/api/auth.js';

describe('bearer tokens', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it('matches any configured token, of any length', () => {
    const tokens = ['short', 'a-much-longer-token-value-0123456789'];
    expect(tokenMatches('short', tokens)).toBe(true);
    expect(tokenMatches('a-much-longer-token-value-0123456789', tokens)).toBe(true);
    expect(tokenMatches('shorT', tokens)).toBe(false);
    expect(tokenMatches('short ', tokens)).toBe(false);
    expect(tokenMatches('', tokens)).toBe(false);
    expect(tokenMatches('short', [])).toBe(false);
  });

  it('is off without tokens; otherwise missing and wrong tokens are 401 naming authorization', () => {
    expect(checkAuthorization(undefined, [])).toBeNull();
    expect(checkAuthorization('Bearer s3cret', ['s3cret'])).toBeNull();
    const missing = checkAuthorization(undefined, ['s3cret']);
    const wrong = checkAuthorization('Bearer nope', ['s3cret']);
    for (const e of [missing, wrong]) {
      expect(e?.status).toBe(401);
      expect(e?.field).toBe('authorization');
    }
    expect(missing?.message).toMatch(/required/);
    expect(wrong?.message).toMatch(/not valid/);
  });
});
