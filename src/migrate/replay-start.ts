/**
 * Where a replay starts: the replay group's committed offsets on the intents and acks topics are
 * set before its writer joins — earliest (`--from-beginning`), the first offset at or after a time
 * (`--from-timestamp`), or offsets read from a file (`--from-offsets`). The group must have no
 * active member while this happens (Kafka refuses otherwise).
 */
import { readFileSync } from 'node:fs';
import type { KafkaAdmin as Admin } from '../kafka/client.js';
import { topicOffsets } from '../kafka/offsets.js';
import { ValidationError } from '../errors.js';

export type ReplayStart =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'timestamp'; readonly ts: number }
  | { readonly kind: 'offsets'; readonly offsets: OffsetsFile };

/**
 * `--from-offsets FILE`: `{ "<topic>": { "<partition>": "<offset>" } }`. Topic keys are the topic
 * names or the roles `intents` / `acks`. Partitions not listed start at the earliest offset.
 */
export type OffsetsFile = Readonly<Record<string, Readonly<Record<string, string | number>>>>;

/** Parses `--from-timestamp`: unix milliseconds or an ISO 8601 / RFC 3339 time. */
export function parseTimestamp(text: string): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) : Date.parse(trimmed);
  if (!Number.isSafeInteger(ms) || ms < 0) throw new ValidationError('INVALID_FIELD', '--from-timestamp', `expected unix milliseconds or an RFC 3339 time, got ${JSON.stringify(text)}`);
  return ms;
}

export function loadOffsetsFile(path: string): OffsetsFile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err: unknown) {
    throw new ValidationError('UNDECODABLE', '--from-offsets', `${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ValidationError('INVALID_FIELD', '--from-offsets', 'expected {"<topic>": {"<partition>": "<offset>"}}');
  for (const [topic, parts] of Object.entries(value as Record<string, unknown>)) {
    if (parts === null || typeof parts !== 'object' || Array.isArray(parts)) throw new ValidationError('INVALID_FIELD', `--from-offsets.${topic}`, 'expected {"<partition>": "<offset>"}');
    for (const [p, o] of Object.entries(parts as Record<string, unknown>)) {
      if (!/^\d+$/.test(p)) throw new ValidationError('INVALID_FIELD', `--from-offsets.${topic}.${p}`, 'partition must be a non-negative integer');
      if (!(typeof o === 'number' || typeof o === 'string') || !/^\d+$/.test(String(o))) throw new ValidationError('INVALID_FIELD', `--from-offsets.${topic}.${p}`, 'offset must be a non-negative integer');
    }
  }
  return value as OffsetsFile;
}

/** Sets the group's offsets on each topic; `roles` maps role names to topic names. */
export async function setReplayStart(admin: Admin, groupId: string, roles: { intents: string; acks: string }, start: ReplayStart): Promise<void> {
  for (const [role, topic] of Object.entries(roles)) {
    if (start.kind === 'beginning') {
      const ends = await topicOffsets(admin, topic);
      await admin.setOffsets({ groupId, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.low })) });
    } else if (start.kind === 'timestamp') {
      const found = await admin.fetchTopicOffsetsByTimestamp(topic, start.ts);
      const ends = await topicOffsets(admin, topic);
      // -1: nothing at or after the time in that partition; start at its end.
      const partitions = found.map((f) => ({ partition: f.partition, offset: f.offset === '-1' ? (ends.find((e) => e.partition === f.partition)?.high ?? '0') : f.offset }));
      await admin.setOffsets({ groupId, topic, partitions });
    } else {
      const given = start.offsets[topic] ?? start.offsets[role] ?? {};
      const ends = await topicOffsets(admin, topic);
      const partitions = ends.map((e) => {
        const o = given[String(e.partition)];
        return { partition: e.partition, offset: o === undefined ? e.low : String(o) };
      });
      await admin.setOffsets({ groupId, topic, partitions });
    }
  }
}
