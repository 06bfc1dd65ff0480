import { describe, expect, it } from 'vitest';
import { isKafkajsNegativeTimeout } from '../../../src/cli/node-warnings.js';

describe("Node warnings pinstate does not print", () => {
  it("skips only kafkajs's negative request-queue timeout", () => {
    const stack = 'TimeoutNegativeWarning: -1795567405289 is a negative number.\n    at new Timeout (node:internal/timers:195:17)\n    at RequestQueue.scheduleCheckPendingRequests (/app/node_modules/kafkajs/src/network/requestQueue/index.js:317:37)';
    expect(isKafkajsNegativeTimeout({ name: 'TimeoutNegativeWarning', stack })).toBe(true);
    // The same warning from anywhere else is still printed.
    expect(isKafkajsNegativeTimeout({ name: 'TimeoutNegativeWarning', stack: 'TimeoutNegativeWarning: -5\n    at setTimeout (/app/src/mine.js:1:1)' })).toBe(false);
    // Other warnings from kafkajs are still printed.
    expect(isKafkajsNegativeTimeout({ name: 'DeprecationWarning', stack })).toBe(false);
  });
});
