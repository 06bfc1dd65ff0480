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

/**
 * The whole-number value of the node flag `flag` matches (`--name=N` or `--name N`) among `tokens`,
 * or null when none is given; the last one counts. A value V8 would not take (none, empty, not a
 * whole number) is not counted, so the config applies.
 */
function flagValue(flag: RegExp, tokens: readonly string[]): number | null {
  let found: number | null = null;
  tokens.forEach((token, i) => {
    const m = flag.exec(token);
    if (m === null) return;
    const value = m[1] ?? tokens[i + 1];
    if (value !== undefined && /^\d+$/.test(value)) found = Number(value);
  });
  return found;
}

/** The value of a `--heap-growing-percent` among node's flags (`process.execArgv`), or null when none is given; the last one counts. */
export function explicitHeapGrowingPercent(execArgv: readonly string[]): number | null {
  return flagValue(FLAG, execArgv);
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

/*
 * The young generation. V8 sizes it only when the isolate starts (`--max-semi-space-size`, MB per
 * semi-space); a running process cannot resize it, and Node 22 and later let it grow to 64 MB per
 * semi-space where Node 20 stops at 16. So a long-running command started without the flag
 * re-executes itself with it, in the same process (process.execve: same pid, same open files,
 * nothing to supervise), before it opens any connection.
 */

/** What a long-running command does about `heap_semi_space_mb`. */
export type SemiSpacePlan =
  /** Run as is: `mb` is the semi-space in effect when known (null: V8's own size). */
  | { readonly action: 'keep'; readonly source: 'node-flag' | 'node-options' | 'v8' | 'no-execve' | 'reexec-failed' | 'reexecuted'; readonly mb: number | null }
  /** Re-execute with these node flags in front of the current ones. */
  | { readonly action: 'reexec'; readonly flags: readonly string[]; readonly mb: number };

const SEMI_FLAG = /^--max[-_]semi[-_]space[-_]size(?:=(.*))?$/;

/** The value of a `--max-semi-space-size` among node flags, or null when none is given; the last one counts. */
export function explicitSemiSpaceMb(tokens: readonly string[]): number | null {
  return flagValue(SEMI_FLAG, tokens);
}

/** NODE_OPTIONS as node flags (whitespace-separated; node's quoting is not needed for these flags). */
const optionTokens = (nodeOptions: string | undefined): string[] => (nodeOptions ?? '').split(/\s+/).filter((t) => t !== '');

/** Marks a process this module re-executed, so it never does so twice. */
export const REEXEC_MARK = 'PINSTATE_REEXECUTED';

let reexecutedMark: boolean | undefined;

/**
 * True in a process that was re-executed for its semi-space. The first call takes the mark out of
 * the environment, so processes this one starts do not inherit it; later calls answer the same.
 */
export function takeReexecMark(env: NodeJS.ProcessEnv = process.env): boolean {
  if (reexecutedMark === undefined) {
    reexecutedMark = env[REEXEC_MARK] === '1';
    delete env[REEXEC_MARK];
  }
  return reexecutedMark;
}

export interface SemiSpaceFacts {
  /** node's command-line flags (process.execArgv). */
  readonly execArgv: readonly string[];
  /** NODE_OPTIONS, whose flags node applies too but execArgv does not list. */
  readonly nodeOptions: string | undefined;
  /** process.execve exists (Node 22.15 and later, not on Windows) and the launcher allows it. */
  readonly canReexec: boolean;
  /** REEXEC_MARK is set: this process is the re-executed one. */
  readonly reexecuted: boolean;
}

/** The semi-space node was started with, and where it was given; null: V8's own size. Command-line flags win over NODE_OPTIONS. */
function givenSemiSpace(execArgv: readonly string[], nodeOptions: string | undefined): { readonly mb: number; readonly from: 'node-flag' | 'node-options' } | null {
  const flag = explicitSemiSpaceMb(execArgv);
  if (flag !== null) return { mb: flag, from: 'node-flag' };
  const fromOptions = explicitSemiSpaceMb(optionTokens(nodeOptions));
  return fromOptions === null ? null : { mb: fromOptions, from: 'node-options' };
}

/** What a long-running command with `heap_semi_space_mb` = `mb` should do (pure). */
export function semiSpacePlan(mb: number, facts: SemiSpaceFacts): SemiSpacePlan {
  const given = givenSemiSpace(facts.execArgv, facts.nodeOptions);
  // The re-executed process finds its flag on its command line.
  if (given !== null) return { action: 'keep', source: given.from === 'node-flag' && facts.reexecuted ? 'reexecuted' : given.from, mb: given.mb };
  if (mb === 0) return { action: 'keep', source: 'v8', mb: null };
  // Re-executed yet without the flag (something dropped it): never loop.
  if (!facts.canReexec || facts.reexecuted) return { action: 'keep', source: 'no-execve', mb: null };
  return { action: 'reexec', flags: [`--max-semi-space-size=${mb}`], mb };
}

/** The semi-space this process runs with in MB (0: V8's own size), for /metrics. */
export function effectiveSemiSpaceMb(execArgv: readonly string[] = process.execArgv, nodeOptions: string | undefined = process.env['NODE_OPTIONS']): number {
  return givenSemiSpace(execArgv, nodeOptions)?.mb ?? 0;
}
