/** `pins.placements` values: PlacementChange ⇄ io.pinstate.v1.PlacementChange. */
import { parseCid } from '../domain/cid.js';
import type { PlacementChange } from '../domain/messages.js';
import { validatePeerId } from '../domain/pin.js';
import { parsePlacementState } from '../domain/placement-state.js';
import { defineCodec } from './message-codec.js';
import type { MessageCodec } from './message-codec.js';
import { releasedRegistry } from './released-schemas.js';
import type { MessageFamily } from './schema-registry.js';
import { checkOpId, checkTimestamp } from './wire-checks.js';

interface AvroPlacementChange {
  cid: string;
  peer: string;
  desired: boolean;
  state: string;
  op_id: string;
  ts: number;
}

function toAvro(change: PlacementChange): AvroPlacementChange {
  return {
    cid: change.cid,
    peer: change.peer,
    desired: change.desired,
    state: parsePlacementState(change.state, 'state'),
    op_id: change.opId,
    ts: change.ts,
  };
}

function fromAvro(raw: AvroPlacementChange): PlacementChange {
  return {
    cid: parseCid(raw.cid, 'cid').text,
    peer: validatePeerId(raw.peer, 'peer'),
    desired: raw.desired,
    state: parsePlacementState(raw.state, 'state'),
    opId: checkOpId(raw.op_id),
    ts: checkTimestamp(raw.ts, 'ts'),
  };
}

/** A PlacementChange codec over `family`. */
export function createPlacementChangeCodec(family: MessageFamily): MessageCodec<PlacementChange> {
  return defineCodec(family, 'PlacementChange', toAvro, fromAvro);
}

const changes = createPlacementChangeCodec(releasedRegistry.family('PlacementChange'));

/** Encodes a `pins.placements` value. Throws ValidationError for an unknown state or a value that does not fit the schema. */
export function encodePlacementChange(change: PlacementChange): Buffer {
  return changes.encode(change);
}

/** Decodes and validates a `pins.placements` value (cid, peer, state, op_id, ts). Throws only PinstateError. */
export function decodePlacementChange(bytes: Uint8Array): PlacementChange {
  return changes.decode(bytes);
}
