#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (also run by `npm ci` through `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('pinstate: dist/ is missing; run `npm ci` (or `npm run build`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const { exitWhenDone, processIo } = await import(new URL('../dist/src/cli/context.js', import.meta.url).href);
// The launcher may re-execute itself with node flags a long-running command needs at start-up (heap_semi_space_mb).
exitWhenDone(await main(process.argv.slice(2), processIo({ reexec: true })));
