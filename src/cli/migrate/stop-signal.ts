/**
 * An AbortSignal for "stop gracefully": from main.ts's RunContext.untilStopped() when the context
 * has one (SIGINT/SIGTERM handled once for the whole CLI), else from the process's own signals.
 */
import type { CliContext } from '../context.js';

export interface StopSignal {
  readonly signal: AbortSignal;
  /** Removes the process listeners (a no-op with untilStopped). */
  dispose(): void;
}

export function stopSignal(ctx: CliContext): StopSignal {
  const abort = new AbortController();
  const untilStopped = (ctx as Partial<{ untilStopped(): Promise<string> }>).untilStopped;
  if (typeof untilStopped === 'function') {
    untilStopped.call(ctx).then(
      (reason) => abort.abort(reason),
      () => undefined,
    );
    return { signal: abort.signal, dispose: () => undefined };
  }
  const onSignal = (): void => abort.abort('signal');
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    signal: abort.signal,
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
