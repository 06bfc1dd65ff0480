/**
 * One known-harmless Node warning, silenced: kafkajs 2.2.4's request queue schedules its check
 * with `throttledUntil - Date.now()` while throttledUntil is -1, which Node 24 reports at every
 * client start as "TimeoutNegativeWarning: -1795… is a negative number" (upstream kafkajs issue
 * 1751; the timer then fires after 1 ms, as kafkajs intends). Every other warning is printed as
 * Node prints it.
 */

/** Whether a process warning is kafkajs's negative request-queue timeout. */
export function isKafkajsNegativeTimeout(warning: Pick<Error, 'name' | 'stack'>): boolean {
  return warning.name === 'TimeoutNegativeWarning' && /kafkajs[\\/]src[\\/]network[\\/]requestQueue/.test(warning.stack ?? '');
}

let installed = false;

/** Replaces Node's default warning printer with one that skips isKafkajsNegativeTimeout. Idempotent. */
export function filterKnownWarnings(): void {
  if (installed || process.noDeprecation === true || process.execArgv.includes('--no-warnings')) return;
  installed = true;
  const defaults = process.listeners('warning');
  process.removeAllListeners('warning');
  process.on('warning', (warning: Error) => {
    if (isKafkajsNegativeTimeout(warning)) return;
    for (const listener of defaults) listener(warning);
  });
}
