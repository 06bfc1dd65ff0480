/**
 * Write routes: each publishes one intent through the producer SDK and answers 202 with its op_id
 * once the broker acknowledged it; the writer applies it shortly after. Input is validated in full
 * before anything is published, so a 4xx means nothing was sent.
 */
import { bodyLimit } from 'hono/body-limit';
import { validateOpId } from '../../../producers/index.js';
import { parseCid } from '../../domain/cid.js';
import { validatePeers, validatePinSpec } from '../../domain/pin.js';
import type { ApiApp } from '../api-app.js';
import { requireToken } from '../auth.js';
import { parseJsonObject, parsePinRequest, parsePlacementRequest } from '../body.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { checkQuery } from './reads.js';

export function registerWriteRoutes(app: ApiApp, deps: ApiDeps): void {
  const { producer } = deps;
  const { tokens, maxBodyBytes } = deps.config;
  const auth = requireToken(tokens);
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'body', `body: larger than ${maxBodyBytes} bytes (api.max_body_bytes)`);
    },
  });
  // Everything is validated here, before the producer is called, so a 4xx never publishes.
  const opOptions = (opId: string | undefined): { opId: string } | undefined => (opId === undefined ? undefined : { opId: validateOpId(opId, 'op_id') });

  app.post('/pins/:cid', auth, limit, async (c) => {
    checkQuery(c.req.query(), []);
    const cid = parseCid(c.req.param('cid'), 'cid').text;
    const request = parsePinRequest(cid, parseJsonObject(await c.req.text()));
    validatePinSpec(request.spec);
    const opId = await producer.upsertPin(request.spec, opOptions(request.opId));
    return c.json({ op_id: opId, cid }, 202);
  });

  app.delete('/pins/:cid', auth, async (c) => {
    const query = c.req.query();
    checkQuery(query, ['op_id']);
    const cid = parseCid(c.req.param('cid'), 'cid').text;
    const opId = await producer.deletePin(cid, opOptions(query['op_id']));
    return c.json({ op_id: opId, cid }, 202);
  });

  app.put('/pins/:cid/placement', auth, limit, async (c) => {
    checkQuery(c.req.query(), []);
    const cid = parseCid(c.req.param('cid'), 'cid').text;
    const request = parsePlacementRequest(parseJsonObject(await c.req.text()));
    const peers = validatePeers(request.peers, 'peers');
    const opId = await producer.setDesiredPlacement(cid, peers, opOptions(request.opId));
    return c.json({ op_id: opId, cid }, 202);
  });
}
