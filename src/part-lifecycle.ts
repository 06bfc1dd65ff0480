/**
 * The start/stop state machine of a long-running part that owns its clients (the follower, the
 * agent): it starts once, from idle; a failed start cleans up and ends `failed`; stop acts only on
 * a running part and always ends `stopped`. One class, so every part answers `stop()` before
 * `start()`, a second `start()`, and a failure half-way through start the same way.
 */
import { PinstateError } from './errors.js';

export const PART_STATES = ['idle', 'starting', 'running', 'stopping', 'stopped', 'failed'] as const;
/**
 * - idle: made, not started.
 * - starting: connecting its clients.
 * - running: doing its work.
 * - stopping: stop() is closing its clients.
 * - stopped: closed (also after stop() before start()).
 * - failed: start() failed; its clients are closed.
 */
export type PartState = (typeof PART_STATES)[number];

export class PartLifecycle {
  private current: PartState = 'idle';

  /** `what` names the part in errors: "a follower", "an agent". */
  constructor(private readonly what: string) {}

  get state(): PartState {
    return this.current;
  }

  /**
   * Runs `start` from idle. `start` calls {@link running} once the part works; if `start` throws,
   * `cleanup` runs (its own failures ignored), the part ends `failed` and the error is rethrown.
   */
  async start(start: () => Promise<void>, cleanup: () => Promise<unknown>): Promise<void> {
    if (this.current !== 'idle') throw new PinstateError('ILLEGAL_STATE', `cannot start ${this.what} that is ${this.current}`);
    this.current = 'starting';
    try {
      await start();
    } catch (err: unknown) {
      this.current = 'failed';
      await cleanup().catch(() => undefined);
      throw err;
    }
  }

  /** starting → running. */
  running(): void {
    if (this.current !== 'starting') throw new PinstateError('ILLEGAL_STATE', `${this.what} cannot go from ${this.current} to running`);
    this.current = 'running';
  }

  /** A running part: stopping, `stop`, then stopped (also when `stop` throws). An idle part just becomes stopped; any other has nothing to stop. */
  async stop(stop: () => Promise<void>): Promise<void> {
    if (this.current !== 'running') {
      if (this.current === 'idle') this.current = 'stopped';
      return;
    }
    this.current = 'stopping';
    try {
      await stop();
    } finally {
      this.current = 'stopped';
    }
  }
}
