import { defineConfig } from 'vitest/config';

// Three tiers: `unit` (pure logic, no servers), `integration` (real Kafka + Cassandra started by
// test/integration/global-setup.ts unless KAFKA_BROKERS / SCYLLA_HOSTS point elsewhere) and
// `faults` (tests that stop and start those servers: run last, one file at a time).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Projects with different maxWorkers must run in separate groups: unit first.
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Two cores run Kafka, Cassandra and the tests: a little parallelism, not much.
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        test: {
          // Tests that stop and start the local stack's servers: alone, after everything else.
          name: 'faults',
          sequence: { groupOrder: 2 },
          include: ['test/faults/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
