/**
 * The producer SDK over an injected transport (a recording `send`, no Kafka): what each call
 * puts on the wire, that bad input rejects naming the field and sends nothing, batching, errors
 * and lifecycle.
 */
import { describe, expect, it } from 'vitest';
import { createPinProducer, ProducerSendError, UUID_V7_PATTERN, wireCarriesExpiredAt, type PinProducer, type PinTransport } from '../../../producers/index.js';
import type { OutgoingMessage } from '../../../producers/records.js';
import { decodeAck, decodeIntent } from '../../../src/codec/index.js';
import { loadConfig } from '../../../src/config/index.js';
import { parseCid } from '../../../src/domain/cid.js';
import type { PinIntent } from '../../../src/domain/messages.js';
import { mhPrefixKey } from '../../../src/domain/mh-prefix.js';
import type { PlacementState } from '../../../src/domain/placement-state.js';
import { PinstateError, ValidationError } from '../../../src/errors.js';
import { createRegistry } from '../../../src/metrics.js';
import { cidV0, cidV1, peerId } from '../../support/cids.js';
import { sleep } from '../../../src/sleep.js';

const config = loadConfig({ env: {}, overrides: { kafka: { topics: { intents: 'in.test', acks: 'acks.test' } } } }).kafka;

interface Recording {
  readonly transport: PinTransport;
  readonly batches: OutgoingMessage[][];
  readonly events: string[];
  fail: Error | undefined;
}

function recording(): Recording {
  const rec: Recording = {
    batches: [],
    events: [],
    fail: undefined,
    transport: {
      connect: () => {
        rec.events.push('connect');
        return Promise.resolve();
      },
      send: (messages) => {
        if (rec.fail) return Promise.reject(rec.fail);
        rec.batches.push([...messages]);
        rec.events.push(`send:${messages.length}`);
        return Promise.resolve();
      },
      disconnect: () => {
        rec.events.push('disconnect');
        return Promise.resolve();
      },
    },
  };
  return rec;
}

async function connected(extra: Partial<Parameters<typeof createPinProducer>[0]> = {}): Promise<{ producer: PinProducer; rec: Recording }> {
  const rec = recording();
  const producer = createPinProducer({ config, transport: rec.transport, origin: peerId('self'), lingerMs: 0, ...extra });
  await producer.connect();
  return { producer, rec };
}

const keyOf = (cid: string): string => mhPrefixKey(parseCid(cid).mhPrefix);

