import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../tools/chaos/scenarios.js';

// The smoke variant of `npm run chaos`: SIGKILLs of real writer processes only (no server restarts,
// which would disturb the other test files sharing the stack). The full run is `npm run chaos`.
describe('chaos smoke', () => {
  it('kills writers mid-stream and still ends with nothing lost, nothing doubled, exact stats', async () => {
    const r = await runScenario('kill', { seed: 3, size: 600, minKills: 3, keep: false, log: () => undefined });
    expect(r.kills).toBeGreaterThanOrEqual(3);
    expect(r.ops_applied).toBeGreaterThan(0);
    expect(r).toMatchObject({ lost: 0, duplicated_effects: 0, stats_drift: 0, unexpected_dlq: 0, passed: true });
  }, 300_000);
});
