/**
 * choosePeers: which peers should hold one pin, given its replication factors, where it is
 * desired now, which peers are live with how much free space, and which have pinned it. Pure and
 * deterministic (same input → same output), so a redelivered or replayed decision is the same
 * decision and carries the same op id. The rules follow IPFS Cluster's allocator:
 *
 * - Peers already in the desired set (a user's allocations, or earlier decisions) that are live
 *   are kept first; nothing changes while their count is within [rf_min, rf_max].
 * - Below rf_min, peers are added up to rf_max, most free space first (ties broken by a hash of
 *   CID and peer, so equal peers share the load instead of the lowest id taking everything).
 * - Above rf_max (rf_max was lowered), the best rf_max are kept: pinned first, then free space.
 * - rf -1/-1 means every live peer (at most LIMITS.peersPerPin).
 * - A desired peer that is not live (down, or never heard of) stays until the live peers kept
 *   hold the pin (pinned) at least rf_min times (every kept peer for -1), then it is removed.
 * - With no live peer at all nothing changes: a blind registry never empties a placement.
 * - A peer is never chosen twice; the result is sorted.
 */
import { LIMITS } from '../domain/pin.js';

export interface Candidate {
  readonly peer: string;
  /** Free repo space the peer's last heartbeat reported. */
  readonly freeBytes: number;
}

export interface ChooseInput {
  readonly cid: string;
  /** Replication factors with defaults applied: -1/-1 (everywhere) or 1 ≤ min ≤ max. */
  readonly rfMin: number;
  readonly rfMax: number;
  /** The desired set now (may include peers that are down or unknown). */
  readonly current: readonly string[];
  /** Live peers. */
  readonly live: readonly Candidate[];
  /** Peers whose actual state is `pinned`. */
  readonly pinned: ReadonlySet<string>;
}

export type ChooseCause = 'unchanged' | 'allocate' | 'repair' | 'trim' | 'drop_down' | 'everywhere';

export interface ChooseResult {
  /** The new desired set, sorted, distinct. */
  readonly peers: readonly string[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Why it changed (`unchanged` when peers equals the current set). */
  readonly cause: ChooseCause;
  /** Fewer live peers are desired than rf_min asks for (not enough live peers). */
  readonly short: boolean;
}

/** FNV-1a 32-bit: a cheap, stable tie-breaker. */
function tieHash(cid: string, peer: string): number {
  let h = 0x811c9dc5;
  const s = `${cid}\u0000${peer}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Most free space first; equal space by tie hash, then peer id. */
export function byFreeSpace(cid: string): (a: Candidate, b: Candidate) => number {
  return (a, b) => b.freeBytes - a.freeBytes || tieHash(cid, a.peer) - tieHash(cid, b.peer) || (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0);
}

export function choosePeers(input: ChooseInput): ChooseResult {
  const { cid, rfMin, rfMax, pinned } = input;
  const everywhere = rfMin === -1 || rfMax === -1;
  const liveById = new Map<string, Candidate>();
  for (const c of input.live) if (!liveById.has(c.peer)) liveById.set(c.peer, c);
  const current = [...new Set(input.current)];
  const currentSet = new Set(current);
  const order = byFreeSpace(cid);

  const unchanged = (short: boolean): ChooseResult => ({ peers: [...current].sort(), added: [], removed: [], cause: 'unchanged', short });
  if (liveById.size === 0) return unchanged(current.length < (everywhere ? 1 : rfMin));

  const currentLive = current.filter((p) => liveById.has(p)).map((p) => liveById.get(p)!);
  const currentDown = current.filter((p) => !liveById.has(p));
  const cap = LIMITS.peersPerPin;

  let keep: Candidate[];
  let cause: ChooseCause = 'unchanged';
  let need: number;
  if (everywhere) {
    // Peers already there first, then the rest by free space, up to the per-pin limit.
    const rest = [...liveById.values()].filter((c) => !currentSet.has(c.peer)).sort(order);
    keep = [...currentLive.sort(order), ...rest].slice(0, cap);
    need = keep.length;
    if (rest.length > 0 && keep.some((c) => !currentSet.has(c.peer))) cause = 'everywhere';
  } else {
    const min = Math.min(rfMin, cap);
    const max = Math.min(rfMax, cap);
    need = min;
    if (currentLive.length > max) {
      const pinnedFirst = (a: Candidate, b: Candidate): number => Number(pinned.has(b.peer)) - Number(pinned.has(a.peer)) || order(a, b);
      keep = [...currentLive].sort(pinnedFirst).slice(0, max);
      cause = 'trim';
    } else if (currentLive.length < min) {
      const candidates = [...liveById.values()].filter((c) => !currentSet.has(c.peer)).sort(order);
      const added = candidates.slice(0, max - currentLive.length);
      keep = [...currentLive, ...added];
      if (added.length > 0) cause = currentDown.length > 0 ? 'repair' : 'allocate';
    } else {
      keep = currentLive;
    }
  }

  const keepIds = new Set(keep.map((c) => c.peer));
  const heldByKept = keep.filter((c) => pinned.has(c.peer)).length;
  const dropDown = currentDown.length > 0 && keep.length > 0 && heldByKept >= Math.max(1, need);
  const peers = [...keepIds, ...(dropDown ? [] : currentDown)].sort();
  const next = new Set(peers);
  const added = peers.filter((p) => !currentSet.has(p));
  const removed = current.filter((p) => !next.has(p)).sort();
  if (added.length === 0 && removed.length === 0) return unchanged(keep.length < (everywhere ? 1 : Math.min(rfMin, cap)));
  if (cause === 'unchanged') cause = dropDown ? 'drop_down' : 'trim';
  return { peers, added, removed, cause, short: keep.length < (everywhere ? 1 : Math.min(rfMin, cap)) };
}
