import { describe, expect, it } from 'vitest';
import { isRetryableDbError } from '../../../src/store/session.js';

describe('isRetryableDbError', () => {
  it('retries a request whose socket closed (a node stopping mid-request)', () => {
    const err = Object.assign(new Error('Socket was closed'), { isSocketError: true });
    expect(isRetryableDbError(err)).toBe(true);
  });

  it('retries unavailability and timeouts, not plain errors', () => {
    expect(isRetryableDbError(Object.assign(new Error('x'), { name: 'NoHostAvailableError' }))).toBe(true);
    expect(isRetryableDbError(Object.assign(new Error('x'), { name: 'OperationTimedOutError' }))).toBe(true);
    expect(isRetryableDbError(new Error('syntax error'))).toBe(false);
    expect(isRetryableDbError('nope')).toBe(false);
  });
});
