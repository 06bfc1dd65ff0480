/**
 * IPFS Cluster's Unmarshal over any `add`: every pin of a whitespace-separated stream of api.Pin
 * JSON objects is added in order. Bad records are reported, not fatal, unless `strict`.
 */
import { isJsonErrorRecord, parseApiPin, readJsonObjects, type ClusterPin } from '../cluster/index.js';
import { PinstateError } from '../errors.js';
import type { UnmarshalReport } from './cluster-state.js';

export async function unmarshalInto(input: AsyncIterable<Uint8Array | string>, add: (pin: ClusterPin) => Promise<void>, options: { strict?: boolean } = {}): Promise<UnmarshalReport> {
  let added = 0;
  const errors: Array<{ line: number; error: PinstateError }> = [];
  for await (const record of readJsonObjects(input)) {
    try {
      if (isJsonErrorRecord(record)) throw record.error;
      await add(parseApiPin(record.value, `line ${record.line}`));
      added++;
    } catch (err: unknown) {
      if (!(err instanceof PinstateError) || options.strict) throw err;
      errors.push({ line: record.line, error: err });
    }
  }
  return { added, errors };
}
