/** Stand-ins for the app's injected parts in pure tests (no server is involved; nothing is replaced in integration tests). */
import type { ApiDeps, IntentPublisher, PinReader, ReadinessReport } from '../../../src/api/index.js';
import { createRegistry } from '../../../src/metrics.js';

export interface RecordingPublisher extends IntentPublisher {
  readonly calls: Array<{ method: string; args: unknown[] }>;
}

export function recordingPublisher(): RecordingPublisher {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const record =
    (method: string) =>
    (...args: unknown[]): Promise<string> => {
      calls.push({ method, args });
      return Promise.resolve(`op-${calls.length}`);
    };
  return {
    calls,
    upsertPin: record('upsertPin'),
    deletePin: record('deletePin'),
    setDesiredPlacement: record('setDesiredPlacement'),
  };
}

const unreachable = (): never => {
  throw new Error('the store is not reachable from pure tests');
};

export const noStore: PinReader = { get: unreachable, list: unreachable, listByPeer: unreachable, stats: unreachable };

export function stubDeps(overrides: Partial<ApiDeps> = {}): ApiDeps & { producer: RecordingPublisher } {
  const report: ReadinessReport = { ready: true, checks: { database: { ok: true }, kafka: { ok: true } } };
  return {
    store: noStore,
    producer: recordingPublisher(),
    registry: createRegistry(),
    readiness: { check: () => Promise.resolve(report) },
    config: { tokens: [], maxBodyBytes: 1024 },
    ...overrides,
  } as ApiDeps & { producer: RecordingPublisher };
}

/** A body of POST /pins/{cid} using most keys (the OpenAPI test checks it against the document's schema). */
export const PIN_OPTION_EXAMPLE = { name: 'n', replication_factor_min: 1, replication_factor_max: 3, tags: ['t'], metadata: { k: 'v' }, expire_at: '2030-01-02T03:04:05Z', type: 'pin', mode: 'direct', op_id: 'op-1' };
