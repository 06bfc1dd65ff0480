/** Where the package's own files (schemas/, scylla/) are, whether running from src/ or dist/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pinstate') {
      cachedRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('pinstate: cannot find the package root (package.json named "pinstate")');
    dir = parent;
  }
}

export const scyllaDir = (): string => join(packageRoot(), 'scylla');
export const schemasDir = (): string => join(packageRoot(), 'schemas');
