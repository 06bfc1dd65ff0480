import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/cli/main.js';
import { ConfigError, NotFoundError, PinstateError, ValidationError } from '../../../src/errors.js';

describe('exit codes', () => {
  const ctx = { err: (): void => undefined };
  it('0 for help and version, 2 for commander usage errors', () => {
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', ''), ctx)).toBe(0);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'x'), ctx)).toBe(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.help', ''), ctx)).toBe(2);
  });

  it('2 for bad input and config, 1 for runtime failures (a missing pin included)', () => {
    expect(exitCodeOf(new ValidationError('INVALID_CID', 'cid', 'x'), ctx)).toBe(2);
    expect(exitCodeOf(new ConfigError('scylladb.port', 'x'), ctx)).toBe(2);
    expect(exitCodeOf(new NotFoundError('bafy'), ctx)).toBe(1);
    expect(exitCodeOf(new PinstateError('KAFKA_UNAVAILABLE', 'down'), ctx)).toBe(1);
    expect(exitCodeOf(new Error('boom'), ctx)).toBe(1);
  });

  it('prints the message of what it maps', () => {
    let text = '';
    exitCodeOf(new ValidationError('INVALID_FIELD', '--rf-min', 'expected an integer'), { err: (t) => void (text += t) });
    expect(text).toBe('error: --rf-min: expected an integer\n');
  });
});
