// Asserts that a call throws a PinstateError with the given code (and field), returning it.
import { expect } from 'vitest';
import { PinstateError } from '../../../src/errors.js';
import type { ErrorCode } from '../../../src/errors.js';

export function expectPinstateError(fn: () => unknown, code: ErrorCode, field?: string): PinstateError {
  let caught: unknown;
  try {
    fn();
  } catch (err: unknown) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PinstateError);
  const err = caught as PinstateError;
  expect({ code: err.code, message: err.message }).toMatchObject({ code });
  if (field !== undefined) expect(err.field).toBe(field);
  return err;
}