describe('producer: what goes on the wire', () => {
  it('upsertPin sends a validated UpsertPin keyed by the mh_prefix and resolves with a UUIDv7 op id', async () => {
    const { producer, rec } = await connected();
    const cid = cidV1('upsert');
    const before = Date.now();
    const opId = await producer.upsertPin({ cid, name: 'n', replicationFactorMin: 1, replicationFactorMax: 2, tags: ['b', 'a'] });
    expect(opId).toMatch(UUID_V7_PATTERN);
    const [m] = rec.batches.flat();
    expect(m).toMatchObject({ topic: 'in.test', key: keyOf(cid) });
    const intent = decodeIntent(m!.value);
    expect(intent.opId).toBe(opId);
    expect(intent.origin).toBe(peerId('self'));
    expect(intent.ts).toBeGreaterThanOrEqual(before);
    expect(intent.body).toMatchObject({ kind: 'UpsertPin', spec: { cid, name: 'n', replicationFactorMin: 1, replicationFactorMax: 2, tags: ['a', 'b'] } });
  });

  it('keeps a given op id and ts (retries and replays must)', async () => {
    const { producer, rec } = await connected();
    const cid = cidV0('given');
    expect(await producer.deletePin(cid, { opId: 'my-op-1', ts: 1234 })).toBe('my-op-1');
    const intent = decodeIntent(rec.batches[0]![0]!.value);
    expect(intent).toMatchObject({ opId: 'my-op-1', ts: 1234, body: { kind: 'DeletePin', cid } });
    expect(rec.batches[0]![0]!.key).toBe(keyOf(cid));
  });

  it('setDesiredPlacement sends sorted, distinct peers', async () => {
    const { producer, rec } = await connected();
    const cid = cidV1('place');
    const peers = [peerId(2), peerId(1), peerId(2)];
    await producer.setDesiredPlacement(cid, peers);
    const intent = decodeIntent(rec.batches[0]![0]!.value);
    expect(intent.body).toEqual({ kind: 'SetDesiredPlacement', cid, peers: [peerId(1), peerId(2)].sort() });
  });

  it('ackPlacement goes to the acks topic, keyed by the mh_prefix; long error text is cut to 200 bytes', async () => {
    const { producer, rec } = await connected();
    const cid = cidV1('ack');
    const opId = await producer.ackPlacement(cid, peerId('p'), 'pin_error', { error: 'é'.repeat(150) });
    const [m] = rec.batches.flat();
    expect(m).toMatchObject({ topic: 'acks.test', key: keyOf(cid) });
    const ack = decodeAck(m!.value);
    expect(ack).toMatchObject({ opId, cid, peer: peerId('p'), state: 'pin_error' });
    expect(ack.error).toBe('é'.repeat(100));
  });

  it('publishIntents keeps op ids, ts and origins and resolves with the op ids in order', async () => {
    const { producer, rec } = await connected();
    const intents: PinIntent[] = [
      { opId: 'imp-1', ts: 10, origin: 'importer', body: { kind: 'UpsertPin', spec: { cid: cidV1(1), owner: '', pinType: 'pin', maxDepth: -1, replicationFactorMin: 0, replicationFactorMax: 0, name: '', tags: [], metadata: {}, expireAt: null, shardSize: 0, reference: null, pinUpdate: null, origins: [], timestamp: null } } },
      { opId: 'imp-2', ts: 11, origin: 'importer', body: { kind: 'SetDesiredPlacement', cid: cidV1(1), peers: [peerId(1)] } },
      { opId: 'imp-3', ts: 12, origin: 'replay', body: { kind: 'DeletePin', cid: cidV0(2) } },
    ];
    expect(await producer.publishIntents(intents)).toEqual(['imp-1', 'imp-2', 'imp-3']);
    const sent = rec.batches.flat();
    expect(sent.map((m) => decodeIntent(m.value))).toEqual(intents);
    expect(sent.map((m) => m.key)).toEqual([keyOf(cidV1(1)), keyOf(cidV1(1)), keyOf(cidV0(2))]);
  });

  it('the TTL sweeper’s DeletePin with expiredAt is sent only if the wire schema carries the guard', async () => {
    const { producer, rec } = await connected();
    const cid = cidV1('ttl');
    const call = producer.publishIntents([{ opId: `expire:${cid}:5000`, ts: 6000, origin: 'ttl-sweeper', body: { kind: 'DeletePin', cid, expiredAt: 5000 } }]);
    if (wireCarriesExpiredAt()) {
      await call;
      expect(decodeIntent(rec.batches[0]![0]!.value).body).toEqual({ kind: 'DeletePin', cid, expiredAt: 5000 });
    } else {
      // Dropping the guard would turn an expiry into a plain delete; refuse instead.
      await expect(call).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', field: 'intents[0].body.expiredAt' });
      await expect(producer.deletePin(cid, { expiredAt: 5000 })).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH', field: 'expiredAt' });
      await producer.flush();
      expect(rec.batches).toEqual([]);
    }
  });
});

