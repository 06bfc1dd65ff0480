// The IPFS Cluster REST API app through app.request(): routes, JSON shapes, streams, errors.
import { describe, expect, it } from 'vitest';
import type { GlobalPinInfoJson, IdJson, RestPinJson } from '../../../../src/api/cluster/json.js';
import { cidV0, cidV1 } from '../../../support/cids.js';
import { harness, lines, PEERS, SELF, storedPin } from './fixtures.js';

const [A, B, C] = [PEERS[0]!, PEERS[1]!, PEERS[2]!];

describe('GET /id, /version, /peers', () => {
  it('/id describes this instance as a cluster peer with the peers seen in placements', async () => {
    const { app } = harness([storedPin({ cid: cidV1('id-1') }, { desired: [A, B], actual: { [A]: 'pinned' } })]);
    const res = await app.request('/id');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const id = (await res.json()) as IdJson;
    expect(Object.keys(id)).toEqual(['id', 'addresses', 'cluster_peers', 'cluster_peers_addresses', 'version', 'commit', 'rpc_protocol_version', 'error', 'ipfs', 'peername']);
    expect(id.id).toBe(SELF.id);
    expect(id.cluster_peers).toEqual([SELF.id, ...[A, B].sort()]);
    expect(id.rpc_protocol_version).toBe('/ipfscluster/1.0/rpc');
    expect(id.peername).toBe('pinstate-test');
    expect(id.ipfs).not.toHaveProperty('id');
    expect(id.ipfs.error).toMatch(/no IPFS daemon/);
  });

  it('/version', async () => {
    const res = await harness().app.request('/version');
    expect(await res.json()).toEqual({ version: SELF.version });
  });

  it('/peers streams one ID per line: this instance first, then every known peer', async () => {
    const { app } = harness([storedPin({ cid: cidV1('peers-1') }, { desired: [C], actual: { [A]: 'unpinning' } })]);
    const res = await app.request('/peers');
    expect(res.status).toBe(200);
    const ids = (await lines(res)) as IdJson[];
    expect(ids.map((i) => i.id)).toEqual([SELF.id, ...[A, C].sort()]);
    expect(ids[1]!.ipfs.error).toMatch(/placements only/);
  });
});

