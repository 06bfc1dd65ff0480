/**
 * createClusterApp(deps): IPFS Cluster's REST API (v1.1.x routes and JSON, api/rest/restapi.go)
 * as a hono app over pinstate. Writes are Kafka intents through the producer SDK, reads go to the
 * store, peers come from a PeerDirectory. Nothing here opens a socket; server.ts does.
 */
import { Hono, type Context } from 'hono';
import { routePath } from 'hono/route';
import type { PinProducer } from '../../../producers/index.js';
import { parseCid } from '../../domain/cid.js';
import type { PlacementState } from '../../domain/placement-state.js';
import { isPinstateError, NotFoundError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import type { PinStore } from '../../store/store.js';
import type { StoredPin } from '../../store/reads.js';
import { authenticate, issueClusterToken, type Credentials } from './auth.js';
import { ClusterApiError, clusterError, clusterErrorOf } from './errors.js';
import {
  acceptedApiPin,
  globalPinInfo,
  gpiMatches,
  parsePinTypeFilter,
  parseStatusFilter,
  peerIdJson,
  pinTypeMatches,
  placementStates,
  selfIdJson,
  storedApiPin,
  unpinnedInfo,
  type GlobalPinInfoJson,
  type SelfPeer,
} from './json.js';
import type { PeerDirectory } from './peer-directory.js';
import { parseClusterPinRequest } from './pin-options.js';
import { jsonStream } from './stream.js';

export type ClusterPinReader = Pick<PinStore, 'get' | 'list'>;
export type ClusterIntentPublisher = Pick<PinProducer, 'upsertPin' | 'deletePin' | 'setDesiredPlacement' | 'ackPlacement'>;

export interface ClusterApiDeps {
  readonly store: ClusterPinReader;
  readonly producer: ClusterIntentPublisher;
  /** This instance as a cluster peer (GET /id). */
  readonly self: SelfPeer;
  readonly peers: PeerDirectory;
  /** `cluster_api.basic_auth_credentials`; null = no authentication. */
  readonly credentials: Credentials | null;
  readonly logger?: Logger;
  readonly now?: () => number;
}

export type ClusterEnv = { Variables: { user: string | null; log: Logger } };
export type ClusterApp = Hono<ClusterEnv>;

/** What recover does to an errored placement: the peer is asked to try again. */
const REQUEUE: Partial<Record<PlacementState, PlacementState>> = {
  pin_error: 'pin_queued',
  unexpectedly_unpinned: 'pin_queued',
  unpin_error: 'unpin_queued',
};

const decodeCid = (text: string): string => {
  try {
    return parseCid(text, 'cid').text;
  } catch (err: unknown) {
    throw new ClusterApiError(400, `error decoding Cid: ${err instanceof Error ? err.message : String(err)}`);
  }
};

/** `/pins/{ipfs|ipld}/<cid>`: pinstate has no IPFS daemon to resolve anything below a CID or an IPNS name. */
function cidOfPath(keyType: string, path: string): string {
  const rest = path.replace(/\/+$/, '');
  if (keyType === 'ipns') throw new ClusterApiError(400, `error parsing path: /ipns/${rest}: pinstate cannot resolve IPNS names (it runs no IPFS daemon); pin the CID`);
  if (rest.includes('/')) throw new ClusterApiError(400, `error parsing path: /${keyType}/${rest}: pinstate cannot resolve paths below a CID (it runs no IPFS daemon); pin the CID itself`);
  return decodeCid(rest);
}

const isLocal = (c: Context): boolean => c.req.query('local') === 'true';

export function createClusterApp(deps: ClusterApiDeps): ClusterApp {
  const { store, producer, self, peers } = deps;
  const now = deps.now ?? Date.now;
  const logger = (deps.logger ?? silentLogger()).child({ component: 'cluster-api' });
  const app = new Hono<ClusterEnv>();

  app.use(async (c, next) => {
    const started = performance.now();
    const log = logger.child({});
    c.set('log', log);
    // IPFS Cluster's strictSlashHandler: a trailing slash is redirected away (307).
    if (c.req.path.length > 1 && c.req.path.endsWith('/')) {
      const url = new URL(c.req.url);
      url.pathname = url.pathname.replace(/\/+$/, '');
      return c.redirect(url.toString(), 307);
    }
    const auth = await authenticate(deps.credentials, c.req.method, c.req.path, c.req.header('authorization'));
    if (!auth.ok) {
      for (const value of auth.wwwAuthenticate) c.header('WWW-Authenticate', value, { append: true });
      return clusterError(c, 401, auth.message);
    }
    c.set('user', auth.user);
    await next();
    const status = c.res.status;
    log[status >= 500 ? 'error' : 'info']({ method: c.req.method, path: c.req.path, route: routePath(c, -1), status, ms: +(performance.now() - started).toFixed(3) }, 'cluster api request');
  });

  const names = async (): Promise<Map<string, string>> => new Map((await peers.list()).flatMap((p) => (p.peername === undefined ? [] : [[p.id, p.peername] as const])));
  const streamError = (c: Context<ClusterEnv>) => (err: unknown) => c.get('log').error({ err: err instanceof Error ? err.message : String(err) }, 'cluster api stream failed');

  const statusOf = async (cid: string, local: boolean, nameMap: ReadonlyMap<string, string>): Promise<GlobalPinInfoJson> => {
    try {
      return globalPinInfo(await store.get(cid), self, { local, names: nameMap });
    } catch (err: unknown) {
      if (err instanceof NotFoundError) return unpinnedInfo(cid, self, now());
      throw err;
    }
  };

  /** Re-queues a pin's errored placements through the acks topic; the GPI shows what was queued. */
  const recover = async (pin: StoredPin, nameMap: ReadonlyMap<string, string>): Promise<GlobalPinInfoJson | undefined> => {
    const override = new Map<string, PlacementState>();
    for (const [peer, state] of placementStates(pin)) {
      const next = REQUEUE[state];
      if (next !== undefined) override.set(peer, next);
    }
    if (override.size === 0) return undefined;
    for (const [peer, state] of override) await producer.ackPlacement(pin.spec.cid, peer, state);
    return globalPinInfo(pin, self, { names: nameMap, override });
  };

  const pin = async (c: Context<ClusterEnv>, cid: string): Promise<Response> => {
    const request = parseClusterPinRequest(cid, c.req.query(), now());
    await producer.upsertPin(request.spec);
    const max = request.spec.replicationFactorMax;
    const allocations = max > 0 ? request.userAllocations.slice(0, max) : [...request.userAllocations];
    if (allocations.length > 0) await producer.setDesiredPlacement(cid, allocations);
    return c.json(acceptedApiPin(request.spec, allocations));
  };

  const unpin = async (c: Context<ClusterEnv>, cid: string): Promise<Response> => {
    const existing = await store.get(cid);
    await producer.deletePin(cid);
    return c.json(storedApiPin(existing));
  };

  app.get('/health', (c) => c.body(null, 204));
  app.get('/id', async (c) => c.json(selfIdJson(self, await peers.list())));
  app.get('/version', (c) => c.json({ version: self.version }));
  app.get('/peers', async (c) => {
    const known = await peers.list();
    const all = [selfIdJson(self, known), ...known.filter((p) => p.id !== self.id).map((p) => peerIdJson(p, self, known))];
    return jsonStream(c, all, (x) => x);
  });

  app.post('/token', async (c) => {
    const user = c.get('user');
    const password = user === null || deps.credentials === null ? undefined : deps.credentials[user];
    if (password === undefined) return clusterError(c, 401, 'unauthorized');
    return c.json({ token: await issueClusterToken(user!, password) });
  });

  app.get('/allocations', (c) => {
    const filter = parsePinTypeFilter(c.req.query('filter') ?? '');
    if (filter === null) return clusterError(c, 400, 'invalid filter value');
    return jsonStream(c, store.list(), (p) => (pinTypeMatches(filter, p.spec.pinType) ? storedApiPin(p) : undefined), { onError: streamError(c) });
  });
  app.get('/allocations/:cid', async (c) => c.json(storedApiPin(await store.get(decodeCid(c.req.param('cid'))))));

  app.get('/pins', async (c) => {
    const filterText = c.req.query('filter') ?? '';
    const filter = parseStatusFilter(filterText);
    if (filter === 0 && filterText !== '') return clusterError(c, 400, 'invalid filter value');
    const local = isLocal(c);
    const nameMap = await names();
    const cidsText = c.req.query('cids') ?? '';
    if (cidsText !== '') {
      const cids = cidsText.split(',').map(decodeCid);
      return jsonStream(c, cids, (cid) => statusOf(cid, local, nameMap), { onError: streamError(c) });
    }
    return jsonStream(
      c,
      store.list(),
      (p) => {
        const gpi = globalPinInfo(p, self, { local, names: nameMap });
        return gpiMatches(gpi, filter) ? gpi : undefined;
      },
      { onError: streamError(c) },
    );
  });

  app.post('/pins/recover', async (c) => {
    if (isLocal(c)) return c.body(null, 204); // this instance holds no content, so nothing of its own is in error
    const nameMap = await names();
    return jsonStream(c, store.list(), (p) => recover(p, nameMap), { onError: streamError(c) });
  });
  app.post('/pins/:cid/recover', async (c) => {
    const cid = decodeCid(c.req.param('cid'));
    const nameMap = await names();
    const stored = await store.get(cid);
    if (isLocal(c)) return c.json(globalPinInfo(stored, self, { local: true, names: nameMap }));
    return c.json((await recover(stored, nameMap)) ?? globalPinInfo(stored, self, { names: nameMap }));
  });

  app.get('/pins/:cid', async (c) => c.json(await statusOf(decodeCid(c.req.param('cid')), isLocal(c), await names())));
  app.post('/pins/:keyType{ipfs|ipns|ipld}/:path{.+}', (c) => pin(c, cidOfPath(c.req.param('keyType'), c.req.param('path'))));
  app.delete('/pins/:keyType{ipfs|ipns|ipld}/:path{.+}', (c) => unpin(c, cidOfPath(c.req.param('keyType'), c.req.param('path'))));
  app.post('/pins/:cid', (c) => pin(c, decodeCid(c.req.param('cid'))));
  app.delete('/pins/:cid', (c) => unpin(c, decodeCid(c.req.param('cid'))));

  app.notFound((c) => clusterError(c, 404, 'not found'));
  app.onError((err, c) => {
    const { status, message } = clusterErrorOf(err);
    if (status >= 500) (c.get('log') ?? logger).error({ err: err.message, code: isPinstateError(err) ? err.code : undefined }, 'cluster api request failed');
    return clusterError(c, status, message);
  });
  return app;
}
