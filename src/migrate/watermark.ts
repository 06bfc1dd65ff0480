/**
 * The resume point of an import: the position before which every record is fully acknowledged
 * (published with acks=all, or committed to the store), while later records may still be in
 * flight and complete out of order. Pure bookkeeping, one entry per record in flight.
 */
import type { SourcePosition } from './source.js';

/** What a checkpoint records about the resume point. */
export interface ResumePoint {
  readonly position: SourcePosition;
  /** Records read before `position` (accepted + rejected). */
  readonly records: number;
}

export interface WatermarkTicket {
  readonly point: ResumePoint | null;
  done: boolean;
}

export class Watermark {
  private readonly queue: WatermarkTicket[] = [];
  private head = 0;
  private safe: ResumePoint;

  constructor(start: ResumePoint) {
    this.safe = start;
  }

  /**
   * Registers the next record. `point` describes the state just before it (null when its start
   * offset is unknown: it cannot be a resume point). Returns a ticket for `complete`.
   */
  begin(point: ResumePoint | null): WatermarkTicket {
    const entry: WatermarkTicket = { point, done: false };
    if (this.head === this.queue.length && point !== null) this.safe = point;
    this.queue.push(entry);
    return entry;
  }

  complete(entry: WatermarkTicket): void {
    entry.done = true;
    while (this.head < this.queue.length && this.queue[this.head]!.done) this.head++;
    const next = this.queue[this.head];
    if (next?.point) this.safe = next.point;
    // Compact now and then so the array does not grow with the input.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Everything before this point is done; a resume starts here. */
  get resumePoint(): ResumePoint {
    return this.safe;
  }

  /** Records begun and not completed. */
  get inFlight(): number {
    let n = 0;
    for (let i = this.head; i < this.queue.length; i++) if (!this.queue[i]!.done) n++;
    return n;
  }

  /** Marks the end of input: with nothing in flight, the resume point moves to `end`. */
  finish(end: ResumePoint): void {
    if (this.head === this.queue.length) this.safe = end;
  }
}
