/**
 * IPFS Cluster's streamed responses (api/common/api.go StreamResponse): one JSON object per line
 * as Go's json.Encoder writes them, 200 once the first item is there, 204 with no body when there
 * is none, a 500 error body when the source fails before the first item, and the
 * `X-Stream-Error` trailer (empty when all went well) that the Go client checks at the end.
 * Memory stays bounded: the next item is pulled only when the client took the previous chunk.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'hono';
import { clusterError } from './errors.js';

const CHUNK_CHARS = 16 * 1024;
const JSON_HEADERS = { 'Content-Type': 'application/json' } as const;

/** The Node response under hono's node adapter (absent under app.request()). */
function outgoingOf(c: Context): ServerResponse | undefined {
  const env = c.env as { outgoing?: unknown } | undefined;
  const out = env?.outgoing;
  return out !== null && typeof out === 'object' && typeof (out as ServerResponse).addTrailers === 'function' ? (out as ServerResponse) : undefined;
}

export interface StreamOptions {
  /** Logged when the source fails after the response started. */
  readonly onError?: (err: unknown) => void;
}

/**
 * Streams `map(item)` for each item of `source`; items mapped to undefined are skipped (filters).
 * `map` may be async (recover publishes before it answers).
 */
export async function jsonStream<T>(c: Context, items: AsyncIterable<T> | Iterable<T>, map: (item: T) => unknown, options: StreamOptions = {}): Promise<Response> {
  const source: AsyncIterator<T> | Iterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const next = async (): Promise<{ done: true } | { done: false; line: string }> => {
    for (;;) {
      const n = await source.next();
      if (n.done === true) return { done: true };
      const value = await map(n.value);
      if (value !== undefined) return { done: false, line: `${JSON.stringify(value)}\n` };
    }
  };

  let first: { done: true } | { done: false; line: string };
  try {
    first = await next();
  } catch (err: unknown) {
    await source.return?.(undefined);
    options.onError?.(err);
    return clusterError(c, 500, err instanceof Error ? err.message : String(err));
  }
  if (first.done) return c.body(null, 204, JSON_HEADERS);

  const outgoing = outgoingOf(c);
  const encoder = new TextEncoder();
  let pending: string = first.line;
  let finished = false;
  const finish = (streamError: string): void => {
    finished = true;
    if (outgoing !== undefined && !outgoing.writableEnded) outgoing.addTrailers({ 'X-Stream-Error': streamError });
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk = pending;
        pending = '';
        try {
          while (!finished && chunk.length < CHUNK_CHARS) {
            const n = await next();
            if (n.done) finish('');
            else chunk += n.line;
          }
        } catch (err: unknown) {
          options.onError?.(err);
          if (outgoing === undefined) {
            controller.error(err);
            return;
          }
          finish(err instanceof Error ? err.message : String(err));
        }
        if (chunk.length > 0) controller.enqueue(encoder.encode(chunk));
        if (finished) controller.close();
      },
      async cancel() {
        finished = true;
        await source.return?.(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  // Chunked encoding is what carries the trailer; it also stops the adapter from buffering the start.
  const headers: Record<string, string> = { ...JSON_HEADERS, 'Cache-Control': 'no-store' };
  if (outgoing !== undefined) Object.assign(headers, { 'Transfer-Encoding': 'chunked', Trailer: 'X-Stream-Error' });
  return c.body(body, 200, headers);
}
