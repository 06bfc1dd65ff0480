/**
 * Heartbeats: every `agent.heartbeat_interval` the agent reports its IPFS node on the compacted
 * pins.peers topic (key = peer id), which is what the allocator's peer registry is built from.
 * A kubo that does not answer gets no heartbeat: the peer then ages out of the registry and its
 * pins are re-allocated, which is right, since it cannot pin.
 */
import type { Producer } from 'kafkajs';
import { encodePeerHeartbeat, HEARTBEAT_LIMITS } from '../codec/heartbeat-codec.js';
import type { PeerHeartbeat } from '../domain/messages.js';
import type { KuboIdentity, KuboRepoStat } from './kubo-client.js';

export interface HeartbeatFacts {
  readonly peer: string;
  readonly agentVersion: string;
  readonly ipfsVersion: string;
  readonly identity: KuboIdentity;
  readonly repo: KuboRepoStat;
  readonly pinned: number;
  readonly queued: number;
  readonly errors: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly intervalMs: number;
  readonly now: number;
}

/** Kubo's swarm addresses in its order, each ending in /p2p/<kubo id>, deduplicated and within the codec's bounds. Pure. */
export function swarmAddresses(identity: KuboIdentity): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of identity.addresses) {
    if (!raw.startsWith('/')) continue;
    const addr = raw.includes('/p2p/') ? raw : `${raw}/p2p/${identity.id}`;
    if (seen.has(addr) || Buffer.byteLength(addr) > HEARTBEAT_LIMITS.addressBytes) continue;
    seen.add(addr);
    out.push(addr);
    if (out.length === HEARTBEAT_LIMITS.addresses) break;
  }
  return out;
}

/** The heartbeat for these facts. Pure. */
export function buildHeartbeat(f: HeartbeatFacts): PeerHeartbeat {
  return {
    peer: f.peer,
    agentVersion: f.agentVersion,
    ipfsVersion: f.ipfsVersion,
    addresses: swarmAddresses(f.identity),
    freeBytes: Math.max(0, f.repo.storageMax - f.repo.repoSize),
    repoBytes: f.repo.repoSize,
    pinned: Math.max(0, f.pinned),
    queued: Math.max(0, f.queued),
    errors: Math.max(0, f.errors),
    tags: f.tags,
    intervalMs: f.intervalMs,
    ts: f.now,
  };
}

/** Publishes one heartbeat; resolves once the broker acknowledged it. */
export async function publishHeartbeat(producer: Producer, topic: string, hb: PeerHeartbeat): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key: hb.peer, value: encodePeerHeartbeat(hb) }] });
}
