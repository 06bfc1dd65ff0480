/**
 * The benchmark's workload: what an IPFS Cluster does for each new pin — an UpsertPin followed by
 * a SetDesiredPlacement to 2–3 peers. Everything is a pure function of (seed, index), so two
 * runs with the same seed produce the same CIDs, peers and op ids, and the ceiling, pipeline and
 * naive modes all apply exactly the same work.
 */
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { createOpIdGenerator } from '../../producers/op-id.js';
import { parseCid } from '../domain/cid.js';
import { mulberry32 } from '../random.js';
import type { PinIntent, SourcePosition } from '../domain/messages.js';
import { prefixPartition } from '../domain/partition.js';
import { validatePinSpec, type PinSpec } from '../domain/pin.js';
import type { StoreOp } from '../store/records.js';

const SHA256 = 0x12;
const RAW = 0x55;
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Peers in the simulated cluster. */
export const BENCH_PEERS = 32;
/** The `origin` of every benchmark intent. */
export const BENCH_ORIGIN = 'bench';

/** One pin of the workload: its CID and the peers it is placed on. */
export interface BenchPin {
  readonly index: number;
  readonly cid: string;
  readonly mhPrefix: number;
  readonly peers: readonly string[];
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The cluster's peer ids (`12D3KooW…`-shaped), deterministic per seed. */
export function benchPeers(seed: string, count = BENCH_PEERS): string[] {
  return Array.from({ length: count }, (_, i) => {
    const h = sha256(`bench-peer:${seed}:${i}`);
    let id = '12D3KooW';
    for (let k = 0; k < 44; k++) id += B58[h[k % h.length]! % 58];
    return id;
  });
}

/** Pin `index` of the workload: a CIDv1 (raw, sha2-256) and 2 or 3 distinct peers. */
export function benchPin(seed: string, index: number, peers: readonly string[]): BenchPin {
  const digest = sha256(`bench-cid:${seed}:${index}`);
  const cid = CID.createV1(RAW, Digest.create(SHA256, new Uint8Array(digest))).toString();
  const want = Math.min(peers.length, 2 + (digest[31]! % 2));
  const chosen = new Set<string>();
  for (let k = 0; chosen.size < want; k++) chosen.add(peers[(digest[20 + (k % 10)]! + k * 7) % peers.length]!);
  return { index, cid, mhPrefix: (digest[0]! << 8) | digest[1]!, peers: [...chosen].sort() };
}

/** Deterministic UUIDv7 op ids for a pin's two intents (time part = the intent's ts). */
export function benchOpIds(seed: string, index: number, ts: number): [string, string] {
  const random = (k: number) => () => sha256(`bench-op:${seed}:${index}:${k}`).subarray(0, 16);
  return [createOpIdGenerator({ now: () => ts, random: random(0) })(), createOpIdGenerator({ now: () => ts, random: random(1) })()];
}

export function benchSpec(pin: BenchPin): PinSpec {
  return validatePinSpec({ cid: pin.cid, name: `bench-${pin.index}`, replicationFactorMin: 2, replicationFactorMax: 3 });
}

/** The two intents a cluster publishes for a new pin, in order. */
export function pinIntents(seed: string, pin: BenchPin, ts: number): [PinIntent, PinIntent] {
  const [upsertId, placeId] = benchOpIds(seed, pin.index, ts);
  return [
    { opId: upsertId, ts, origin: BENCH_ORIGIN, body: { kind: 'UpsertPin', spec: benchSpec(pin) } },
    { opId: placeId, ts, origin: BENCH_ORIGIN, body: { kind: 'SetDesiredPlacement', cid: pin.cid, peers: pin.peers } },
  ];
}

/** The Kafka partition a pin's intents land on (their key is the CID's mh_prefix). */
export function partitionOfPin(pin: BenchPin, partitions: number): number {
  return prefixPartition(pin.mhPrefix, partitions);
}

/**
 * The store ops the writer decodes from a pin's intents, with a source position like the
 * writer's (so op_dedup and pin_events rows have the writer's sizes).
 */
export function pinStoreOps(intents: readonly PinIntent[], source: (k: number) => SourcePosition): StoreOp[] {
  return intents.map((intent, k): StoreOp => {
    const b = intent.body;
    const body: StoreOp['body'] =
      b.kind === 'UpsertPin' ? { kind: 'UpsertPin', spec: b.spec } : b.kind === 'SetDesiredPlacement' ? { kind: 'SetDesiredPlacement', cid: b.cid, peers: b.peers } : { kind: 'DeletePin', cid: b.cid };
    return { opId: intent.opId, ts: intent.ts, origin: intent.origin, source: source(k), body };
  });
}

/** Checks the CID text is canonical (what the writer stores); used by tests. */
export function isCanonicalCid(text: string): boolean {
  return parseCid(text).text === text;
}

/**
 * A small seeded generator (mulberry32) for sampling: which stored CIDs `get` reads.
 * Deterministic per seed so runs read the same keys.
 */
export function seededRandom(seed: string): () => number {
  return mulberry32(sha256(`bench-rng:${seed}`).readUInt32BE(0));
}
