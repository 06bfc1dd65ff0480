import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files in name order (00-, 01-, ...): the scenarios are meant to read as a sequence. */
class ByName extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}

// The multi-DC suite (docs/multi-dc.md): real 4-node, 2-DC Cassandra cluster from
// tools/multidc/cluster.sh, shared Kafka. Scenarios stop and start database nodes, so files run
// one at a time, in name order. Run through `bash tools/multidc/run.sh` (npm run test:multidc),
// which starts the cluster, prints the summary lines and stops the cluster.
export default defineConfig({
  test: {
    name: 'multidc',
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/multidc/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/multidc/global-setup.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { shuffle: false, sequencer: ByName },
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
