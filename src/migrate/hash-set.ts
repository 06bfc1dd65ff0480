/**
 * A compact set of CIDs for verify's "extra" pass: each CID is kept as a 64-bit hash (cyrb53's
 * two 32-bit lanes, fast and well mixed; CIDs are random text anyway) in an open-addressing table
 * of two Uint32Arrays, not as a string.
 *
 * Memory: 8 bytes per slot, load factor 0.375–0.75, so 11–21 bytes per CID (about 16 on
 * average; 1.5× that for a moment while the table doubles): 10^7 CIDs ≈ 160 MB, 5×10^7 ≈ 0.8 GB.
 * A string Set would take ~100 bytes per CID. The price is a false "present" when two CIDs share
 * a 64-bit hash: with n = 10^8 CIDs the chance that any pair does is n²/2^65 ≈ 3×10^-4, and it
 * can only hide an extra pin, never invent a difference.
 */
const MAX_LOAD = 0.75;

export class CidHashSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private mask: number;
  private count = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 16;
    while (cap < initialCapacity) cap *= 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.hi.byteLength + this.lo.byteLength;
  }

  /** Adds a CID (its canonical text); false when it was already there. */
  add(cid: string): boolean {
    const [h, l] = hash(cid);
    if (this.find(h, l) >= 0) return false;
    if (this.count + 1 > (this.mask + 1) * MAX_LOAD) this.grow();
    this.insert(h, l);
    this.count++;
    return true;
  }

  has(cid: string): boolean {
    const [h, l] = hash(cid);
    return this.find(h, l) >= 0;
  }

  private find(h: number, l: number): number {
    for (let i = l & this.mask; ; i = (i + 1) & this.mask) {
      const sh = this.hi[i]!;
      const sl = this.lo[i]!;
      if (sh === 0 && sl === 0) return -1;
      if (sh === h && sl === l) return i;
    }
  }

  private insert(h: number, l: number): void {
    let i = l & this.mask;
    while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & this.mask;
    this.hi[i] = h;
    this.lo[i] = l;
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const cap = oldHi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < oldHi.length; i++) if (oldHi[i] !== 0 || oldLo[i] !== 0) this.insert(oldHi[i]!, oldLo[i]!);
  }
}

/** 64 bits (cyrb53's two lanes) as (hi, lo), never (0, 0): that pair marks an empty slot. */
function hash(cid: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < cid.length; i++) {
    const c = cid.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const h = h1 >>> 0;
  const l = h2 >>> 0;
  return h === 0 && l === 0 ? [0, 1] : [h, l];
}
