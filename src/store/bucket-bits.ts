/**
 * Which `peer_buckets` rows this process has already written: one bit per (peer, bucket).
 *
 * A peer's bucket index row only has to exist once; writing it again is an idempotent no-op that
 * still costs a request. A string set of `peer/bucket` keys cost ~120 bytes per row and, capped at
 * 200,000 keys, was cleared over and over once peers × buckets passed the cap (32 peers × 2^15
 * buckets is 1M rows). A bitmap is 2^bits / 8 bytes per peer (4 KiB at the default 15 bits), so
 * 32 peers fit in 128 KiB for good. It still has a bound: past `maxBytes` it forgets everything,
 * which costs only repeated idempotent inserts.
 */
export interface BucketRef {
  readonly peer: string;
  readonly bucket: number;
}

export class BucketBits {
  private readonly peers = new Map<string, Uint8Array>();
  private bytes = 0;
  private readonly bytesPerPeer: number;

  /** `bucketBits`: scylladb.peer_bucket_bits (buckets per peer = 2^bucketBits). */
  constructor(
    private readonly bucketBits: number,
    private readonly maxBytes = 16 * 1024 * 1024,
  ) {
    this.bytesPerPeer = Math.max(1, (2 ** bucketBits) >>> 3);
  }

  has(ref: BucketRef): boolean {
    const bits = this.peers.get(ref.peer);
    return bits !== undefined && ((bits[ref.bucket >>> 3] ?? 0) & (1 << (ref.bucket & 7))) !== 0;
  }

  add(ref: BucketRef): void {
    if (ref.bucket < 0 || ref.bucket >= 2 ** this.bucketBits) throw new RangeError(`bucket ${ref.bucket} out of range for ${this.bucketBits} bits`);
    let bits = this.peers.get(ref.peer);
    if (bits === undefined) {
      if (this.bytes + this.bytesPerPeer > this.maxBytes) this.clear();
      bits = new Uint8Array(this.bytesPerPeer);
      this.peers.set(ref.peer, bits);
      this.bytes += this.bytesPerPeer;
    }
    const i = ref.bucket >>> 3;
    bits[i] = (bits[i] ?? 0) | (1 << (ref.bucket & 7));
  }

  clear(): void {
    this.peers.clear();
    this.bytes = 0;
  }

  /** Bytes held by the bitmaps (for tests and metrics). */
  get size(): number {
    return this.bytes;
  }
}
