/** test/support/kubo.ts's run(): a program that exits without reading its input is no error. */
import { describe, expect, it } from 'vitest';
import { run } from '../support/kubo.js';

describe('run() of the kubo test support', () => {
  it('resolves with the exit code when the program closes its input unread (EPIPE is not uncaught)', async () => {
    // 4 MiB is more than a pipe holds, so the write is still going when `true` exits.
    for (let i = 0; i < 10; i++) expect((await run('true', [], { input: Buffer.alloc(4 * 1024 * 1024) })).code).toBe(0);
    expect((await run('sh', ['-c', 'cat >/dev/null; exit 3'], { input: 'x' })).code).toBe(3);
  });
});
