/** Read routes: straight to the store. Lists stream NDJSON and never hold more than a chunk. */
import { parseCid } from '../../domain/cid.js';
import { validatePeerId } from '../../domain/pin.js';
import { parsePlacementState, type PlacementState } from '../../domain/placement-state.js';
import { ValidationError } from '../../errors.js';
import type { StoredPin } from '../../store/reads.js';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { ndjsonStream } from '../ndjson.js';
import { hasPlacementState, peerPinJson, pinJson, statsJson } from '../pin-json.js';

const NDJSON = { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store' };

/** Refuses query parameters a route does not know (a typo never silently widens a list). */
export function checkQuery(query: Record<string, string>, allowed: readonly string[]): void {
  for (const key of Object.keys(query)) {
    if (!allowed.includes(key)) throw new ApiError(400, 'UNKNOWN_FIELD', key, `${key}: unknown query parameter; allowed: ${allowed.join(', ') || 'none'}`);
  }
}

export function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) throw new ValidationError('INVALID_FIELD', 'limit', `expected a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function parseState(value: string | undefined): PlacementState | undefined {
  return value === undefined ? undefined : parsePlacementState(value, 'state');
}

async function* withState(source: AsyncGenerator<StoredPin>, state: PlacementState): AsyncGenerator<StoredPin> {
  for await (const pin of source) if (hasPlacementState(pin, state)) yield pin;
}

export function registerReadRoutes(app: ApiApp, deps: ApiDeps): void {
  const { store } = deps;
  const streamError = (log: { error(o: object, m: string): void }) => (err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'list stream failed');

  app.get('/pins/:cid', async (c) => {
    checkQuery(c.req.query(), []);
    const cid = parseCid(c.req.param('cid'), 'cid').text;
    return c.json(pinJson(await store.get(cid)));
  });

  app.get('/pins', (c) => {
    const query = c.req.query();
    checkQuery(query, ['peer', 'state', 'limit']);
    const state = parseState(query['state']);
    const limit = parseLimit(query['limit']);
    const onError = streamError(c.get('log'));
    if (query['peer'] !== undefined) {
      const peer = validatePeerId(query['peer'], 'peer');
      return c.body(ndjsonStream(store.listByPeer(peer, { state }), peerPinJson, { limit, onError }), 200, NDJSON);
    }
    const pins = state === undefined ? store.list() : withState(store.list(), state);
    return c.body(ndjsonStream(pins, pinJson, { limit, onError }), 200, NDJSON);
  });

  app.get('/peers/:peer/pins', (c) => {
    const query = c.req.query();
    checkQuery(query, ['state', 'limit']);
    const peer = validatePeerId(c.req.param('peer'), 'peer');
    const state = parseState(query['state']);
    const limit = parseLimit(query['limit']);
    return c.body(ndjsonStream(store.listByPeer(peer, { state }), peerPinJson, { limit, onError: streamError(c.get('log')) }), 200, NDJSON);
  });

  app.get('/stats', async (c) => {
    checkQuery(c.req.query(), []);
    return c.json(statsJson(await store.stats()));
  });
}
