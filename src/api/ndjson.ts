/**
 * NDJSON responses over async iterables with bounded memory: the stream pulls the next item only
 * when the client has taken the previous chunk (one chunk of at most ~16 KiB buffered), and a
 * client that goes away stops the underlying scan.
 */

const CHUNK_CHARS = 16 * 1024;

export interface NdjsonOptions {
  /** Stop after this many lines. */
  readonly limit?: number | undefined;
  /** Called when the source fails after the response started (the connection is cut). */
  readonly onError?: (err: unknown) => void;
}

/** A byte stream of `JSON.stringify(map(item)) + "\n"` for each item of `source`. */
export function ndjsonStream<T>(source: AsyncIterator<T>, map: (item: T) => unknown, options: NdjsonOptions = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  let finished = false;
  const finish = async (): Promise<void> => {
    if (finished) return;
    finished = true;
    await source.return?.(undefined);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let chunk = '';
        try {
          while (chunk.length < CHUNK_CHARS) {
            if (sent >= limit) {
              await finish();
              break;
            }
            const next = await source.next();
            if (next.done === true) {
              finished = true;
              break;
            }
            chunk += `${JSON.stringify(map(next.value))}\n`;
            sent += 1;
          }
        } catch (err: unknown) {
          finished = true;
          options.onError?.(err);
          controller.error(err);
          return;
        }
        if (chunk.length > 0) controller.enqueue(encoder.encode(chunk));
        if (finished) controller.close();
      },
      async cancel() {
        await finish();
      },
    },
    // One chunk ahead of the client at most.
    { highWaterMark: 0 },
  );
}
