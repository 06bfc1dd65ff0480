/** Records grouped by topic for one produce request: one entry per topic, in first-seen order, each topic's records in input order. */
export function groupByTopic<T, M>(items: readonly T[], topicOf: (item: T) => string, recordOf: (item: T) => M): Array<{ topic: string; messages: M[] }> {
  const byTopic = new Map<string, M[]>();
  for (const item of items) {
    const topic = topicOf(item);
    const list = byTopic.get(topic);
    if (list) list.push(recordOf(item));
    else byTopic.set(topic, [recordOf(item)]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}