describe('POST /pins', () => {
  it('publishes the pin with every IPFS Cluster query option and answers its api.Pin', async () => {
    const { app, calls } = harness();
    const cid = cidV1('pin-opts');
    const query = new URLSearchParams({
      'replication-min': '1',
      'replication-max': '2',
      name: 'dataset',
      mode: 'direct',
      'shard-size': '1024',
      'user-allocations': `${A},${B},${C}`,
      'expire-at': '2030-01-02T03:04:05Z',
      'meta-app': 'demo',
      'pin-update': cidV0('old'),
      origins: `/ip4/127.0.0.1/tcp/4001/p2p/${A}`,
      unknown: 'ignored',
    });
    const res = await app.request(`/pins/${cid}?${query.toString()}`, { method: 'POST' });
    expect(res.status).toBe(200);
    const pin = (await res.json()) as RestPinJson;
    expect(pin).toMatchObject({
      replication_factor_min: 1,
      replication_factor_max: 2,
      name: 'dataset',
      mode: 'direct',
      shard_size: 1024,
      user_allocations: [A, B],
      expire_at: '2030-01-02T03:04:05Z',
      metadata: { app: 'demo' },
      pin_update: cidV0('old'),
      origins: [`/ip4/127.0.0.1/tcp/4001/p2p/${A}`],
      cid,
      type: 'pin',
      allocations: [A, B],
      max_depth: 0,
      reference: null,
      timestamp: '2027-01-15T08:00:00Z',
    });
    expect(calls.map((c) => c.method)).toEqual(['upsertPin', 'setDesiredPlacement']);
    expect(calls[0]!.args[0]).toMatchObject({ cid, maxDepth: 0, replicationFactorMin: 1, replicationFactorMax: 2, expireAt: Date.parse('2030-01-02T03:04:05Z'), shardSize: 1024 });
    expect(calls[1]!.args).toEqual([cid, [A, B]]);
  });

  it('ipfs-cluster-ctl`s default query (empty values, rf 0) is a plain recursive pin; metadata {} and origins null', async () => {
    const { app, calls } = harness();
    const cid = cidV0('plain');
    const res = await app.request(`/pins/ipfs/${cid}?mode=recursive&name=&replication-max=0&replication-min=0&shard-size=0&user-allocations=`, { method: 'POST' });
    expect(res.status).toBe(200);
    const pin = (await res.json()) as RestPinJson;
    expect(pin).toMatchObject({ cid, mode: 'recursive', max_depth: -1, metadata: {}, origins: null, user_allocations: null, allocations: [], expire_at: '0001-01-01T00:00:00Z', pin_update: null });
    expect(calls.map((c) => c.method)).toEqual(['upsertPin']);
  });

  it('replication overrides min and max; expire-in is relative to now', async () => {
    const { app, calls } = harness();
    const res = await app.request(`/pins/${cidV1('rpl')}?replication=3&replication-min=1&expire-in=1h`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(calls[0]!.args[0]).toMatchObject({ replicationFactorMin: 3, replicationFactorMax: 3, expireAt: 1_800_000_000_000 + 3_600_000 });
  });

  it.each([
    ['not-a-cid', '', /error decoding Cid/],
    [cidV1('bad'), 'replication-min=x', /replication-min/],
    [cidV1('bad'), 'replication-min=3&replication-max=1', /replication/],
    [cidV1('bad'), 'mode=sideways', /mode/],
    [cidV1('bad'), 'expire-at=2001-01-01T00:00:00Z', /ExpireAt set before current time/],
    [cidV1('bad'), 'expire-in=10ms', /too short/],
    [cidV1('bad'), 'user-allocations=notapeer', /user-allocations\[0\]/],
    [cidV1('bad'), 'origins=/ip4/1.2.3.4/tcp/1', /peer ID/],
    [cidV1('bad'), 'pin-update=xyz', /pin-update/],
    [cidV1('bad'), 'shard-size=-1', /shard_size/],
  ])('rejects %s?%s with 400 in api.Error shape, publishing nothing', async (cid, query, message) => {
    const { app, calls } = harness();
    const res = await app.request(`/pins/${cid}?${query}`, { method: 'POST' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { code: number; message: string };
    expect(body.code).toBe(400);
    expect(body.message).toMatch(message);
    expect(calls).toEqual([]);
  });

  it('paths: /ipld/<cid> pins the CID; sub-paths and /ipns names cannot be resolved without an IPFS daemon', async () => {
    const { app, calls } = harness();
    expect((await app.request(`/pins/ipld/${cidV1('ipld')}`, { method: 'POST' })).status).toBe(200);
    const sub = await app.request(`/pins/ipfs/${cidV1('sub')}/a/b`, { method: 'POST' });
    expect(sub.status).toBe(400);
    expect(((await sub.json()) as { message: string }).message).toMatch(/cannot resolve paths below a CID/);
    expect((await app.request('/pins/ipns/example.org', { method: 'POST' })).status).toBe(400);
    expect(calls).toHaveLength(1);
  });
});

describe('DELETE /pins', () => {
  it('publishes DeletePin and answers the pin as it was; a missing pin is 404 with IPFS Cluster`s message', async () => {
    const cid = cidV1('rm');
    const { app, calls } = harness([storedPin({ cid, name: 'gone' }, { desired: [A] })]);
    const res = await app.request(`/pins/ipfs/${cid}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as RestPinJson).allocations).toEqual([A]);
    expect(calls).toEqual([{ method: 'deletePin', args: [cid] }]);
    const missing = await app.request(`/pins/${cidV1('never')}`, { method: 'DELETE' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 404, message: 'pin is not part of the pinset' });
  });
});

describe('GET /allocations', () => {
  const pins = [storedPin({ cid: cidV1('al-1'), name: 'one' }, { desired: [B, A] }), storedPin({ cid: cidV1('al-2'), pinType: 'shard-pin', maxDepth: 1 })];

  it('streams api.Pin per line, filtered by type; allocations are the desired placement', async () => {
    const { app } = harness(pins);
    const all = (await lines(await app.request('/allocations?filter=all'))) as RestPinJson[];
    expect(all.map((p) => p.cid).sort()).toEqual([cidV1('al-1'), cidV1('al-2')].sort());
    const data = (await lines(await app.request('/allocations?filter=pin'))) as RestPinJson[];
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ cid: cidV1('al-1'), allocations: [A, B].sort(), type: 'pin', metadata: null, origins: [] });
  });

  it('204 with no body when nothing matches; 400 for a filter that is all bad-type', async () => {
    const { app } = harness(pins);
    const none = await app.request('/allocations?filter=meta-pin');
    expect(none.status).toBe(204);
    expect(await none.text()).toBe('');
    expect((await app.request('/allocations?filter=bogus')).status).toBe(400);
    expect((await app.request('/allocations?filter=')).status).toBe(400);
  });

  it('/allocations/{cid}: the pin, or 404', async () => {
    const { app } = harness(pins);
    expect(((await (await app.request(`/allocations/${cidV1('al-1')}`)).json()) as RestPinJson).name).toBe('one');
    expect((await app.request(`/allocations/${cidV1('nope')}`)).status).toBe(404);
  });
});

describe('GET /pins (status)', () => {
  const cid = cidV1('st-1');
  const pins = [
    storedPin({ cid, name: 'st', metadata: { k: 'v' } }, { desired: [A, B], actual: { [A]: 'pinned', [B]: 'pin_error', [C]: 'unpinning' }, errors: { [B]: 'context deadline exceeded' } }),
    storedPin({ cid: cidV1('st-2') }),
  ];

  it('GlobalPinInfo with peer_map from placements, this instance as remote', async () => {
    const { app } = harness(pins);
    const res = await app.request(`/pins/${cid}?local=false`);
    expect(res.status).toBe(200);
    const gpi = (await res.json()) as GlobalPinInfoJson;
    expect(Object.keys(gpi)).toEqual(['cid', 'name', 'allocations', 'origins', 'created', 'metadata', 'peer_map']);
    expect(gpi).toMatchObject({ cid, name: 'st', allocations: [A, B].sort(), metadata: { k: 'v' }, created: '2023-11-14T22:13:20Z' });
    expect(gpi.peer_map[A]).toEqual({ peername: '', status: 'pinned', timestamp: '2023-11-14T22:13:22Z', error: '', attempt_count: 0, priority_pin: false });
    expect(gpi.peer_map[B]).toMatchObject({ status: 'pin_error', error: 'context deadline exceeded' });
    expect(gpi.peer_map[C]?.status).toBe('unpinning');
    expect(gpi.peer_map[SELF.id]).toMatchObject({ peername: 'pinstate-test', status: 'remote' });
  });

  it('a CID not in the pinset is unpinned (200, as IPFS Cluster answers)', async () => {
    const gpi = (await (await harness(pins).app.request(`/pins/${cidV1('absent')}`)).json()) as GlobalPinInfoJson;
    expect(gpi.peer_map[SELF.id]?.status).toBe('unpinned');
  });

  it('streams every pin, filters by tracker status (composites too), and answers ?cids=', async () => {
    const { app } = harness(pins);
    expect((await lines(await app.request('/pins?local=false&filter=&cids='))).length).toBe(2);
    const errored = (await lines(await app.request('/pins?filter=error'))) as GlobalPinInfoJson[];
    expect(errored.map((g) => g.cid)).toEqual([cid]);
    expect((await app.request('/pins?filter=queued')).status).toBe(204);
    expect((await app.request('/pins?filter=nonsense')).status).toBe(400);
    const some = (await lines(await app.request(`/pins?cids=${cidV1('st-2')},${cidV1('absent')}`))) as GlobalPinInfoJson[];
    expect(some.map((g) => g.cid)).toEqual([cidV1('st-2'), cidV1('absent')]);
    const local = (await lines(await app.request('/pins?local=true'))) as GlobalPinInfoJson[];
    expect(local.every((g) => Object.keys(g.peer_map).join() === SELF.id)).toBe(true);
  });
});

describe('recover', () => {
  it('re-queues errored placements through acks and shows them queued', async () => {
    const cid = cidV1('rec-1');
    const { app, calls } = harness([storedPin({ cid }, { desired: [A, B], actual: { [A]: 'pin_error', [B]: 'pinned', [C]: 'unpin_error' } })]);
    const res = await app.request(`/pins/${cid}/recover?local=false`, { method: 'POST' });
    expect(res.status).toBe(200);
    const gpi = (await res.json()) as GlobalPinInfoJson;
    expect(gpi.peer_map[A]?.status).toBe('pin_queued');
    expect(gpi.peer_map[C]?.status).toBe('unpin_queued');
    expect(gpi.peer_map[B]?.status).toBe('pinned');
    expect(calls).toEqual(
      expect.arrayContaining([
        { method: 'ackPlacement', args: [cid, A, 'pin_queued'] },
        { method: 'ackPlacement', args: [cid, C, 'unpin_queued'] },
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  it('POST /pins/recover streams only the pins it re-queued; 204 when none were in error', async () => {
    const pins = [storedPin({ cid: cidV1('rec-a') }, { desired: [A], actual: { [A]: 'unexpectedly_unpinned' } }), storedPin({ cid: cidV1('rec-b') }, { desired: [A], actual: { [A]: 'pinned' } })];
    const { app, calls } = harness(pins);
    const out = (await lines(await app.request('/pins/recover?local=false', { method: 'POST' }))) as GlobalPinInfoJson[];
    expect(out.map((g) => g.cid)).toEqual([cidV1('rec-a')]);
    expect(calls).toEqual([{ method: 'ackPlacement', args: [cidV1('rec-a'), A, 'pin_queued'] }]);
    const clean = harness([pins[1]!]);
    expect((await clean.app.request('/pins/recover', { method: 'POST' })).status).toBe(204);
    expect((await harness(pins).app.request(`/pins/${cidV1('nope')}/recover`, { method: 'POST' })).status).toBe(404);
  });
});

describe('HTTP details', () => {
  it('unknown routes are 404 {"code":404,"message":"not found"}; a trailing slash redirects (307)', async () => {
    const { app } = harness();
    const res = await app.request('/add', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: 'not found' });
    const slash = await app.request('http://localhost/id/');
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('http://localhost/id');
  });
});
