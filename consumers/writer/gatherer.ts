/**
 * Joint processing of small chunks. kafkajs hands each partition's batch of a fetch to its own
 * eachBatch call and fetches again only when all of them are done, so at low load every small
 * per-partition batch paid its own apply, publish and offset commit, in waves of
 * `writer.partitions_concurrently`. The gatherer collects the chunks submitted in the same turn
 * of the event loop (kafkajs's workers start their batches together) into one group, up to
 * `maxOps` operations, which the processor applies in one store call, publishes in one send and
 * commits in one offset commit. A chunk of `soloOps` or more (a backlog) goes alone, at once, so
 * backlog-sized fetches keep per-partition parallelism.
 */
export interface Gathered<C, R> {
  readonly item: C;
  resolve(result: R): void;
  reject(err: unknown): void;
}

export interface GathererOptions<C, R> {
  /** Operations in one group at most (writer.max_batch_ops). */
  readonly maxOps: number;
  /** A chunk this large is processed on its own. */
  readonly soloOps: number;
  readonly sizeOf: (item: C) => number;
  /** Processes one group; one result per item, in order. */
  readonly run: (items: readonly C[]) => Promise<readonly R[]>;
  /** Defers the flush to the end of this turn of the event loop (tests may pass their own). */
  readonly defer?: (fn: () => void) => void;
}

export class Gatherer<C, R> {
  private pending: Array<Gathered<C, R>> = [];
  private pendingOps = 0;
  private scheduled = false;

  constructor(private readonly o: GathererOptions<C, R>) {}

  submit(item: C): Promise<R> {
    const size = this.o.sizeOf(item);
    if (size >= this.o.soloOps) return this.o.run([item]).then((r) => r[0]!);
    return new Promise<R>((resolve, reject) => {
      if (this.pendingOps > 0 && this.pendingOps + size > this.o.maxOps) this.flush();
      this.pending.push({ item, resolve, reject });
      this.pendingOps += size;
      if (!this.scheduled) {
        this.scheduled = true;
        (this.o.defer ?? setImmediate)(() => {
          this.scheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    const group = this.pending;
    this.pending = [];
    this.pendingOps = 0;
    if (group.length === 0) return;
    this.o.run(group.map((g) => g.item)).then(
      (results) => group.forEach((g, i) => g.resolve(results[i]!)),
      (err: unknown) => group.forEach((g) => g.reject(err)),
    );
  }
}
