// Shared by the cluster tests: fixture files, chunked byte streams and a record collector.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readJsonObjects, type JsonStreamRecord, type ReadJsonObjectsOptions } from '../../../src/cluster/json-stream.js';

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/cluster/${name}`, import.meta.url)), 'utf8');
}

/** Yields the chunks one event-loop turn apart, as a file or socket stream would. */
export async function* stream<T extends Uint8Array | string>(chunks: Iterable<T>): AsyncGenerator<T> {
  for (const chunk of chunks) {
    await Promise.resolve();
    yield chunk;
  }
}

/** The bytes of `text` in chunks of `size` bytes: multi-byte characters get split. */
export function byteChunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return stream(chunks);
}

/** The bytes of `text` cut at the given byte offsets. */
export function cutAt(text: string, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(Math.max(cut, from), bytes.length);
    chunks.push(bytes.subarray(from, at));
    from = at;
  }
  chunks.push(bytes.subarray(from));
  return stream(chunks);
}

export function strings(...parts: string[]): AsyncGenerator<string> {
  return stream(parts);
}

export async function collect(input: AsyncIterable<Uint8Array | string>, options?: ReadJsonObjectsOptions): Promise<JsonStreamRecord[]> {
  const out: JsonStreamRecord[] = [];
  for await (const record of readJsonObjects(input, options)) out.push(record);
  return out;
}

/** A record reduced to comparable data: `{ line, value }` or `{ line, code, errorLine }`. */
export function summary(record: JsonStreamRecord): { line: number; value?: unknown; code?: string; errorLine?: unknown } {
  if ('error' in record) return { line: record.line, code: record.error.code, errorLine: record.error.details?.['errorLine'] };
  return { line: record.line, value: record.value };
}

/** Real peer ids (ed25519 and RSA), from IPFS Cluster's tests and the compatibility notes. */
export const PEERS = {
  a: '12D3KooWGHTKzeT4KaLGLrbKKyT8zKrBPXAUBRzCAN6ZMDMo4M6M',
  b: '12D3KooWFBFCDQzAkQSwPZLV883pKdsmb6urQ3sMjfJHUxn5GCVv',
  c: '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN',
  rsa1: 'QmXZrtE5jQwXNqCJMfHUTQkvhQ4ZAnqMnmzFMJfLewuabc',
  rsa2: 'QmUZ13osndQ5uL4tPWHXe3iBgBgq9gfewcBMSCAuMBsDJ6',
} as const;

export const CIDS = {
  v0: 'QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6',
  v0b: 'QmUaFyXjZUNaUwYF8rBtbJc7fEJ46aJXvgV8z2HHs6jvmJ',
  v1: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi',
  raw: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
} as const;
