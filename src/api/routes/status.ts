/**
 * GET /pins/{cid}/status: the pin's state on every peer, like IPFS Cluster's `status <cid>`.
 * Self-contained: it needs the store's `get` and, for liveness and `remote` peers, the peer
 * registry (`deps.peers`; without one only the placement's own peers are listed).
 */
import { parseCid } from '../../domain/cid.js';
import { pinStatus } from '../pin-status.js';
import type { ReplicationDefaults } from '../../allocator/decision.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../deps.js';
import { checkQuery } from './reads.js';

const NO_DEFAULTS: ReplicationDefaults = { defaultReplicationFactorMin: -1, defaultReplicationFactorMax: -1 };

export function registerStatusRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get('/pins/:cid/status', async (c) => {
    checkQuery(c.req.query(), []);
    const cid = parseCid(c.req.param('cid'), 'cid').text;
    const pin = await deps.store.get(cid);
    return c.json(pinStatus(pin, deps.peers?.snapshot() ?? [], deps.replicationDefaults ?? NO_DEFAULTS));
  });
}
