/**
 * The IPFS Pinning Services API v1.0.0 as a hono sub-app, mounted under /pinning by src/api/app.ts:
 *
 *   GET    /pins               list the owner's requests (filters, count, newest first)
 *   POST   /pins               add a request → 202 PinStatus
 *   GET    /pins/{requestid}   one request and its status
 *   POST   /pins/{requestid}   replace: a new request (new requestid), the old one removed → 202
 *   DELETE /pins/{requestid}   remove → 202
 *   GET    /openapi.json       this API's OpenAPI document (no token needed)
 *
 * Every request is authenticated first (bearer token → owner), then validated; every error is the
 * spec's Failure body. Writes publish intents through the producer SDK, like the rest of the API.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { newOpId } from '../../../producers/index.js';
import { parseCid } from '../../domain/cid.js';
import { isPinstateError } from '../../errors.js';
import type { PinningConfig } from '../../config/pinning-config.js';
import type { Logger } from '../../log.js';
import { silentLogger } from '../../log.js';
import type { StoredPin } from '../../store/reads.js';
import type { IntentPublisher, PinReader } from '../deps.js';
import { createdClock, formatCreated } from './created-time.js';
import { noDelegates, type DelegatesSource } from './delegates.js';
import { failureOf, PsaError } from './failure.js';
import { requestLifecycle } from './lifecycle.js';
import { listRequests } from './list.js';
import { pinningOpenApiDocument } from './openapi.js';
import { ownerLookup } from './owners.js';
import { parseListQuery } from './query.js';
import type { PsaRequest, PsaRequestStore } from './requests.js';
import { P2P_MULTIADDR_PATTERN, PinSchema, PSA_LIMITS, type PsaPinResults, type PsaPinStatus } from './schemas.js';
import { psaStatusOf, type PsaStatusView } from './status.js';

/** What src/api/app.ts passes in besides the store and producer every route shares. */
export interface PinningDeps {
  readonly config: PinningConfig;
  readonly requests: PsaRequestStore;
  /** Multiaddrs for `delegates`; default none (see delegates.ts). */
  readonly delegates?: DelegatesSource;
  /** Microsecond clock for `created` (tests pin it); default the wall clock, strictly increasing. */
  readonly clock?: () => number;
}

export interface PinningAppDeps extends PinningDeps {
  readonly store: Pick<PinReader, 'get'>;
  readonly producer: IntentPublisher;
  readonly maxBodyBytes: number;
  readonly logger?: Logger;
}

type PsaEnv = { Variables: { owner: string; log?: Logger } };

const MAX_REQUEST_ID_CHARS = 128;
const delegatePattern = new RegExp(P2P_MULTIADDR_PATTERN);

