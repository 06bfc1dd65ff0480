/**
 * Makes sure the 4-node cluster answers (starting it with tools/multidc/cluster.sh when it does
 * not) and that the shared Kafka answers. Stopping the cluster is tools/multidc/run.sh's job.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { clusterScript, ensureSchemaAgreement } from './support/cluster.js';
import { kafkaBrokers } from './support/run.js';

const run = promisify(execFile);

export default async function setup(): Promise<void> {
  const status = await run('bash', [clusterScript(), 'status']).then(
    () => true,
    () => false,
  );
  if (!status) {
    process.stdout.write('multidc: starting the 4-node cluster (tools/multidc/cluster.sh up) ...\n');
    await run('bash', [clusterScript(), 'up'], { timeout: 900_000 });
  }
  await ensureSchemaAgreement();
  const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING, retry: { retries: 5 } }).admin();
  await admin.connect();
  await admin.describeCluster();
  await admin.disconnect();
}
