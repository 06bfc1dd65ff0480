import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/config/duration.js';
import { ConfigError } from '../../../src/errors.js';

describe('parseDuration', () => {
  it.each([
    ['300ms', 300],
    ['1.5s', 1500],
    ['2m30s', 150_000],
    ['168h', 604_800_000],
    ['1h2m3.5s', 3_723_500],
    ['0', 0],
    ['0s', 0],
    ['+5s', 5000],
    ['.5s', 500],
    ['1.s', 1000],
    ['1.1s', 1100],
    ['1ns', 0.000001],
    ['1500ns', 0.0015],
    ['1us', 0.001],
    ['1\u00b5s', 0.001],
    ['1\u03bcs', 0.001],
    ['2500us', 2.5],
    ['10m', 600_000],
    ['1h1ms', 3_600_001],
  ] as const)('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text, 'k')).toBe(ms);
  });

  it.each([
    [0, 0],
    [250, 250],
    [0.5, 0.5],
    [86_400_000, 86_400_000],
  ])('takes the number %d as milliseconds', (value, ms) => {
    expect(parseDuration(value, 'k')).toBe(ms);
  });

  it.each(['', '5', '300', '-1s', '-0', '1x', 's', 'ms', '.s', '1.5.5s', '5 s', ' 5s', '5s ', '1e3ms', '1S', '1H', '9999999999h', '1h-5m'])(
    'rejects %j naming the key',
    (text) => {
      let caught: unknown;
      try {
        parseDuration(text, 'scylladb.timeout');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      const error = caught as ConfigError;
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.field).toBe('scylladb.timeout');
      expect(error.message).toMatch(/^config scylladb\.timeout: /);
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (value) => {
    expect(() => parseDuration(value, 'writer.drain_timeout')).toThrow(/^config writer\.drain_timeout: /);
  });

  it('explains a missing unit and a negative value', () => {
    expect(() => parseDuration('300', 'k')).toThrow(/missing unit in "300"/);
    expect(() => parseDuration('-5s', 'k')).toThrow(/must not be negative/);
    expect(() => parseDuration('5d', 'k')).toThrow(/unknown unit "d"/);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.5, '500us'],
    [300, '300ms'],
    [1500, '1.5s'],
    [150_000, '2m30s'],
    [604_800_000, '168h'],
    [3_723_500, '1h2m3.5s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('reads back to the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (ms) => {
        expect(parseDuration(formatDuration(ms), 'k')).toBe(ms);
      }),
    );
  });
});
