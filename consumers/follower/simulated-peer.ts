/**
 * What a simulated peer answers to a placement change. Pure. The ack's op id is derived from the
 * change's op id and the peer, so a redelivered change produces the same op id and the writer's
 * dedup turns the second ack into a no-op.
 */
import { createHash } from 'node:crypto';
import { WIRE_LIMITS } from '../../src/codec/index.js';
import type { PlacementChange } from '../../src/domain/messages.js';

export interface SimulatedAck {
  readonly state: 'pinned' | 'unpinned';
  readonly opId: string;
}

/** `ack:<change op id>:<peer>`, or `ack:sha256:<hex>` of both when that would exceed the op id limit. */
export function ackOpId(changeOpId: string, peer: string): string {
  const plain = `ack:${changeOpId}:${peer}`;
  if (plain.length <= WIRE_LIMITS.opIdChars) return plain;
  return `ack:sha256:${createHash('sha256').update(changeOpId).update('\0').update(peer).digest('hex')}`;
}

/**
 * The ack a peer that pins and unpins instantly sends: `pinned` while desired, `unpinned` once not.
 * None when the change already shows that state: every applied ack comes back as a change, and
 * answering those would loop forever.
 */
export function simulatedAck(change: PlacementChange, peer: string): SimulatedAck | null {
  const state = change.desired ? 'pinned' : 'unpinned';
  if (change.state === state) return null;
  return { state, opId: ackOpId(change.opId, peer) };
}
