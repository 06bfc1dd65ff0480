/** The writer's lifecycle: a small state machine whose illegal transitions throw. */
import { PinstateError } from '../../src/errors.js';

export const WRITER_STATES = ['starting', 'running', 'draining', 'stopped', 'failed'] as const;
/**
 * - starting: connecting, checking topics, joining the group.
 * - running: consuming and applying.
 * - draining: SIGTERM/stop() seen: no new fetches, in-flight batches finish and commit.
 * - stopped: disconnected cleanly; every applied message is committed.
 * - failed: start failed or the drain timed out; uncommitted work will be redelivered.
 */
export type WriterState = (typeof WRITER_STATES)[number];

const ALLOWED: Readonly<Record<WriterState, readonly WriterState[]>> = {
  starting: ['running', 'failed', 'draining'],
  running: ['draining', 'failed'],
  draining: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

export class Lifecycle {
  private current: WriterState = 'starting';

  constructor(private readonly onChange: (state: WriterState) => void = () => undefined) {
    onChange(this.current);
  }

  get state(): WriterState {
    return this.current;
  }

  to(next: WriterState): void {
    if (!ALLOWED[this.current].includes(next)) {
      throw new PinstateError('ILLEGAL_STATE', `writer cannot go from ${this.current} to ${next}`);
    }
    this.current = next;
    this.onChange(next);
  }
}
