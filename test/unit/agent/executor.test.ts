/** The executor and reconcile against a fake kubo edge (the real one is in the integration test). */
import { describe, expect, it } from 'vitest';
import { createExecutor, PlacementCounts, type AckState, type PinFacts } from '../../../src/agent/executor.js';
import { KuboError, type KuboApi, type KuboPin } from '../../../src/agent/kubo-client.js';
import { agentMetrics } from '../../../src/agent/metrics.js';
import { reconcileOnce } from '../../../src/agent/reconciler.js';
import { WorkQueue } from '../../../src/agent/work-queue.js';
import { silentLogger } from '../../../src/log.js';
import { createRegistry } from '../../../src/metrics.js';
import type { PeerPin } from '../../../src/store/reads.js';

class FakeKubo implements KuboApi {
  readonly pins = new Map<string, KuboPin>();
  readonly calls: string[] = [];
  failPin: KuboError | undefined;
  id = () => Promise.resolve({ id: 'K', addresses: ['/ip4/127.0.0.1/tcp/4001/p2p/K'] });
  version = () => Promise.resolve('0.43.1');
  repoStat = () => Promise.resolve({ repoSize: 10, storageMax: 100 });
  swarmConnect(addr: string): Promise<void> {
    this.calls.push(`connect ${addr}`);
    return Promise.resolve();
  }
  pinAdd(cid: string, o: { recursive: boolean; name: string }): Promise<void> {
    this.calls.push(`add ${cid} ${o.recursive ? 'recursive' : 'direct'} ${o.name}`);
    if (this.failPin !== undefined) return Promise.reject(this.failPin);
    this.pins.set(cid, { cid, type: o.recursive ? 'recursive' : 'direct', name: o.name });
    return Promise.resolve();
  }
  pinRm(cid: string): Promise<void> {
    this.calls.push(`rm ${cid}`);
    this.pins.delete(cid);
    return Promise.resolve();
  }
  pinLsOne(cid: string): Promise<KuboPin[]> {
    const p = this.pins.get(cid);
    return Promise.resolve(p === undefined ? [] : [p]);
  }
  pinLsAll(): Promise<KuboPin[]> {
    return Promise.resolve([...this.pins.values()]);
  }
}

function setup(facts: Record<string, PinFacts> = {}) {
  const kubo = new FakeKubo();
  const acks: Array<[string, AckState, string | null | undefined]> = [];
  const counts = new PlacementCounts();
  const metrics = agentMetrics(createRegistry());
  const run = createExecutor({
    kubo,
    acker: {
      ack: (cid, state, error) => {
        acks.push([cid, state, error]);
        return Promise.resolve();
      },
    },
    lookup: (cid) => Promise.resolve(facts[cid] ?? null),
    pinNamePrefix: 'pinstate',
    pinTimeoutMs: 1000,
    connectTimeoutMs: 100,
    maxRetries: 1,
    counts,
    metrics,
    logger: silentLogger(),
  });
  return { kubo, acks, counts, metrics, run, signal: new AbortController().signal };
}

const facts = (maxDepth = -1, origins: string[] = []): PinFacts => ({ maxDepth, name: 'photos', origins });

