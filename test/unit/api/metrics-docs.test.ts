/** docs/metrics.md lists every metric a pinstate process registers. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { followerMetrics } from '../../../consumers/follower/index.js';
import { producerMetrics } from '../../../producers/index.js';
import { apiMetrics } from '../../../src/api/index.js';
import { allocatorMetrics } from '../../../src/allocator/metrics.js';
import { peerRegistryMetrics } from '../../../src/peers/metrics.js';
import { createRegistry, writerMetrics } from '../../../src/metrics.js';
import { applyHeapPolicy, effectiveSemiSpaceMb } from '../../../src/heap-policy.js';
import { packageRoot } from '../../../src/paths.js';
import { healthMetrics } from '../../../src/service/health-metrics.js';
import { ttlMetrics } from '../../../src/service/ttl-loop.js';
import type { CqlSession } from '../../../src/store/session.js';

describe('docs/metrics.md', () => {
  it('documents every registered metric with its type', async () => {
    const registry = createRegistry();
    writerMetrics(registry);
    producerMetrics(registry);
    followerMetrics(registry);
    apiMetrics(registry);
    ttlMetrics(registry);
    allocatorMetrics(registry);
    peerRegistryMetrics(registry);
    // Registration only; refresh() (which reads the session) is not called.
    healthMetrics(registry, { session: {} as CqlSession, kafkaConnected: () => Promise.resolve(true) });
    const doc = readFileSync(join(packageRoot(), 'docs/metrics.md'), 'utf8');
    const metrics = await registry.getMetricsAsJSON();
    expect(metrics.length).toBeGreaterThanOrEqual(25);
    for (const m of metrics) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${m.name}\` |`));
      expect(row, m.name).toBeDefined();
      expect(row, m.name).toContain(`| ${String(m.type)} |`);
    }
  });
});

describe('process metrics', () => {
  it("pinstate_nodejs_heap_size_limit_bytes is V8's heap limit of this process", async () => {
    const text = await createRegistry({ defaultMetrics: true }).metrics();
    const value = Number(/^pinstate_nodejs_heap_size_limit_bytes (\d+)$/m.exec(text)?.[1]);
    expect(value).toBe(getHeapStatistics().heap_size_limit);
    expect(value).toBeGreaterThan(0);
    const doc = readFileSync(join(packageRoot(), 'docs/metrics.md'), 'utf8');
    expect(doc).toContain('| `pinstate_nodejs_heap_size_limit_bytes` | gauge |');
  });

  it('pinstate_nodejs_heap_growing_percent is the policy applyHeapPolicy set', async () => {
    const value = async (): Promise<number> => Number(/^pinstate_nodejs_heap_growing_percent (\d+)$/m.exec(await createRegistry({ defaultMetrics: true }).metrics())?.[1]);
    const noFlags = { execArgv: [], setFlags: () => undefined };
    applyHeapPolicy(100, noFlags);
    expect(await value()).toBe(100);
    applyHeapPolicy(0, noFlags);
    expect(await value()).toBe(0);
    applyHeapPolicy(100, { ...noFlags, execArgv: ['--heap-growing-percent=40'] });
    expect(await value()).toBe(40);
    const doc = readFileSync(join(packageRoot(), 'docs/metrics.md'), 'utf8');
    expect(doc).toContain('| `pinstate_nodejs_heap_growing_percent` | gauge |');
  });

  it('pinstate_nodejs_heap_semi_space_mb is the semi-space node was started with (0: V8\'s own)', async () => {
    const text = await createRegistry({ defaultMetrics: true }).metrics();
    expect(Number(/^pinstate_nodejs_heap_semi_space_mb (\d+)$/m.exec(text)?.[1])).toBe(effectiveSemiSpaceMb());
    const doc = readFileSync(join(packageRoot(), 'docs/metrics.md'), 'utf8');
    expect(doc).toContain('| `pinstate_nodejs_heap_semi_space_mb` | gauge |');
  });
});
