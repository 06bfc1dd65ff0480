/**
 * IPFS Cluster's REST JSON shapes (api/types.go, v1.1.x) and the pure mapping from pinstate's
 * store records to them. Field names, order and null-vs-[] follow Go's encoding/json of the
 * Go structs, because `ipfs-cluster-ctl` decodes them into those structs.
 */
import { formatGoTime, GO_ZERO_TIME, toApiPin, type ApiPinJson } from '../../cluster/api-pin.js';
import { modeOfDepth, type PinSpec } from '../../domain/pin.js';
import { TRACKER_STATUS_BITS, type PlacementState, type TrackerStatus } from '../../domain/placement-state.js';
import type { StoredPin } from '../../store/reads.js';
import type { ClusterPeer } from './peer-directory.js';

/** What IPFS Cluster's version package says (version.RPCProtocol); clients only display it. */
export const RPC_PROTOCOL_VERSION = '/ipfscluster/1.0/rpc';
/** The IPFS Cluster REST API version whose shapes pinstate serves. */
export const CLUSTER_API_VERSION = '1.1.0';

/** api.Error: every error body. */
export interface ClusterErrorJson {
  readonly code: number;
  readonly message: string;
}

export interface IpfsIdJson {
  /** Omitted when unknown (Go: `omitempty` on peer.ID). */
  readonly id?: string;
  readonly addresses: readonly string[] | null;
  readonly error: string;
}

/** api.ID. */
export interface IdJson {
  readonly id: string;
  readonly addresses: readonly string[] | null;
  readonly cluster_peers: readonly string[] | null;
  readonly cluster_peers_addresses: readonly string[] | null;
  readonly version: string;
  readonly commit: string;
  readonly rpc_protocol_version: string;
  readonly error: string;
  readonly ipfs: IpfsIdJson;
  readonly peername: string;
}

/** api.PinInfoShort: one peer's view of one pin. */
export interface PinInfoShortJson {
  readonly peername: string;
  readonly ipfs_peer_id?: string;
  readonly ipfs_peer_addresses?: readonly string[];
  readonly status: TrackerStatus;
  readonly timestamp: string;
  readonly error: string;
  readonly attempt_count: number;
  readonly priority_pin: boolean;
}

/** api.GlobalPinInfo. */
export interface GlobalPinInfoJson {
  readonly cid: string;
  readonly name: string;
  readonly allocations: readonly string[] | null;
  readonly origins: readonly string[] | null;
  readonly created: string;
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly peer_map: Readonly<Record<string, PinInfoShortJson>>;
}

/** This pinstate instance as a cluster peer. */
export interface SelfPeer {
  readonly id: string;
  readonly peername: string;
  /** e.g. "1.1.0+pinstate.0.1.0". */
  readonly version: string;
}

/** Why `GET /id` has no IPFS daemon to report: pinstate pins nothing itself. */
export const NO_IPFS_NOTE = 'pinstate runs no IPFS daemon: its agents pin on their own kubo';

