/** Integration helpers for the migration tools: temp files, a CLI context over a test config. */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../../../src/cli/context.js';
import type { PinstateConfig } from '../../../src/config/types.js';
import { silentLogger } from '../../../src/log.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export function tempDir(prefix = 'migrate-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A copy of a fixture in a fresh directory (checkpoints and reject files go next to it). */
export function fixtureCopy(name: string): string {
  const path = join(tempDir(), name.replace(/\//g, '_'));
  copyFileSync(fixture(name), path);
  return path;
}

export interface CapturedContext extends CliContext {
  readonly stdout: string[];
  readonly stderr: string[];
}

export function testContext(config: PinstateConfig): CapturedContext {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { config: () => config, logger: () => silentLogger(), out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), interactive: false, stdout, stderr };
}
