/**
 * Child processes the benchmark measures (the writer, `pinstate export`) and what Linux says
 * about them: CPU time from /proc/<pid>/stat (utime + stime, in clock ticks, all threads) and
 * peak resident memory from /proc/<pid>/status (VmHWM).
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';

/** Clock ticks per second (`getconf CLK_TCK`; 100 on every common Linux). */
export function clockTicks(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of a process in clock ticks, or null when it is gone. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // rest[0] is field 3 (state): utime is field 14, stime field 15.
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

/**
 * VmRSS and VmHWM (peak) in KiB from a /proc/<pid>/status text; null when they are missing, as
 * in a zombie's status (exited, not yet reaped).
 */
export function parseMemoryStatus(status: string): { rssKb: number; hwmKb: number } | null {
  const field = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : null;
  };
  const rssKb = field('VmRSS');
  const hwmKb = field('VmHWM');
  return rssKb === null || hwmKb === null ? null : { rssKb, hwmKb };
}

/** VmRSS and VmHWM (peak) of a process in KiB, or null when it is gone or exiting. */
export function memoryKb(pid: number): { rssKb: number; hwmKb: number } | null {
  try {
    return parseMemoryStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

export interface Entry {
  /** Node arguments before the script's own (e.g. `--import tsx`). */
  readonly args: readonly string[];
  /** "dist" (compiled) or "source" (run through tsx). */
  readonly kind: 'dist' | 'source';
}

/**
 * How to run a pinstate script: the compiled file under dist/ when it exists and is not older
 * than the sources it was built from, else the TypeScript source through tsx.
 */
export function scriptEntry(distRel: string, sourceRel: string, options: { fromSource?: boolean; newerThan?: readonly string[] } = {}): Entry {
  const root = packageRoot();
  const dist = join(root, distRel);
  if (options.fromSource !== true && existsSync(dist)) {
    const built = statSync(dist).mtimeMs;
    const stale = (options.newerThan ?? []).some((f) => existsSync(join(root, f)) && statSync(join(root, f)).mtimeMs > built);
    if (!stale) return { args: [dist], kind: 'dist' };
  }
  return { args: ['--import', 'tsx', join(root, sourceRel)], kind: 'source' };
}

/** Sources whose changes make a stale dist/ unfit for measuring the writer. */
export const WRITER_SOURCES = ['consumers/writer/writer.ts', 'src/store/commit.ts', 'src/store/writes.ts', 'src/store/bulk.ts', 'src/store/session.ts'] as const;

export interface Child {
  readonly proc: ChildProcess;
  readonly pid: number;
  /** The last 64 KiB of stdout + stderr (for error messages); everything goes to `logFile`. */
  output(): string;
  /** performance.now() when a line containing `text` first appeared on stdout, else undefined. */
  sawAt(text: string): number | undefined;
  readonly exited: Promise<number | string>;
}

export interface SpawnOptions {
  readonly entry: Entry;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Node options placed before the entry (e.g. `--cpu-prof`). */
  readonly nodeOptions?: readonly string[];
  readonly logFile: string;
  /** stdout substrings whose first appearance is time-stamped. */
  readonly watch?: readonly string[];
}

export function spawnChild(options: SpawnOptions): Child {
  const proc = spawn(process.execPath, [...(options.nodeOptions ?? []), ...options.entry.args, ...options.args], {
    cwd: packageRoot(),
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (proc.pid === undefined) throw new Error(`cannot start ${process.execPath} ${options.entry.args.join(' ')}`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let tail = '';
  const seen = new Map<string, number>();
  const keep = (d: Buffer): void => {
    log.write(d);
    tail = (tail + d.toString()).slice(-65_536);
  };
  proc.stdout?.on('data', (d: Buffer) => {
    keep(d);
    const text = d.toString();
    for (const w of options.watch ?? []) if (!seen.has(w) && text.includes(w)) seen.set(w, performance.now());
  });
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    proc.on('exit', (code, signal) => {
      log.end();
      resolve(code ?? signal ?? -1);
    }),
  );
  return { proc, pid: proc.pid, output: () => tail, sawAt: (t) => seen.get(t), exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Resolves with the exit code or signal. */
export async function stopChild(child: Child, graceMs = 60_000): Promise<number | string> {
  child.proc.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((r) => {
    timer = setTimeout(() => {
      child.proc.kill('SIGKILL');
      r();
    }, graceMs);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  return child.exited;
}

/** Server processes of the local stack (tools/local-stack/stack.sh status), by role. */
export interface ServerPids {
  readonly cassandra?: number;
  readonly kafka?: number;
}

/** Parses `stack.sh status` lines (`cassandra-node1    running  pid 14920 …`). Pure. */
export function parseStackStatus(text: string): ServerPids {
  const pid = (name: string): number | undefined => {
    const m = new RegExp(`^${name}\\s+running\\s+pid (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  const cassandra = pid('cassandra-node1');
  const kafka = pid('kafka');
  return { ...(cassandra === undefined ? {} : { cassandra }), ...(kafka === undefined ? {} : { kafka }) };
}

/** tools/local-stack/stack.sh when the database hosts are loopback ones and the script exists; else null. */
export function localStackScript(hosts: readonly string[]): string | null {
  const script = join(packageRoot(), 'tools', 'local-stack', 'stack.sh');
  return hosts.every((h) => h.startsWith('127.') || h === 'localhost') && existsSync(script) ? script : null;
}

/** The local stack's server pids, when the endpoints are the local stack's and it runs; else {}. */
export function localServerPids(hosts: readonly string[]): ServerPids {
  const script = localStackScript(hosts);
  if (script === null) return {};
  // `status` exits non-zero when any optional part (SASL broker, secure node) is stopped; its text still lists every part.
  const r = spawnSync('bash', [script, 'status'], { encoding: 'utf8', timeout: 20_000 });
  return typeof r.stdout === 'string' ? parseStackStatus(r.stdout) : {};
}

/** CPU ticks of each server now (shared servers: other clients' work counts too). */
export function serverTicks(pids: ServerPids): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [role, pid] of Object.entries(pids)) out[role] = typeof pid === 'number' ? cpuTicks(pid) : null;
  return out;
}
