import { describe, expect, it } from 'vitest';
import { Watermark } from '../../../src/migrate/watermark.js';

const pt = (line: number, records: number) => ({ position: { line, offset: line * 100 }, records });

describe('import resume point', () => {
  it('advances only past records that are all acknowledged, whatever the completion order', () => {
    const w = new Watermark(pt(1, 0));
    const a = w.begin(pt(1, 0));
    const b = w.begin(pt(2, 1));
    const c = w.begin(pt(3, 2));
    expect(w.resumePoint).toEqual(pt(1, 0));
    w.complete(c);
    expect(w.resumePoint).toEqual(pt(1, 0));
    w.complete(a);
    expect(w.resumePoint).toEqual(pt(2, 1));
    expect(w.inFlight).toBe(1);
    w.complete(b);
    // All done: the next record to begin is the resume point.
    const d = w.begin(pt(7, 3));
    expect(w.resumePoint).toEqual(pt(7, 3));
    w.complete(d);
    w.finish(pt(9, 4));
    expect(w.resumePoint).toEqual(pt(9, 4));
  });

  it('a record without a known offset is never a resume point: the earlier one stays', () => {
    const w = new Watermark(pt(1, 0));
    const a = w.begin(pt(1, 0));
    const b = w.begin(null);
    w.complete(a);
    expect(w.resumePoint).toEqual(pt(1, 0));
    w.complete(b);
    const c = w.begin(pt(5, 2));
    expect(w.resumePoint).toEqual(pt(5, 2));
    w.complete(c);
  });

  it('keeps its queue short over a long input', () => {
    const w = new Watermark(pt(1, 0));
    for (let i = 1; i <= 100_000; i++) w.complete(w.begin(pt(i, i - 1)));
    expect(w.inFlight).toBe(0);
    expect(w.resumePoint).toEqual(pt(100_000, 99_999));
  });
});
