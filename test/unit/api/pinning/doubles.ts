/**
 * Stand-ins for the pinning app's injected parts in pure tests: a request store kept in a Map
 * (same contract as cqlRequestStore, whose real behaviour the integration tests check on
 * Cassandra) and a pin table the test writes placements into.
 */
import type { PinningConfig } from '../../../../src/config/pinning-config.js';
import { validatePinSpec } from '../../../../src/domain/pin.js';
import type { PlacementState } from '../../../../src/domain/placement-state.js';
import { NotFoundError } from '../../../../src/errors.js';
import type { CidRef, CreatedRange, PsaRequest, PsaRequestStore } from '../../../../src/api/pinning/requests.js';
import type { StoredPin } from '../../../../src/store/reads.js';
import { newestFirst } from '../../../../src/api/pinning/list.js';

export interface MemoryRequests extends PsaRequestStore {
  readonly rows: Map<string, PsaRequest>;
}

export function memoryRequests(): MemoryRequests {
  const rows = new Map<string, PsaRequest>();
  const inRange = (us: number, r: CreatedRange): boolean => (r.beforeUs === undefined || us < r.beforeUs) && (r.afterUs === undefined || us > r.afterUs);
  return {
    rows,
    put: (r) => {
      rows.set(r.requestId, r);
      return Promise.resolve();
    },
    get: (id) => Promise.resolve(rows.get(id)),
    remove: (r) => {
      rows.delete(r.requestId);
      return Promise.resolve();
    },
    async *scanOwner(owner, range) {
      const mine = [...rows.values()].filter((r) => r.owner === owner && inRange(r.createdUs, range)).sort(newestFirst);
      for (const r of mine) {
        await Promise.resolve();
        yield r;
      }
    },
    refsOf: (cid) => Promise.resolve([...rows.values()].filter((r) => r.cid === cid).map((r): CidRef => ({ requestId: r.requestId, owner: r.owner, createdUs: r.createdUs }))),
  };
}

/** Pins by CID, as the store would return them. */
export class PinTable {
  readonly pins = new Map<string, StoredPin>();

  set(cid: string, desired: readonly string[], actual: Readonly<Record<string, PlacementState>>, options: { rfMin?: number; errors?: Record<string, string> } = {}): void {
    const spec = validatePinSpec({ cid, replicationFactorMin: options.rfMin ?? 0, replicationFactorMax: options.rfMin ?? 0 });
    this.pins.set(spec.cid, {
      spec,
      createdAt: 1,
      updatedAt: 1,
      lastOpId: 'op',
      placement: desired.length === 0 && Object.keys(actual).length === 0 ? null : { desired: [...desired].sort(), actual, errors: options.errors ?? {}, updatedAt: 1, lastOpId: 'op' },
    });
  }

  get = (cid: string): Promise<StoredPin> => {
    const pin = this.pins.get(cid);
    return pin === undefined ? Promise.reject(new NotFoundError(cid)) : Promise.resolve(pin);
  };
}

export const TOKENS = { alice: 'alice-token-0123456789', bob: 'bob-token-abcdefghij' } as const;

export const pinningConfig = (overrides: Partial<PinningConfig> = {}): PinningConfig => ({
  tokens: [
    { token: TOKENS.alice, owner: 'alice' },
    { token: TOKENS.bob, owner: 'bob' },
  ],
  maxScan: 100_000,
  ...overrides,
});

export const auth = (who: keyof typeof TOKENS): Record<string, string> => ({ authorization: `Bearer ${TOKENS[who]}`, 'content-type': 'application/json' });
