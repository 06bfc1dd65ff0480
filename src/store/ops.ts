/** Building validated StoreOps from caller input: the one gate before anything is planned. Pure. */
import { ValidationError } from '../errors.js';
import { parseCid } from '../domain/cid.js';
import { validatePeerId, validatePeers, validatePinSpec, type PinSpecInput } from '../domain/pin.js';
import { parsePlacementState } from '../domain/placement-state.js';
import type { SourcePosition } from '../domain/messages.js';
import type { StoreOp, StoreOpBody } from './records.js';

export interface OpOptions {
  /** When the op was created (unix ms); default now. */
  readonly ts?: number;
  /** Who asked for it; default "store". */
  readonly origin?: string;
  readonly source?: SourcePosition | null;
}

export const MAX_OP_ID_LENGTH = 128;

export function validateOpId(opId: unknown, field = 'op_id'): string {
  if (typeof opId !== 'string' || opId.length === 0) throw new ValidationError('MISSING_FIELD', field, 'op id is required');
  if (opId.length > MAX_OP_ID_LENGTH) throw new ValidationError('OVERSIZED_VALUE', field, `op id longer than ${MAX_OP_ID_LENGTH} characters`);
  return opId;
}

function makeOp(opId: string, body: StoreOpBody, options: OpOptions): StoreOp {
  const ts = options.ts ?? Date.now();
  if (!Number.isSafeInteger(ts) || ts < 0) throw new ValidationError('INVALID_FIELD', 'ts', 'expected unix milliseconds');
  return { opId: validateOpId(opId), ts, origin: options.origin ?? 'store', source: options.source ?? null, body };
}

export function upsertOp(opId: string, spec: PinSpecInput, options: OpOptions = {}): StoreOp {
  return makeOp(opId, { kind: 'UpsertPin', spec: validatePinSpec(spec) }, options);
}

export function deleteOp(opId: string, cid: string, options: OpOptions & { expiredAt?: number | null } = {}): StoreOp {
  const body: StoreOpBody =
    options.expiredAt === undefined || options.expiredAt === null
      ? { kind: 'DeletePin', cid: parseCid(cid).text }
      : { kind: 'DeletePin', cid: parseCid(cid).text, expiredAt: options.expiredAt };
  return makeOp(opId, body, options);
}

export function placementOp(opId: string, cid: string, peers: readonly string[], options: OpOptions = {}): StoreOp {
  return makeOp(opId, { kind: 'SetDesiredPlacement', cid: parseCid(cid).text, peers: validatePeers(peers) }, options);
}

export function ackOp(opId: string, cid: string, peer: string, state: string, options: OpOptions & { error?: string | null } = {}): StoreOp {
  const error = options.error ?? null;
  if (error !== null && typeof error !== 'string') throw new ValidationError('INVALID_FIELD', 'error', 'expected a string');
  return makeOp(
    opId,
    { kind: 'AckPlacement', cid: parseCid(cid).text, peer: validatePeerId(peer), state: parsePlacementState(state), error },
    options,
  );
}
