/**
 * This pinstate instance's identity as an IPFS Cluster peer: an Ed25519 libp2p key whose peer id
 * (`12D3KooW…`) `GET /id` reports. Kept in a file in IPFS Cluster's identity.json format
 * (`{"id", "private_key"}`, the key as base64 of the libp2p protobuf), created on first start so
 * the id stays the same across restarts. No libp2p host is ever started with it.
 */
import { generateKeyPairSync } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { base58btc } from 'multiformats/bases/base58';
import { PinstateError } from '../../errors.js';

export interface PeerIdentity {
  /** base58btc peer id, as go-libp2p prints it. */
  readonly id: string;
  /** base64 of the protobuf-marshalled libp2p private key. */
  readonly privateKey: string;
}

/** libp2p crypto.proto: KeyType Ed25519 = 1; PublicKey/PrivateKey { Type = 1; Data = 2 }. */
function keyProto(data: Uint8Array): Uint8Array {
  return Uint8Array.from([0x08, 0x01, 0x12, data.length, ...data]);
}

/** The peer id of an Ed25519 public key: the identity multihash of its protobuf (36 bytes ≤ 42, so inlined). */
export function peerIdOfEd25519(publicKey: Uint8Array): string {
  const proto = keyProto(publicKey);
  return base58btc.baseEncode(Uint8Array.from([0x00, proto.length, ...proto]));
}

/** A fresh Ed25519 identity. */
export function generateIdentity(): PeerIdentity {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  return { id: peerIdOfEd25519(pub), privateKey: Buffer.from(keyProto(Buffer.concat([seed, pub]))).toString('base64') };
}

function parseIdentity(text: string, file: string): PeerIdentity {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    throw new PinstateError('CONFIG_INVALID', `cluster_api.identity_file ${file}: not JSON (${err instanceof Error ? err.message : String(err)})`, { field: 'cluster_api.identity_file' });
  }
  const v = value as { id?: unknown; private_key?: unknown } | null;
  if (v === null || typeof v !== 'object' || typeof v.id !== 'string' || !/^(12D3KooW|Qm)[1-9A-HJ-NP-Za-km-z]{20,}$/.test(v.id) || typeof v.private_key !== 'string') {
    throw new PinstateError('CONFIG_INVALID', `cluster_api.identity_file ${file}: expected {"id": "<peer id>", "private_key": "<base64>"}`, { field: 'cluster_api.identity_file' });
  }
  return { id: v.id, privateKey: v.private_key };
}

/**
 * Reads the identity file, creating it (mode 0600) when missing. Creation is race-free between
 * processes: the file is written under a temporary name and hard-linked into place, so a reader
 * never sees a half-written file and the first writer wins.
 */
export function loadOrCreateIdentity(file: string): PeerIdentity {
  try {
    return parseIdentity(readFileSync(file, 'utf8'), file);
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const identity = generateIdentity();
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ id: identity.id, private_key: identity.privateKey }, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  return parseIdentity(readFileSync(file, 'utf8'), file);
}
