/**
 * A synthetic IPFS Cluster state export for benchmarks and tests: N pins in `state export`
 * NDJSON (formatApiPinLine), deterministic for a seed.
 *
 *   node --import tsx src/migrate/generate-export.ts --pins 1000000 --out /tmp/export-1m.ndjson
 *
 * The mix: 80% recursive data pins with replication 2/3 and 3 allocations out of 20 peers, 10%
 * pin-everywhere (-1/-1, no allocations), 10% direct pins with metadata; every 7th pin has
 * metadata, every 50th an expire_at; CIDs are 2/3 CIDv1 raw and 1/3 CIDv0; timestamps one
 * second apart from 2024-01-01.
 */
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { CID } from 'multiformats/cid';
import { base58btc } from 'multiformats/bases/base58';
import * as Digest from 'multiformats/hashes/digest';
import { formatApiPinLine, type ClusterPin } from '../cluster/index.js';
import { validatePinSpec } from '../domain/pin.js';

const SHA256 = 0x12;
const RAW = 0x55;
const T0 = Date.UTC(2024, 0, 1);

function sha256(text: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(text).digest());
}

/** A valid Ed25519 libp2p peer id (`12D3KooW…`) for a seed. */
export function syntheticPeerId(seed: string): string {
  const key = sha256(`peer:${seed}`);
  // identity multihash (0x00, len 36) of the protobuf PublicKey { Type: Ed25519, Data: 32 bytes }
  return base58btc.baseEncode(Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20, ...key]));
}

export function syntheticCid(seed: string, i: number): string {
  const digest = Digest.create(SHA256, sha256(`${seed}:${i}`));
  return i % 3 === 2 ? CID.createV0(digest).toString() : CID.createV1(RAW, digest).toString();
}

/** The i-th pin of a synthetic export. */
export function syntheticPin(seed: string, i: number, peers: readonly string[]): ClusterPin {
  const kind = i % 10;
  const everywhere = kind === 8;
  const direct = kind === 9;
  const allocations = everywhere ? [] : [peers[i % peers.length]!, peers[(i + 7) % peers.length]!, peers[(i + 13) % peers.length]!].sort();
  const spec = validatePinSpec({
    cid: syntheticCid(seed, i),
    pinType: 'pin',
    maxDepth: direct ? 0 : -1,
    replicationFactorMin: everywhere ? -1 : 2,
    replicationFactorMax: everywhere ? -1 : 3,
    name: `pin-${i.toString().padStart(9, '0')}`,
    metadata: i % 7 === 0 || direct ? { app: 'bench', batch: String(Math.floor(i / 1000)) } : {},
    expireAt: i % 50 === 0 ? T0 + 6 * 365 * 86_400_000 + i * 1000 : null,
    timestamp: T0 + i * 1000,
  });
  return { spec, allocations: direct ? allocations.slice(0, 1) : allocations, userAllocations: [] };
}

export function* syntheticExportLines(pins: number, seed = 'bench', peerCount = 20): Generator<string> {
  const peers = Array.from({ length: peerCount }, (_, k) => syntheticPeerId(`${seed}:${k}`));
  for (let i = 0; i < pins; i++) yield formatApiPinLine(syntheticPin(seed, i, peers));
}

export async function writeSyntheticExport(path: string, pins: number, seed = 'bench'): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let buffer = '';
  for (const line of syntheticExportLines(pins, seed)) {
    buffer += line;
    if (buffer.length >= 1 << 20) {
      bytes += Buffer.byteLength(buffer);
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  bytes += Buffer.byteLength(buffer);
  out.end(buffer);
  await once(out, 'finish');
  return bytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const pins = Number(arg('--pins') ?? '1000000');
  const out = arg('--out');
  if (!out || !Number.isSafeInteger(pins) || pins < 0) {
    process.stderr.write('usage: generate-export.ts --pins N --out FILE [--seed S]\n');
    process.exitCode = 2;
  } else {
    const t0 = performance.now();
    const bytes = await writeSyntheticExport(out, pins, arg('--seed') ?? 'bench');
    process.stderr.write(`wrote ${pins} pins (${bytes} bytes) to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}
