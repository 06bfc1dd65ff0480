/**
 * The writer's backoff is src/retry.ts's (exponential, full jitter between the
 * scylladb.retry_policy delays). This module only keeps the import path the writer's files use.
 */
export { exponentialBackoff, type Backoff } from '../../src/retry.js';
