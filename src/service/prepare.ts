/** What has to exist before the parts run: the keyspace at the current schema, and the topics. */
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import { ensureTopics, type EnsureReport } from '../kafka/topics.js';
import type { Logger } from '../log.js';
import { applySchema, type SchemaReport } from '../store/migrate.js';

export async function applyConfiguredSchema(config: PinstateConfig, logger: Logger): Promise<SchemaReport> {
  return applySchema({ config: config.scylla, logger });
}

export async function ensureConfiguredTopics(config: PinstateConfig, logger: Logger): Promise<EnsureReport> {
  const admin = createKafka({ config: config.kafka, logger }).admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, config.kafka);
  } finally {
    await admin.disconnect();
  }
}