/** Go's time.Time JSON (RFC 3339 with up to nanoseconds, trailing zeros dropped); null = Go's zero time. */
export function goTime(unixMs: number | null): string {
  if (unixMs === null) return GO_ZERO_TIME;
  const iso = new Date(unixMs).toISOString();
  return iso.replace(/\.(\d*?)0+Z$/, (_m, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

export function selfIdJson(self: SelfPeer, peers: readonly ClusterPeer[]): IdJson {
  const others = peers.filter((p) => p.id !== self.id);
  return {
    id: self.id,
    addresses: [],
    cluster_peers: [self.id, ...others.map((p) => p.id)],
    cluster_peers_addresses: others.flatMap((p) => p.addresses ?? []),
    version: self.version,
    commit: '',
    rpc_protocol_version: RPC_PROTOCOL_VERSION,
    error: '',
    ipfs: { addresses: [], error: NO_IPFS_NOTE },
    peername: self.peername,
  };
}

/** A peer the directory knows, as `GET /peers` lists it (IPFS Cluster's Peers stream). */
export function peerIdJson(peer: ClusterPeer, self: SelfPeer, peers: readonly ClusterPeer[]): IdJson {
  const ids = [self.id, ...peers.filter((p) => p.id !== self.id).map((p) => p.id)];
  return {
    id: peer.id,
    addresses: [...(peer.addresses ?? [])],
    cluster_peers: ids,
    cluster_peers_addresses: [],
    version: peer.version ?? '',
    commit: '',
    rpc_protocol_version: peer.version === undefined ? '' : RPC_PROTOCOL_VERSION,
    error: '',
    ipfs: peer.ipfsId === undefined ? { addresses: [...(peer.ipfsAddresses ?? [])], error: peer.error ?? '' } : { id: peer.ipfsId, addresses: [...(peer.ipfsAddresses ?? [])], error: peer.error ?? '' },
    peername: peer.peername ?? '',
  };
}

// ---- filters ----

/** api.PinType bit values (1 << iota from BadType). */
export const PIN_TYPE_BITS = { 'bad-type': 1, pin: 2, 'meta-pin': 4, 'clusterdag-pin': 8, 'shard-pin': 16, all: 2 | 4 | 8 | 16 } as const;

/** `/allocations?filter=`: IPFS Cluster ORs PinTypeFromString of each comma part; unknown parts are BadType. Returns null when the whole filter is BadType (→ 400). */
export function parsePinTypeFilter(text: string): number | null {
  let filter = 0;
  for (const part of text.split(',')) filter |= (PIN_TYPE_BITS as Record<string, number>)[part] ?? PIN_TYPE_BITS['bad-type'];
  return filter === PIN_TYPE_BITS['bad-type'] ? null : filter;
}

export function pinTypeMatches(filter: number, type: string): boolean {
  if (filter === PIN_TYPE_BITS.all) return true;
  return (filter & ((PIN_TYPE_BITS as Record<string, number>)[type] ?? 0)) > 0;
}

const STATUS_FILTER_NAMES: Readonly<Record<string, number>> = {
  ...TRACKER_STATUS_BITS,
  error: TRACKER_STATUS_BITS.cluster_error | TRACKER_STATUS_BITS.pin_error | TRACKER_STATUS_BITS.unpin_error,
  queued: TRACKER_STATUS_BITS.pin_queued | TRACKER_STATUS_BITS.unpin_queued,
};

/** `/pins?filter=`: TrackerStatusFromString (spaces removed, unknown names ignored). 0 = all. */
export function parseStatusFilter(text: string): number {
  let filter = 0;
  for (const part of text.replace(/ /g, '').split(',')) filter |= STATUS_FILTER_NAMES[part] ?? 0;
  return filter;
}

/** GlobalPinInfo.Match: some peer's status is in the filter (0 matches everything). */
export function gpiMatches(gpi: GlobalPinInfoJson, filter: number): boolean {
  if (filter === 0) return true;
  return Object.values(gpi.peer_map).some((p) => {
    const bits = TRACKER_STATUS_BITS[p.status];
    return bits === 0 || (bits & filter) > 0;
  });
}

// ---- pins ----

/** api.Pin as the REST API writes it: like a state export, but `origins` is null when none were given. */
export type RestPinJson = Omit<ApiPinJson, 'origins'> & { readonly origins: readonly string[] | null };

/** A stored pin as IPFS Cluster's state holds it (`GET /allocations`): allocations = the desired placement. */
export function storedApiPin(pin: StoredPin): RestPinJson {
  return toApiPin({ spec: pin.spec, allocations: [...(pin.placement?.desired ?? [])], userAllocations: [] });
}

/**
 * The api.Pin `POST /pins/{cid}` answers with: IPFS Cluster's FromQuery shape (metadata always an
 * object, origins null unless given), allocations = the user allocations placed with it.
 */
export function acceptedApiPin(spec: PinSpec, userAllocations: readonly string[]): RestPinJson {
  return {
    replication_factor_min: spec.replicationFactorMin,
    replication_factor_max: spec.replicationFactorMax,
    name: spec.name,
    mode: modeOfDepth(spec.maxDepth),
    shard_size: spec.shardSize,
    user_allocations: userAllocations.length === 0 ? null : [...userAllocations],
    expire_at: formatGoTime(spec.expireAt, 'expire_at'),
    metadata: { ...spec.metadata },
    pin_update: spec.pinUpdate,
    origins: spec.origins.length === 0 ? null : [...spec.origins],
    cid: spec.cid,
    type: spec.pinType,
    allocations: [...userAllocations],
    max_depth: spec.maxDepth,
    reference: spec.reference,
    timestamp: goTime(spec.timestamp),
  };
}

function short(peername: string, status: TrackerStatus, ts: number | null, error = ''): PinInfoShortJson {
  return { peername, status, timestamp: goTime(ts), error, attempt_count: 0, priority_pin: false };
}

/** Each placement peer's state: desired peers with no report yet are `pin_queued`. */
export function placementStates(pin: StoredPin): Map<string, PlacementState> {
  const states = new Map<string, PlacementState>();
  for (const peer of pin.placement?.desired ?? []) states.set(peer, 'pin_queued');
  for (const [peer, state] of Object.entries(pin.placement?.actual ?? {})) states.set(peer, state);
  return states;
}

export interface GpiOptions {
  /** Only this instance's own view (`?local=true`): it pins nothing, so every pin is `remote` to it. */
  readonly local?: boolean;
  /** Peer names from the directory, by id. */
  readonly names?: ReadonlyMap<string, string>;
  /** Per-peer state overrides (what recover just re-queued). */
  readonly override?: ReadonlyMap<string, PlacementState>;
}

/**
 * GlobalPinInfo of a stored pin: one peer_map entry per placement peer with its state, plus this
 * instance as `remote` (IPFS Cluster lists every peer the pin is not allocated to as remote).
 */
export function globalPinInfo(pin: StoredPin, self: SelfPeer, options: GpiOptions = {}): GlobalPinInfoJson {
  const ts = pin.placement?.updatedAt ?? pin.updatedAt;
  const peerMap: Record<string, PinInfoShortJson> = {};
  if (options.local !== true) {
    for (const [peer, state] of placementStates(pin)) {
      const status = options.override?.get(peer) ?? state;
      const error = status.endsWith('error') ? (pin.placement?.errors[peer] ?? '') : '';
      peerMap[peer] = short(options.names?.get(peer) ?? '', status, ts, error);
    }
  }
  if (peerMap[self.id] === undefined) peerMap[self.id] = short(self.peername, 'remote', ts);
  const metaKeys = Object.keys(pin.spec.metadata);
  return {
    cid: pin.spec.cid,
    name: pin.spec.name,
    allocations: [...(pin.placement?.desired ?? [])],
    origins: [...pin.spec.origins],
    created: goTime(pin.spec.timestamp ?? pin.createdAt),
    metadata: metaKeys.length === 0 ? null : { ...pin.spec.metadata },
    peer_map: peerMap,
  };
}

/** A CID not in the pinset: IPFS Cluster reports it `unpinned` on every peer it asks. */
export function unpinnedInfo(cid: string, self: SelfPeer, now: number): GlobalPinInfoJson {
  return { cid, name: '', allocations: null, origins: null, created: GO_ZERO_TIME, metadata: null, peer_map: { [self.id]: short(self.peername, 'unpinned', now) } };
}