export function createPinningApp(deps: PinningAppDeps): Hono<PsaEnv> {
  const app = new Hono<PsaEnv>();
  const owners = ownerLookup(deps.config.tokens);
  const delegates = deps.delegates ?? noDelegates;
  const clock = deps.clock ?? createdClock();
  const baseLog = (deps.logger ?? silentLogger()).child({ component: 'pinning' });
  const logOf = (c: Context<PsaEnv>): Logger => c.get('log') ?? baseLog;
  const lifecycle = requestLifecycle(deps.requests, deps.producer, baseLog);

  const fail = (c: Context<PsaEnv>, err: unknown): Response => {
    const { status, body } = failureOf(err);
    if (status >= 500) logOf(c).error({ err: err instanceof Error ? err.message : String(err), reason: body.error.reason }, 'pinning request failed');
    if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="pinstate pinning"');
    return c.json(body, status);
  };
  app.onError((err, c) => fail(c, err));

  app.get('/openapi.json', (c) => c.json(pinningOpenApiDocument()));

  // Authentication before anything else, unknown paths and methods included.
  app.use('*', async (c, next) => {
    const owner = owners.ownerOf(c.req.header('authorization'));
    if (owner === undefined) {
      const details = !owners.enabled
        ? 'no access token is configured (pinning.tokens is empty)'
        : c.req.header('authorization') === undefined
          ? 'access token is missing (Authorization: Bearer <token>)'
          : 'access token is invalid';
      throw new PsaError(401, 'UNAUTHORIZED', details);
    }
    c.set('owner', owner);
    await next();
  });

  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes,
    onError: () => {
      throw new PsaError(413, 'PAYLOAD_TOO_LARGE', `body: larger than ${deps.maxBodyBytes} bytes (api.max_body_bytes)`);
    },
  });

  async function viewsOf(cids: readonly string[]): Promise<Map<string, PsaStatusView>> {
    const pins = await Promise.all(cids.map(async (cid) => [cid, await pinOrNull(deps.store, cid)] as const));
    return new Map(pins.map(([cid, pin]) => [cid, psaStatusOf(pin)]));
  }

  async function statusJson(request: PsaRequest, view?: PsaStatusView): Promise<PsaPinStatus> {
    const v = view ?? psaStatusOf(await pinOrNull(deps.store, request.cid));
    const addresses = v.holders.length === 0 ? [] : await delegates.multiaddrsOf(v.holders);
    return {
      requestid: request.requestId,
      status: v.status,
      created: formatCreated(request.createdUs),
      pin: { cid: request.cid, ...(request.name === undefined ? {} : { name: request.name }), origins: [...request.origins], meta: { ...request.meta } },
      delegates: [...new Set(addresses)].filter((a) => a.length <= 1024 && delegatePattern.test(a)).slice(0, PSA_LIMITS.delegates),
      info: { ...v.info },
    };
  }

  async function newRequest(c: Context<PsaEnv>): Promise<PsaRequest> {
    const pin = parsePinBody(await c.req.text());
    return { requestId: newOpId(), owner: c.get('owner'), createdUs: clock(), cid: pin.cid, name: pin.name, meta: pin.meta ?? {}, origins: pin.origins ?? [] };
  }

  async function ownRequest(c: Context<PsaEnv>): Promise<PsaRequest> {
    const id = c.req.param('requestid') ?? '';
    const request = id.length > 0 && id.length <= MAX_REQUEST_ID_CHARS ? await deps.requests.get(id) : undefined;
    // Another owner's request is answered exactly like a missing one: ids never leak across owners.
    if (request === undefined || request.owner !== c.get('owner')) throw new PsaError(404, 'NOT_FOUND', `no pin request ${JSON.stringify(id)}`);
    return request;
  }

  app.get('/pins', async (c) => {
    const query = parseListQuery(c.req.queries());
    const listed = await listRequests(c.get('owner'), query, { requests: deps.requests, viewsOf, maxScan: deps.config.maxScan });
    const results = await Promise.all(listed.results.map((r) => statusJson(r.request, r.view)));
    const body: PsaPinResults = { count: listed.count, results };
    return c.json(body);
  });

  app.post('/pins', limit, async (c) => {
    const request = await newRequest(c);
    await lifecycle.add(request);
    return c.json(await statusJson(request), 202);
  });

  app.get('/pins/:requestid', async (c) => c.json(await statusJson(await ownRequest(c))));

  app.post('/pins/:requestid', limit, async (c) => {
    const previous = await ownRequest(c);
    const next = await newRequest(c);
    await lifecycle.replace(previous, next);
    return c.json(await statusJson(next), 202);
  });

  app.delete('/pins/:requestid', async (c) => {
    await lifecycle.remove(await ownRequest(c));
    return c.body(null, 202);
  });

  const notAllowed = (allow: string) => (c: Context<PsaEnv>) => {
    c.header('Allow', allow);
    return fail(c, new PsaError(405, 'METHOD_NOT_ALLOWED', `${c.req.method} is not allowed here; allowed: ${allow}`));
  };
  app.all('/pins', notAllowed('GET, POST'));
  app.all('/pins/:requestid', notAllowed('GET, POST, DELETE'));
  app.all('*', (c) => fail(c, new PsaError(404, 'NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)));
  return app;
}

async function pinOrNull(store: Pick<PinReader, 'get'>, cid: string): Promise<StoredPin | null> {
  try {
    return await store.get(cid);
  } catch (err: unknown) {
    if (isPinstateError(err) && err.code === 'PIN_NOT_FOUND') return null;
    throw err;
  }
}

/** A `Pin` body: JSON, the schema, then the CID's hash function (which a pattern cannot check). */
export function parsePinBody(text: string): { cid: string; name?: string | undefined; origins?: string[] | undefined; meta?: Record<string, string> | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PsaError(400, 'BAD_REQUEST', 'body: expected a JSON Pin object such as {"cid":"bafy…"}');
  }
  const parsed = PinSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
    const what = issue?.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}; allowed: cid, name, origins, meta` : (issue?.message ?? 'invalid');
    throw new PsaError(400, 'BAD_REQUEST', `${path}: ${what}`);
  }
  try {
    return { ...parsed.data, cid: parseCid(parsed.data.cid, 'cid').text };
  } catch (err: unknown) {
    if (isPinstateError(err)) throw new PsaError(400, 'BAD_REQUEST', err.message);
    throw err;
  }
}