describe('producer: bad input rejects, naming the field, and sends nothing', () => {
  const cid = cidV1('bad');
  const peer = peerId('bad');
  const cases: Array<[string, (p: PinProducer) => Promise<unknown>, string]> = [
    ['upsertPin: invalid CID', (p) => p.upsertPin({ cid: 'not-a-cid' }), 'cid'],
    ['upsertPin: missing spec object', (p) => p.upsertPin(null as never), 'spec'],
    ['upsertPin: min > max', (p) => p.upsertPin({ cid, replicationFactorMin: 3, replicationFactorMax: 2 }), 'replicationFactorMin'],
    ['upsertPin: oversized name', (p) => p.upsertPin({ cid, name: 'x'.repeat(513) }), 'name'],
    ['upsertPin: bad pin type', (p) => p.upsertPin({ cid, pinType: 'nope' }), 'pinType'],
    ['upsertPin: empty op id', (p) => p.upsertPin({ cid }, { opId: '' }), 'opId'],
    ['upsertPin: op id over 128 chars', (p) => p.upsertPin({ cid }, { opId: 'o'.repeat(129) }), 'opId'],
    ['upsertPin: negative ts', (p) => p.upsertPin({ cid }, { ts: -1 }), 'ts'],
    ['upsertPin: fractional ts', (p) => p.upsertPin({ cid }, { ts: 1.5 }), 'ts'],
    ['deletePin: empty CID', (p) => p.deletePin(''), 'cid'],
    ['deletePin: identity-hash CID', (p) => p.deletePin('bafkqaaa'), 'cid'],
    ['setDesiredPlacement: bad CID', (p) => p.setDesiredPlacement('Qmnope', [peer]), 'cid'],
    ['setDesiredPlacement: not an array', (p) => p.setDesiredPlacement(cid, 'abc' as never), 'peers'],
    ['setDesiredPlacement: bad peer id', (p) => p.setDesiredPlacement(cid, [peer, 'not a peer']), 'peers[1]'],
    ['setDesiredPlacement: too many peers', (p) => p.setDesiredPlacement(cid, Array.from({ length: 65 }, (_, i) => peerId(i))), 'peers'],
    ['ackPlacement: unknown state', (p) => p.ackPlacement(cid, peer, 'done' as PlacementState), 'state'],
    ['ackPlacement: bad peer', (p) => p.ackPlacement(cid, 'peer/1', 'pinned'), 'peer'],
    ['ackPlacement: bad CID', (p) => p.ackPlacement('x', peer, 'pinned'), 'cid'],
    ['ackPlacement: error not a string', (p) => p.ackPlacement(cid, peer, 'pin_error', { error: 42 as never }), 'error'],
    [
      'publishIntents: one bad intent among good ones',
      (p) =>
        p.publishIntents([
          { opId: 'a', ts: 1, origin: 'importer', body: { kind: 'DeletePin', cid } },
          { opId: 'b', ts: 1, origin: 'importer', body: { kind: 'SetDesiredPlacement', cid, peers: ['bad peer'] } },
        ]),
      'intents[1].body.peers[0]',
    ],
    ['publishIntents: bad spec field', (p) => p.publishIntents([{ opId: 'a', ts: 1, origin: 'x', body: { kind: 'UpsertPin', spec: { cid: 'nope' } as never } }]), 'intents[0].body.spec.cid'],
    ['publishIntents: empty op id', (p) => p.publishIntents([{ opId: '', ts: 1, origin: 'x', body: { kind: 'DeletePin', cid } }]), 'intents[0].opId'],
    ['publishIntents: missing origin', (p) => p.publishIntents([{ opId: 'a', ts: 1, origin: '', body: { kind: 'DeletePin', cid } }]), 'intents[0].origin'],
    ['publishIntents: unknown kind', (p) => p.publishIntents([{ opId: 'a', ts: 1, origin: 'x', body: { kind: 'Nope' } as never }]), 'intents[0].body.kind'],
    ['publishIntents: not an array', (p) => p.publishIntents('x' as never), 'intents'],
  ];

  it.each(cases)('%s', async (_name, call, field) => {
    const { producer, rec } = await connected();
    let thrownSync = false;
    let result: Promise<unknown> | undefined;
    try {
      result = call(producer);
    } catch {
      thrownSync = true;
    }
    expect(thrownSync).toBe(false);
    const err = await result!.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    expect((err as ValidationError).isInputError).toBe(true);
    await producer.flush();
    await producer.disconnect();
    expect(rec.batches).toEqual([]);
    expect(rec.events).toEqual(['connect', 'disconnect']);
  });

  it('a bad call does not disturb good calls around it', async () => {
    const { producer, rec } = await connected();
    const results = await Promise.allSettled([producer.deletePin(cidV1(1)), producer.deletePin('nope'), producer.deletePin(cidV1(2))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(rec.batches.flat()).toHaveLength(2);
  });
});

describe('producer: batching, failures and lifecycle', () => {
  it('sends concurrent calls as one batch, in call order', async () => {
    const { producer, rec } = await connected({ lingerMs: 5 });
    const cids = Array.from({ length: 20 }, (_, i) => cidV1(`batch-${i}`));
    const ids = await Promise.all(cids.map((cid) => producer.upsertPin({ cid })));
    expect(rec.batches).toHaveLength(1);
    expect(rec.batches[0]!.map((m) => decodeIntent(m.value).opId)).toEqual(ids);
    expect(new Set(ids).size).toBe(20);
  });

  it('counts sent messages per topic and failed batches on the given registry', async () => {
    const registry = createRegistry();
    const { producer, rec } = await connected({ registry });
    await Promise.all([producer.deletePin(cidV1(1)), producer.ackPlacement(cidV1(1), peerId(1), 'pinned')]);
    rec.fail = new Error('nope');
    await expect(producer.deletePin(cidV1(2))).rejects.toBeInstanceOf(ProducerSendError);
    const text = await registry.metrics();
    expect(text).toMatch(/pinstate_producer_sent_total\{topic="in.test"\} 1/);
    expect(text).toMatch(/pinstate_producer_sent_total\{topic="acks.test"\} 1/);
    expect(text).toMatch(/pinstate_producer_errors_total 1/);
    expect(text).toMatch(/pinstate_producer_send_seconds_count 1/);
  });

  it('a failed send rejects with a retryable ProducerSendError carrying the op id to retry with', async () => {
    const { producer, rec } = await connected();
    rec.fail = new Error('Broker not available');
    const cid = cidV1('retry');
    const err = await producer.upsertPin({ cid }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProducerSendError);
    const sendErr = err as ProducerSendError;
    expect(sendErr.code).toBe('KAFKA_UNAVAILABLE');
    expect(sendErr.canRetry).toBe(true);
    expect(sendErr.opId).toMatch(UUID_V7_PATTERN);
    rec.fail = undefined;
    expect(await producer.upsertPin({ cid }, { opId: sendErr.opId })).toBe(sendErr.opId);
    expect(decodeIntent(rec.batches[0]![0]!.value).opId).toBe(sendErr.opId);
  });

  it('refuses calls before connect() and after disconnect() with ILLEGAL_STATE; disconnect flushes first', async () => {
    const rec = recording();
    const producer = createPinProducer({ config, transport: rec.transport, lingerMs: 60_000 });
    await expect(producer.deletePin(cidV1(1))).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    await producer.connect();
    const pending = producer.deletePin(cidV1(1));
    await producer.disconnect();
    await expect(pending).resolves.toMatch(UUID_V7_PATTERN);
    expect(rec.events).toEqual(['connect', 'send:1', 'disconnect']);
    expect(producer.state).toBe('closed');
    await expect(producer.deletePin(cidV1(1))).rejects.toMatchObject({ code: 'ILLEGAL_STATE' });
    await expect(producer.connect()).rejects.toBeInstanceOf(PinstateError);
  });

  it('queues calls made while connect() runs and sends them once connected', async () => {
    const rec = recording();
    let open!: () => void;
    const slow: PinTransport = { ...rec.transport, connect: () => new Promise<void>((r) => (open = r)) };
    const producer = createPinProducer({ config, transport: slow, lingerMs: 0 });
    const connecting = producer.connect();
    const call = producer.deletePin(cidV1(1));
    await sleep(10);
    expect(rec.batches).toEqual([]);
    open();
    await connecting;
    await expect(call).resolves.toMatch(UUID_V7_PATTERN);
    expect(rec.batches).toHaveLength(1);
  });

  it('uses config.clientId as origin by default and rejects an empty origin', () => {
    expect(() => createPinProducer({ config, transport: recording().transport, origin: '' })).toThrow(ValidationError);
  });
});
