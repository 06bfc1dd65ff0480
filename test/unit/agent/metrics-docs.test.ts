/** docs/metrics.md lists every metric the agent registers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentMetrics } from '../../../src/agent/metrics.js';
import { createRegistry } from '../../../src/metrics.js';
import { packageRoot } from '../../../src/paths.js';

describe('docs/metrics.md (agent)', () => {
  it('documents every agent metric with its type', async () => {
    const registry = createRegistry();
    agentMetrics(registry);
    const doc = readFileSync(join(packageRoot(), 'docs/metrics.md'), 'utf8');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBe(9);
    for (const m of metrics) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${m.name}\` |`));
      expect(row, m.name).toBeDefined();
      expect(row, m.name).toContain(`| ${String(m.type)} |`);
    }
  });
});
