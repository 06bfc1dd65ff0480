/** `pins.peers` values: PeerHeartbeat ⇄ io.pinstate.v1.PeerHeartbeat. */
import type { PeerHeartbeat } from '../domain/messages.js';
import { validatePeerId } from '../domain/pin.js';
import { ValidationError } from '../errors.js';
import { defineCodec } from './message-codec.js';
import type { MessageCodec } from './message-codec.js';
import { releasedRegistry } from './released-schemas.js';
import type { MessageFamily } from './schema-registry.js';
import { checkText, checkTimestamp } from './wire-checks.js';

/** Bounds on heartbeat fields; a heartbeat past them is refused, never cut. */
export const HEARTBEAT_LIMITS = {
  addresses: 64,
  addressBytes: 1024,
  versionBytes: 256,
  tags: 64,
  tagBytes: 256,
} as const;

interface AvroPeerHeartbeat {
  peer: string;
  agent_version: string;
  ipfs_version: string;
  addresses: string[];
  free_bytes: number;
  repo_bytes: number;
  pinned: number;
  queued: number;
  errors: number;
  tags: Record<string, string>;
  interval_ms: number;
  ts: number;
}

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ValidationError('INVALID_FIELD', field, 'expected a non-negative integer');
  return value;
}

function checkAddresses(value: readonly string[], field: string): string[] {
  if (value.length > HEARTBEAT_LIMITS.addresses) throw new ValidationError('OVERSIZED_VALUE', field, `more than ${HEARTBEAT_LIMITS.addresses} addresses`);
  return value.map((a, i) => {
    if (!a.startsWith('/')) throw new ValidationError('INVALID_FIELD', `${field}[${i}]`, 'expected a multiaddr starting with "/"');
    return checkText(a, `${field}[${i}]`, HEARTBEAT_LIMITS.addressBytes);
  });
}

function checkTags(value: Readonly<Record<string, string>>, field: string): Record<string, string> {
  const entries = Object.entries(value);
  if (entries.length > HEARTBEAT_LIMITS.tags) throw new ValidationError('OVERSIZED_VALUE', field, `more than ${HEARTBEAT_LIMITS.tags} tags`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    checkText(k, `${field}.${k}`, HEARTBEAT_LIMITS.tagBytes);
    out[k] = checkText(v, `${field}.${k}`, HEARTBEAT_LIMITS.tagBytes);
  }
  return out;
}

function check(hb: PeerHeartbeat, names: { agent: string; ipfs: string; free: string; repo: string; interval: string }): PeerHeartbeat {
  return {
    peer: validatePeerId(hb.peer, 'peer'),
    agentVersion: checkText(hb.agentVersion, names.agent, HEARTBEAT_LIMITS.versionBytes),
    ipfsVersion: checkText(hb.ipfsVersion, names.ipfs, HEARTBEAT_LIMITS.versionBytes),
    addresses: checkAddresses(hb.addresses, 'addresses'),
    freeBytes: count(hb.freeBytes, names.free),
    repoBytes: count(hb.repoBytes, names.repo),
    pinned: count(hb.pinned, 'pinned'),
    queued: count(hb.queued, 'queued'),
    errors: count(hb.errors, 'errors'),
    tags: checkTags(hb.tags, 'tags'),
    intervalMs: count(hb.intervalMs, names.interval),
    ts: checkTimestamp(hb.ts, 'ts'),
  };
}

const CAMEL = { agent: 'agentVersion', ipfs: 'ipfsVersion', free: 'freeBytes', repo: 'repoBytes', interval: 'intervalMs' };
const WIRE = { agent: 'agent_version', ipfs: 'ipfs_version', free: 'free_bytes', repo: 'repo_bytes', interval: 'interval_ms' };

function toAvro(input: PeerHeartbeat): AvroPeerHeartbeat {
  const hb = check(input, CAMEL);
  return {
    peer: hb.peer,
    agent_version: hb.agentVersion,
    ipfs_version: hb.ipfsVersion,
    addresses: [...hb.addresses],
    free_bytes: hb.freeBytes,
    repo_bytes: hb.repoBytes,
    pinned: hb.pinned,
    queued: hb.queued,
    errors: hb.errors,
    tags: { ...hb.tags },
    interval_ms: hb.intervalMs,
    ts: hb.ts,
  };
}

function fromAvro(raw: AvroPeerHeartbeat): PeerHeartbeat {
  return check(
    {
      peer: raw.peer,
      agentVersion: raw.agent_version,
      ipfsVersion: raw.ipfs_version,
      addresses: raw.addresses,
      freeBytes: raw.free_bytes,
      repoBytes: raw.repo_bytes,
      pinned: raw.pinned,
      queued: raw.queued,
      errors: raw.errors,
      tags: raw.tags,
      intervalMs: raw.interval_ms,
      ts: raw.ts,
    },
    WIRE,
  );
}

/** A PeerHeartbeat codec over `family`. */
export function createPeerHeartbeatCodec(family: MessageFamily): MessageCodec<PeerHeartbeat> {
  return defineCodec(family, 'PeerHeartbeat', toAvro, fromAvro);
}

const heartbeats = createPeerHeartbeatCodec(releasedRegistry.family('PeerHeartbeat'));

/** Encodes a `pins.peers` value. Throws ValidationError naming the field for a value out of bounds. */
export function encodePeerHeartbeat(hb: PeerHeartbeat): Buffer {
  return heartbeats.encode(hb);
}

/** Decodes and validates a `pins.peers` value. Throws only PinstateError. */
export function decodePeerHeartbeat(bytes: Uint8Array): PeerHeartbeat {
  return heartbeats.decode(bytes);
}
