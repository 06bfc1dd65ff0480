// Fixed messages for example-based codec tests: every field set, and the minimal forms.
import type { PinEvent, PinIntent, PlacementAck, PlacementChange } from '../../../src/domain/messages.js';
import { validatePinSpec } from '../../../src/domain/pin.js';

export const CID_V0 = 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG';
export const CID_V1 = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
export const PEER_A = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf';
export const PEER_B = '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq';
export const TS = 1_718_000_000_123;

export const fullSpec = validatePinSpec({
  cid: CID_V1,
  owner: 'alice',
  pinType: 'meta-pin',
  maxDepth: 1,
  replicationFactorMin: 2,
  replicationFactorMax: 3,
  name: 'dataset 🌍 v2',
  tags: ['b', 'a'],
  metadata: { k1: 'v1', 'ключ': 'значение', ['__proto__']: 'data, not a prototype' },
  expireAt: TS + 86_400_000,
  shardSize: 104_857_600,
  reference: CID_V0,
  pinUpdate: CID_V0,
  origins: [`/ip4/10.0.0.1/tcp/4001/p2p/${PEER_A}`],
  timestamp: TS - 1000,
});

export const minimalSpec = validatePinSpec({ cid: CID_V0 });

export const upsertFull: PinIntent = { opId: '0190a6f2-8c1e-7b2a-9a3e-4f5d6c7b8a90', ts: TS, origin: PEER_A, body: { kind: 'UpsertPin', spec: fullSpec } };
export const upsertMinimal: PinIntent = { opId: 'x', ts: 0, origin: '', body: { kind: 'UpsertPin', spec: minimalSpec } };
export const deleteIntent: PinIntent = { opId: '01J1Z3N8Q4W5E6R7T8Y9U0I1O2', ts: TS, origin: 'api', body: { kind: 'DeletePin', cid: CID_V0 } };
export const expireIntent: PinIntent = { opId: 'ttl-1', ts: TS, origin: 'ttl-sweeper', body: { kind: 'DeletePin', cid: CID_V1, expiredAt: TS - 5 } };
export const placeIntent: PinIntent = {
  opId: 'op-3',
  ts: TS,
  origin: 'api',
  body: { kind: 'SetDesiredPlacement', cid: CID_V1, peers: [PEER_A, PEER_B] },
};
export const placeEmpty: PinIntent = { opId: 'op-4', ts: TS, origin: 'api', body: { kind: 'SetDesiredPlacement', cid: CID_V1, peers: [] } };

export const ackFull: PlacementAck = { opId: 'ack-1', ts: TS, cid: CID_V1, peer: PEER_A, state: 'pin_error', error: 'context deadline exceeded' };
export const ackMinimal: PlacementAck = { opId: 'a', ts: 0, cid: CID_V0, peer: 'p', state: 'pinned', error: null };

export const changeFull: PlacementChange = { cid: CID_V1, peer: PEER_B, desired: true, state: 'pin_queued', opId: 'op-3', ts: TS };
export const changeUnpin: PlacementChange = { cid: CID_V0, peer: 'p', desired: false, state: 'unpin_queued', opId: 'o', ts: 0 };

export const eventFull: PinEvent = {
  opId: 'op-3',
  ts: TS,
  cid: CID_V1,
  kind: 'SetDesiredPlacement',
  outcome: 'applied',
  reason: null,
  detail: `placement +${PEER_A} +${PEER_B}`,
  origin: 'api',
  source: { topic: 'pins.intents', partition: 7, offset: '9223372036854775807' },
};
export const eventRejected: PinEvent = {
  opId: '',
  ts: 0,
  cid: 'not-a-cid',
  kind: 'UpsertPin',
  outcome: 'rejected',
  reason: 'INVALID_CID',
  detail: '',
  origin: '',
  source: null,
};
