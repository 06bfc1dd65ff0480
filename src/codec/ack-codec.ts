/** `pins.acks` values: PlacementAck ⇄ io.pinstate.v1.PlacementAck. */
import { parseCid } from '../domain/cid.js';
import type { PlacementAck } from '../domain/messages.js';
import { validatePeerId } from '../domain/pin.js';
import { parsePlacementState } from '../domain/placement-state.js';
import { defineCodec } from './message-codec.js';
import type { MessageCodec } from './message-codec.js';
import { releasedRegistry } from './released-schemas.js';
import type { MessageFamily } from './schema-registry.js';
import { WIRE_LIMITS, checkOpId, checkText, checkTimestamp } from './wire-checks.js';

interface AvroPlacementAck {
  op_id: string;
  ts: number;
  cid: string;
  peer: string;
  state: string;
  error: string | null;
}

function toAvro(ack: PlacementAck): AvroPlacementAck {
  return {
    op_id: ack.opId,
    ts: ack.ts,
    cid: ack.cid,
    peer: ack.peer,
    state: parsePlacementState(ack.state, 'state'),
    error: ack.error,
  };
}

function fromAvro(raw: AvroPlacementAck): PlacementAck {
  return {
    opId: checkOpId(raw.op_id),
    ts: checkTimestamp(raw.ts, 'ts'),
    cid: parseCid(raw.cid, 'cid').text,
    peer: validatePeerId(raw.peer, 'peer'),
    state: parsePlacementState(raw.state, 'state'),
    error: raw.error === null ? null : checkText(raw.error, 'error', WIRE_LIMITS.ackErrorBytes),
  };
}

/** A PlacementAck codec over `family`. */
export function createAckCodec(family: MessageFamily): MessageCodec<PlacementAck> {
  return defineCodec(family, 'PlacementAck', toAvro, fromAvro);
}

const acks = createAckCodec(releasedRegistry.family('PlacementAck'));

/** Encodes a `pins.acks` value. Throws ValidationError for an unknown state or a value that does not fit the schema. */
export function encodeAck(ack: PlacementAck): Buffer {
  return acks.encode(ack);
}

/** Decodes and validates a `pins.acks` value (op_id, ts, cid, peer, state, error length). Throws only PinstateError. */
export function decodeAck(bytes: Uint8Array): PlacementAck {
  return acks.decode(bytes);
}
