/**
 * What a pin request does to the pinset. Every request for a CID shares the CID's one pin: adding
 * a request publishes UpsertPin (op_id = requestid), removing the CID's last request publishes
 * DeletePin. The request rows are written first, so a request that exists always has, or will
 * have, an intent behind it; a failed publish removes the rows again.
 *
 * Removing races with adding (another API instance may add a request for the same CID between our
 * check and our DeletePin): after the DeletePin is on Kafka the CID's requests are read again,
 * and if one appeared its UpsertPin is published once more. All intents of a CID share a Kafka
 * partition, so whatever is published last is applied last.
 */
import { newOpId } from '../../../producers/index.js';
import { LIMITS, type PinSpecInput } from '../../domain/pin.js';
import type { Logger } from '../../log.js';
import type { IntentPublisher } from '../deps.js';
import type { PsaRequest, PsaRequestStore } from './requests.js';

const utf8 = new TextEncoder();
const fits = (text: string, maxBytes: number): boolean => utf8.encode(text).length <= maxBytes;

/**
 * The shared pin a request asks for. Origins go to the agents as hints: the first
 * `LIMITS.origins` that fit the pin's bounds (the request keeps them all). The name goes on the
 * pin when it fits `LIMITS.nameBytes`; the request keeps it either way.
 */
export function pinSpecOf(request: PsaRequest): PinSpecInput {
  const origins = request.origins.filter((o) => fits(o, LIMITS.originBytes)).slice(0, LIMITS.origins);
  const name = request.name !== undefined && fits(request.name, LIMITS.nameBytes) ? request.name : undefined;
  return { cid: request.cid, owner: request.owner, name, origins };
}

export interface Lifecycle {
  add(request: PsaRequest): Promise<void>;
  /** Removes a request; the pin goes when no other request (of any owner) names its CID. */
  remove(request: PsaRequest): Promise<void>;
  /** Adds `next` before removing `previous`, so blocks both pins share are never unpinned in between. */
  replace(previous: PsaRequest, next: PsaRequest): Promise<void>;
}

export function requestLifecycle(requests: PsaRequestStore, producer: IntentPublisher, log: Pick<Logger, 'warn'>): Lifecycle {
  async function add(request: PsaRequest): Promise<void> {
    await requests.put(request);
    try {
      await producer.upsertPin(pinSpecOf(request), { opId: request.requestId });
    } catch (err: unknown) {
      await requests.remove(request).catch((undo: unknown) =>
        log.warn({ requestid: request.requestId, err: undo instanceof Error ? undo.message : String(undo) }, 'pinning: could not remove the rows of a request whose intent failed'),
      );
      throw err;
    }
  }

  async function release(cid: string): Promise<void> {
    if ((await requests.refsOf(cid)).length > 0) return;
    await producer.deletePin(cid);
    const late = await requests.refsOf(cid);
    if (late.length === 0) return;
    const newest = late.reduce((a, b) => (b.createdUs > a.createdUs ? b : a));
    const request = await requests.get(newest.requestId);
    if (request !== undefined) await producer.upsertPin(pinSpecOf(request), { opId: newOpId() });
  }

  return {
    add,
    async remove(request) {
      await requests.remove(request);
      await release(request.cid);
    },
    async replace(previous, next) {
      await add(next);
      await requests.remove(previous);
      if (previous.cid !== next.cid) await release(previous.cid);
    },
  };
}
