/**
 * `pinstate verify --against FILE [--json] [--sample N] [--rmin N --rmax N --allocs …]`: compares
 * an IPFS Cluster export with the store (compare.ts). Exit codes: 0 equal; 1 different (or the
 * comparison failed: the message is on stderr); 2 usage (no --against, unreadable FILE, bad flag).
 * Give the same --rmin/--rmax/--allocs as the import to compare what the import wrote.
 */
import { createReadStream, statSync } from 'node:fs';
import { toClusterPin } from '../../adapter/cluster-state.js';
import type { ClusterPin } from '../../cluster/index.js';
import type { CliContext } from '../context.js';
import { EXIT, type ExitCode } from '../context.js';
import { NotFoundError } from '../../errors.js';
import type { PinStore } from '../../store/store.js';
import { createStore } from '../../store/store.js';
import { comparePinsets, type ActualSide } from '../../migrate/compare.js';
import { parseOverrides } from '../../migrate/overrides.js';
import type { VerifyReport } from '../../cluster/pin-diff.js';
import { createProgressReporter } from '../../migrate/progress.js';
import { readImportSource } from '../../migrate/source.js';

export interface VerifyFlags {
  readonly against?: string;
  readonly json?: boolean;
  readonly sample?: string;
  readonly concurrency?: string;
  readonly rmin?: string;
  readonly rmax?: string;
  readonly allocs?: string;
}

/** The store as the actual side of a comparison. */
export function storeSide(store: PinStore): ActualSide {
  return {
    async get(cid) {
      try {
        return toClusterPin(await store.get(cid));
      } catch (err: unknown) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    },
    async *list(): AsyncGenerator<ClusterPin> {
      for await (const pin of store.list()) yield toClusterPin(pin);
    },
  };
}

/** Verifies a file against a store (the library form of the command). */
export async function verifyFile(path: string, store: PinStore, options: { sample?: number; concurrency?: number; overrides?: ReturnType<typeof parseOverrides>; onProgress?: (n: number) => void } = {}): Promise<VerifyReport> {
  const source = readImportSource(createReadStream(path, { highWaterMark: 256 * 1024 }), { overrides: options.overrides ?? {} });
  return comparePinsets(source.records, storeSide(store), {
    ...(options.sample === undefined ? {} : { sample: options.sample }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    onProgress: (p) => options.onProgress?.(p.expected + p.scanned),
  });
}

export async function verifyCommand(ctx: CliContext, flags: VerifyFlags): Promise<ExitCode> {
  const usage = (m: string): ExitCode => {
    ctx.err(`pinstate verify: ${m}\n`);
    return EXIT.usage;
  };
  if (!flags.against) return usage('--against FILE is required');
  const sample = flags.sample === undefined ? 10 : Number(flags.sample);
  const concurrency = flags.concurrency === undefined ? 32 : Number(flags.concurrency);
  if (!Number.isSafeInteger(sample) || sample < 0) return usage(`--sample: expected a non-negative integer, got ${flags.sample}`);
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) return usage(`--concurrency: expected a positive integer, got ${flags.concurrency}`);
  let overrides;
  try {
    overrides = parseOverrides(flags);
    if (!statSync(flags.against).isFile()) return usage(`--against ${flags.against} is not a file`);
  } catch (err: unknown) {
    return usage(err instanceof Error ? err.message : String(err));
  }
  const logger = ctx.logger().child({ component: 'verify' });
  const bar = createProgressReporter({ label: 'verify', unit: 'pins', tty: process.stderr.isTTY === true, logger });
  let store: PinStore | undefined;
  try {
    store = await createStore({ config: ctx.config().scylla, logger });
    const report = await verifyFile(flags.against, store, { sample, concurrency, overrides, onProgress: (n) => bar.update({ done: n, total: null, items: n }) });
    bar.stop();
    ctx.out(flags.json ? `${JSON.stringify(report)}\n` : formatVerifyReport(report));
    return report.equal ? EXIT.ok : EXIT.failure;
  } catch (err: unknown) {
    bar.stop();
    ctx.err(`pinstate verify: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT.failure;
  } finally {
    await store?.close();
  }
}

export function formatVerifyReport(r: VerifyReport): string {
  const lines = [
    r.equal ? 'EQUAL: the store holds exactly the pins of the file' : 'DIFFERENT',
    `file pins:   ${r.expected}`,
    `matching:    ${r.matching}`,
    `missing:     ${r.missing}  (in the file, not in the store)`,
    `extra:       ${r.extra}  (in the store, not in the file)`,
    `differing:   ${r.differing}${Object.keys(r.fields).length > 0 ? `  (${Object.entries(r.fields).map(([f, n]) => `${f}: ${n}`).join(', ')})` : ''}`,
    `unreadable:  ${r.unreadable}  (records of the file that are not valid pins)`,
  ];
  if (r.duplicates > 0) lines.push(`duplicates:  ${r.duplicates}  (CIDs listed more than once in the file)`);
  for (const cid of r.samples.missing) lines.push(`  missing   ${cid}`);
  for (const cid of r.samples.extra) lines.push(`  extra     ${cid}`);
  for (const d of r.samples.differing) {
    lines.push(`  differing ${d.cid}`);
    for (const f of d.fields) lines.push(`      ${f.field}: file ${JSON.stringify(f.expected)} ≠ store ${JSON.stringify(f.actual)}`);
  }
  for (const u of r.samples.unreadable) lines.push(`  unreadable line ${u.line}: ${u.message}`);
  return `${lines.join('\n')}\n`;
}
