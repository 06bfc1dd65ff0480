import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/background-error.ts', import.meta.url));

describe('an error that escapes into the background (unhandled rejection)', () => {
  it('stops a long-running command like SIGTERM would and exits 1 after its drain, naming the error', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', FIXTURE], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stdout).toContain('stopped: unhandled error in the background');
    expect(r.stderr).toContain('an error escaped into the background');
    expect(r.stderr).toContain('Cannot read properties of null (reading once)');
    expect(r.status).toBe(1);
  });
});
