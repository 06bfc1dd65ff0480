/**
 * How far V8 lets the heap grow past what was live after a full collection before it collects
 * again: `heap_growing_percent` (default 100, i.e. to twice the live heap). V8's own policy lets a
 * busy writer's heap grow to about four times its live peak, so its RSS settled near 380 MB at a
 * 1M backlog while what it held was at most ~60 MB (docs/benchmarks.md#memory). V8 reads this
 * flag at every full collection, so setting it at start-up takes effect in the running isolate
 * (unlike --max-old-space-size). A `--heap-growing-percent` on node's command line wins (node
 * refuses it in NODE_OPTIONS).
 */
import { setFlagsFromString } from 'node:v8';

export type HeapPolicy =
  /** This process set V8's flag from the config. */
  | { readonly source: 'config'; readonly percent: number }
  /** `heap_growing_percent` is 0: V8's own policy. */
  | { readonly source: 'v8'; readonly percent: 0 }
  /** node was started with the flag on its command line: left as given. */
  | { readonly source: 'node-flag'; readonly percent: number };

const FLAG = /^--heap[-_]growing[-_]percent(?:=(.*))?$/;

/** The value of a `--heap-growing-percent` among node's flags (`process.execArgv`), or null when none is given; the last one counts. */
export function explicitHeapGrowingPercent(execArgv: readonly string[]): number | null {
  let found: number | null = null;
  execArgv.forEach((token, i) => {
    const m = FLAG.exec(token);
    if (m === null) return;
    const value = m[1] ?? execArgv[i + 1];
    // A value V8 would not take (none, empty, not a whole number) is not counted: the config applies.
    if (value !== undefined && /^\d+$/.test(value)) found = Number(value);
  });
  return found;
}

/** What a process with this config and these node flags runs with (pure). */
export function heapPolicyFor(percent: number, execArgv: readonly string[]): HeapPolicy {
  const explicit = explicitHeapGrowingPercent(execArgv);
  if (explicit !== null) return { source: 'node-flag', percent: explicit };
  return percent === 0 ? { source: 'v8', percent: 0 } : { source: 'config', percent };
}

let current: HeapPolicy | null = null;

/** Sets V8's flag from `heap_growing_percent` unless node's own flags name it; once per process is enough. */
export function applyHeapPolicy(percent: number, env: { readonly execArgv?: readonly string[]; readonly setFlags?: (flags: string) => void } = {}): HeapPolicy {
  const policy = heapPolicyFor(percent, env.execArgv ?? process.execArgv);
  // 0 is set too: V8's own policy again, should an earlier call in this process have set another.
  if (policy.source !== 'node-flag') (env.setFlags ?? setFlagsFromString)(`--heap-growing-percent=${policy.percent}`);
  current = policy;
  return policy;
}

/** The growing percent this process runs with (0: V8's own policy), for /metrics. */
export function effectiveHeapGrowingPercent(): number {
  return current?.percent ?? explicitHeapGrowingPercent(process.execArgv) ?? 0;
}
