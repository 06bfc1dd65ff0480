/** Deterministic, valid CIDs and peer ids for tests. */
import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';

const SHA256 = 0x12;
const RAW = 0x55;
const DAG_PB = 0x70;

function digestOf(seed: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(seed).digest());
}

/** A CIDv1 (raw, sha2-256) for a seed, as its base32 string. */
export function cidV1(seed: string | number): string {
  return CID.createV1(RAW, Digest.create(SHA256, digestOf(`v1:${seed}`))).toString();
}

/** A CIDv0 (dag-pb, sha2-256) for a seed, as its `Qm…` string. */
export function cidV0(seed: string | number): string {
  return CID.createV0(Digest.create(SHA256, digestOf(`v0:${seed}`))).toString();
}

export function cidV1DagPb(seed: string | number): string {
  return CID.createV1(DAG_PB, Digest.create(SHA256, digestOf(`pb:${seed}`))).toString();
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A peer-id-shaped string (`12D3KooW` + 44 base58 chars) for a seed. */
export function peerId(seed: string | number): string {
  const h = createHash('sha256').update(`peer:${seed}`).digest();
  let s = '12D3KooW';
  for (let i = 0; i < 44; i++) s += B58[h[i % h.length]! % 58];
  return s;
}

/** A fresh op id unique across test runs. */
let counter = 0;
export function opId(prefix = 'op'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}
