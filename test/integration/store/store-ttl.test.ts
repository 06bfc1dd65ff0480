import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepExpired } from '../../../src/store/ttl-sweeper.js';
import { cidV1, opId } from '../../support/cids.js';
import { freshStore, type TestKeyspace } from '../../support/store.js';

let ks: TestKeyspace;
beforeAll(async () => {
  ks = await freshStore('store_ttl');
});
afterAll(async () => {
  await ks?.cleanup();
});

const HOUR = 3_600_000;

describe('TTL sweeper', () => {
  it('removes exactly the expired pins, records Expire events, and is idempotent', async () => {
    const { store } = ks;
    const now = Date.UTC(2031, 5, 1, 12, 30);
    const expired = Array.from({ length: 30 }, (_, i) => ({ cid: cidV1(`exp-${i}`), expireAt: now - (i % 5) * HOUR - 1000 }));
    const alive = Array.from({ length: 30 }, (_, i) => ({ cid: cidV1(`live-${i}`), expireAt: now + (i + 1) * 60_000 }));
    const never = Array.from({ length: 10 }, (_, i) => ({ cid: cidV1(`never-${i}`) }));
    const moved = { cid: cidV1('moved'), expireAt: now - 2000 };
    for (const p of [...expired, ...alive, ...never, moved]) await store.upsertPin(opId(), p, { ts: now - 10 * HOUR });
    // The expiry of `moved` was pushed into the future after it was queued: its old queue entry is gone.
    await store.upsertPin(opId(), { cid: moved.cid, expireAt: now + HOUR }, { ts: now - 9 * HOUR });

    const applied: string[] = [];
    const sink = async (ops: Parameters<typeof store.apply>[0]): Promise<void> => {
      const res = await store.apply(ops);
      for (const r of res.results) if (r.outcome === 'applied') applied.push(r.op.body.kind === 'DeletePin' ? r.op.body.cid : '');
    };
    const report = await sweepExpired({ session: store.session, ttlShards: ks.config.scylla.ttlShards, sink, now, lookbackHours: 12 });
    expect(report.expired).toBe(expired.length);
    expect(applied.sort()).toEqual(expired.map((e) => e.cid).sort());
    for (const e of expired) expect(await store.has(e.cid)).toBe(false);
    for (const a of [...alive, ...never, moved]) expect(await store.has(a.cid)).toBe(true);
    expect((await store.stats()).pins).toBe(alive.length + never.length + 1);

    // A second sweep finds nothing left to expire.
    const again = await sweepExpired({ session: store.session, ttlShards: ks.config.scylla.ttlShards, sink, now });
    expect(again.expired).toBe(0);

    const events = (await store.session.execute('SELECT kind, outcome, op_id FROM pin_events WHERE cid_bin = ?', [Buffer.from((await import('../../../src/domain/cid.js')).parseCid(expired[0]!.cid).bytes)])).rows;
    expect(events.map((e) => e['kind'] as string)).toContain('Expire');
  });
});