describe('executor', () => {
  it('pin: acks pinning, dials origins, pins recursively under the managed name, acks pinned', async () => {
    const t = setup({ a: facts(-1, ['/ip4/127.0.0.1/tcp/4002/p2p/O', '/ip4/10.0.0.1/tcp/1']) });
    expect(await t.run({ cid: 'a', want: 'pin', attempt: 0, ack: true }, t.signal)).toEqual({ ok: true });
    expect(t.kubo.calls).toEqual(['connect /ip4/127.0.0.1/tcp/4002/p2p/O', 'add a recursive pinstate:photos']);
    expect(t.acks.map((a) => a[1])).toEqual(['pinning', 'pinned']);
    expect(t.counts.pinned).toBe(1);
  });

  it('pin: max_depth 0 pins directly', async () => {
    const t = setup({ a: facts(0) });
    await t.run({ cid: 'a', want: 'pin', attempt: 0, ack: true }, t.signal);
    expect(t.kubo.calls).toEqual(['add a direct pinstate:photos']);
  });

  it("pin: a CID the operator pinned is reported pinned and never re-added (kubo would rename the operator's pin)", async () => {
    const t = setup({ a: facts() });
    t.kubo.pins.set('a', { cid: 'a', type: 'recursive', name: 'backup' });
    await t.run({ cid: 'a', want: 'pin', attempt: 0, ack: true }, t.signal);
    expect(t.kubo.calls).toEqual([]);
    expect(t.acks.map((a) => a[1])).toEqual(['pinning', 'pinned']);
    expect(t.kubo.pins.get('a')?.name).toBe('backup');
  });

  it("pin: kubo's error → pin_error with kubo's text, retried; the error counts by kind", async () => {
    const t = setup({ a: facts() });
    t.kubo.failPin = new KuboError('timeout', 'pin/add', 'pin: context deadline exceeded');
    const r = await t.run({ cid: 'a', want: 'pin', attempt: 0, ack: true }, t.signal);
    expect(r.ok).toBe(false);
    expect(r.ok === false && r.retry).toBe(true);
    expect(t.acks).toEqual([
      ['a', 'pinning', undefined],
      ['a', 'pin_error', 'pin: context deadline exceeded'],
    ]);
    expect(t.counts.errors.has('a')).toBe(true);
    expect((await t.metrics.errors.get()).values).toEqual([expect.objectContaining({ labels: { op: 'pin', kind: 'timeout' }, value: 1 })]);
  });

  it('pin: kubo unreachable is retried silently, and reported only once the retries are spent', async () => {
    const t = setup({ a: facts() });
    t.kubo.failPin = new KuboError('unreachable', 'pin/add', 'ECONNREFUSED');
    await t.run({ cid: 'a', want: 'pin', attempt: 0, ack: true }, t.signal);
    expect(t.acks.map((a) => a[1])).toEqual(['pinning']);
    await t.run({ cid: 'a', want: 'pin', attempt: 1, ack: true }, t.signal);
    expect(t.acks.map((a) => a[1])).toEqual(['pinning', 'pin_error']);
  });

  it('pin: a pin no longer in the pinset is a no-op', async () => {
    const t = setup();
    expect(await t.run({ cid: 'gone', want: 'pin', attempt: 0, ack: true }, t.signal)).toEqual({ ok: true });
    expect(t.kubo.calls).toEqual([]);
  });

  it("unpin: removes the agent's pin and acks; leaves the operator's and still acks", async () => {
    const t = setup();
    t.kubo.pins.set('ours', { cid: 'ours', type: 'recursive', name: 'pinstate:x' });
    t.kubo.pins.set('theirs', { cid: 'theirs', type: 'recursive', name: '' });
    await t.run({ cid: 'ours', want: 'unpin', attempt: 0, ack: true }, t.signal);
    await t.run({ cid: 'theirs', want: 'unpin', attempt: 0, ack: true }, t.signal);
    expect(t.kubo.calls).toEqual(['rm ours']);
    expect(t.kubo.pins.has('theirs')).toBe(true);
    expect(t.acks.map((a) => `${a[0]} ${a[1]}`)).toEqual(['ours unpinned', 'theirs unpinned']);
  });
});

describe('reconcileOnce', () => {
  const row = (cid: string, desired: boolean, state: PeerPin['state']): PeerPin => ({ cid, peer: 'P', desired, state, error: null, updatedAt: 0 });

  it('pins what is missing, acks what kubo already has, unpins only managed leftovers', async () => {
    const t = setup({ missing: facts(), crashed: facts() });
    t.kubo.pins.set('have', { cid: 'have', type: 'recursive', name: 'pinstate:h' });
    t.kubo.pins.set('leftover', { cid: 'leftover', type: 'recursive', name: 'pinstate:l' });
    t.kubo.pins.set('operator', { cid: 'operator', type: 'recursive', name: 'mine' });
    const done: string[] = [];
    const queue = new WorkQueue({
      concurrency: 4,
      capacity: 100,
      maxRetries: 0,
      backoffMinMs: 1,
      backoffMaxMs: 1,
      run: async (job, signal) => {
        const r = await t.run(job, signal);
        done.push(`${job.want} ${job.cid}`);
        return r;
      },
    });
    const rows = [row('missing', true, 'pin_queued'), row('crashed', true, 'pinning'), row('have', true, 'pinning'), row('operator', false, 'unpin_queued')];
    const report = await reconcileOnce({
      kubo: t.kubo,
      rows: async function* () {
        yield* rows;
      },
      queue,
      acker: {
        ack: (cid, state) => {
          t.acks.push([cid, state, null]);
          return Promise.resolve();
        },
      },
      pinNamePrefix: 'pinstate',
      counts: t.counts,
      metrics: t.metrics,
      logger: silentLogger(),
    });
    await queue.whenIdle();
    expect(report).toMatchObject({ rows: 4, pin: 2, unpin: 1, ackPinned: 1, ackUnpinned: 1, pinned: 1 });
    expect(done.sort()).toEqual(['pin crashed', 'pin missing', 'unpin leftover']);
    expect([...t.kubo.pins.keys()].sort()).toEqual(['crashed', 'have', 'missing', 'operator']);
    expect(t.acks).toEqual(expect.arrayContaining([['have', 'pinned', null], ['operator', 'unpinned', null]]));
  });
});
