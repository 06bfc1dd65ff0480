import { describe, expect, it } from 'vitest';
import { youngGeneration } from '../../../src/cli/commands/service.js';
import { createCliContext } from '../../../src/cli/context.js';
import { loadConfig } from '../../../src/config/index.js';
import { captureIo } from './capture.js';

describe('youngGeneration (heap_semi_space_mb)', () => {
  it('asks the launcher to re-execute with the flag; a failed re-exec is tried and reported once, then the command goes on', () => {
    const c = captureIo();
    const asked: Array<readonly string[]> = [];
    const io = {
      ...c.io,
      reexec: (flags: readonly string[]) => {
        asked.push(flags);
        throw new Error('execve: ENOENT');
      },
    };
    const ctx = createCliContext(io, () => undefined);
    const config = loadConfig({ env: {} });
    // `start` asks before the local stack, then runUntilStopped asks again.
    expect(youngGeneration(ctx, config)).toEqual({ action: 'keep', source: 'reexec-failed', mb: null });
    expect(youngGeneration(ctx, config)).toEqual({ action: 'keep', source: 'reexec-failed', mb: null });
    expect(asked).toEqual([['--max-semi-space-size=16']]);
    expect(c.err().match(/could not re-execute with --max-semi-space-size=16 \(heap_semi_space_mb\): execve: ENOENT/g)).toHaveLength(1);
  });

  it('without a launcher that may re-execute, keeps V8 own size and says why', () => {
    const ctx = createCliContext(captureIo().io, () => undefined);
    expect(youngGeneration(ctx, loadConfig({ env: {} }))).toEqual({ action: 'keep', source: 'no-execve', mb: null });
    expect(youngGeneration(ctx, loadConfig({ env: { PINSTATE_HEAP_SEMI_SPACE_MB: '0' } }))).toEqual({ action: 'keep', source: 'v8', mb: null });
  });
});
