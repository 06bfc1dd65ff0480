/** Writer processes under a fault schedule: start, SIGKILL, SIGTERM, SIGSTOP/SIGCONT, counted. */
import { spawnWriter, type Child } from '../../test/support/process.js';

export class Supervisor {
  readonly children = new Set<Child>();
  kills = 0;
  restarts = 0;
  terms = 0;
  stalls = 0;
  /** Children stopped with SIGSTOP and not yet continued. */
  private readonly stopped = new Set<Child>();
  /** Exit codes of SIGTERMed writers that did not exit 0, or took longer than the bound. */
  readonly badDrains: string[] = [];

  constructor(private readonly configFile: string) {}

  start(): Child {
    const child = spawnWriter(this.configFile);
    this.children.add(child);
    void child.exited.then(() => this.children.delete(child));
    this.restarts++;
    return child;
  }

  private pick(): Child | undefined {
    const all = [...this.children];
    return all[Math.floor(Math.random() * all.length)];
  }

  async kill(): Promise<void> {
    const c = this.pick();
    if (!c) return;
    c.proc.kill('SIGKILL');
    this.kills++;
    await c.exited;
  }

  /** The writers that reached running. */
  running(): Child[] {
    return [...this.children].filter((c) => /writer (is )?running/.test(c.output()));
  }

  /** Freezes a writer (SIGSTOP): it keeps its sockets but sends nothing, like a long GC pause or a frozen VM. */
  stall(c: Child): void {
    c.proc.kill('SIGSTOP');
    this.stopped.add(c);
    this.stalls++;
  }

  /** Lets a stalled writer run again (SIGCONT), unaware of how long it was gone. */
  resume(c: Child): void {
    if (this.stopped.delete(c)) c.proc.kill('SIGCONT');
  }

  /** Graceful stop of a running writer; the drain must finish within `boundMs` with exit code 0. */
  async term(boundMs: number): Promise<void> {
    // Only writers that reached running: one still loading has no signal handler yet (and no work).
    const running = this.running();
    const c = running[Math.floor(Math.random() * running.length)];
    if (!c) return;
    const started = Date.now();
    c.proc.kill('SIGTERM');
    this.terms++;
    const timer = setTimeout(() => c.proc.kill('SIGKILL'), boundMs);
    const code = await c.exited;
    clearTimeout(timer);
    if (code !== 0 || Date.now() - started > boundMs) this.badDrains.push(`exit ${String(code)} after ${Date.now() - started} ms`);
  }

  async stopAll(): Promise<void> {
    // A stopped process would not see SIGTERM until continued.
    for (const c of [...this.stopped]) this.resume(c);
    await Promise.all([...this.children].map(async (c) => {
      c.proc.kill('SIGTERM');
      const t = setTimeout(() => c.proc.kill('SIGKILL'), 30_000);
      await c.exited;
      clearTimeout(t);
    }));
  }
}
