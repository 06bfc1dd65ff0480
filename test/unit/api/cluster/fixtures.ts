/** In-memory stand-ins for the cluster app's injected parts (pure tests; integration tests use the real stack). */
import { createClusterApp, type ClusterApiDeps, type ClusterApp } from '../../../../src/api/cluster/app.js';
import { generateIdentity } from '../../../../src/api/cluster/identity.js';
import type { SelfPeer } from '../../../../src/api/cluster/json.js';
import { placementPeerDirectory } from '../../../../src/api/cluster/peer-directory.js';
import { validatePinSpec, type PinSpecInput } from '../../../../src/domain/pin.js';
import type { PlacementState } from '../../../../src/domain/placement-state.js';
import { NotFoundError } from '../../../../src/errors.js';
import type { StoredPin } from '../../../../src/store/reads.js';

/** Real Ed25519 peer ids (go-libp2p decodes them), fixed for the test file. */
export const PEERS = Array.from({ length: 4 }, () => generateIdentity().id);
export const SELF: SelfPeer = { id: generateIdentity().id, peername: 'pinstate-test', version: '1.1.0+pinstate.0.1.0' };

export function storedPin(input: PinSpecInput, placement?: { desired?: string[]; actual?: Record<string, PlacementState>; errors?: Record<string, string> }): StoredPin {
  const spec = validatePinSpec({ timestamp: 1_700_000_000_000, ...input });
  return {
    spec,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_001_000,
    lastOpId: 'op-1',
    placement:
      placement === undefined
        ? null
        : { desired: [...(placement.desired ?? [])].sort(), actual: placement.actual ?? {}, errors: placement.errors ?? {}, updatedAt: 1_700_000_002_000, lastOpId: 'op-2' },
  };
}

export interface Call {
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface Harness {
  readonly app: ClusterApp;
  readonly calls: Call[];
  readonly pins: Map<string, StoredPin>;
}

export function harness(pins: readonly StoredPin[] = [], overrides: Partial<ClusterApiDeps> = {}): Harness {
  const map = new Map(pins.map((p) => [p.spec.cid, p]));
  const calls: Call[] = [];
  const record =
    (method: string) =>
    (...args: unknown[]): Promise<string> => {
      calls.push({ method, args });
      return Promise.resolve(`op-${calls.length}`);
    };
  async function* list(): AsyncGenerator<StoredPin> {
    yield* map.values();
  }
  const store = {
    get: (cid: string) => {
      const pin = map.get(cid);
      return pin === undefined ? Promise.reject(new NotFoundError(cid)) : Promise.resolve(pin);
    },
    list,
  };
  const app = createClusterApp({
    store,
    producer: { upsertPin: record('upsertPin'), deletePin: record('deletePin'), setDesiredPlacement: record('setDesiredPlacement'), ackPlacement: record('ackPlacement') },
    self: SELF,
    peers: placementPeerDirectory(list),
    credentials: null,
    now: () => 1_800_000_000_000,
    ...overrides,
  });
  return { app, calls, pins: map };
}

/** The JSON objects of a streamed body (one per line). */
export async function lines(res: Response): Promise<unknown[]> {
  const text = await res.text();
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}
