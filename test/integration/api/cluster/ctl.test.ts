/**
 * The real ipfs-cluster-ctl (v1.1.0) against a running pinstate service (writer + API + IPFS
 * Cluster REST API on a free port) on the shared Kafka and Cassandra: id, peers ls, pin add with
 * options, pin ls, status, allocations, pin rm, recover, basic auth and bearer tokens. A test agent
 * (the producer SDK's ackPlacement, as a real agent sends it) reports what peers did.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinProducer, type PinProducer } from '../../../../producers/index.js';
import { generateIdentity } from '../../../../src/api/cluster/identity.js';
import type { GlobalPinInfoJson, IdJson, RestPinJson } from '../../../../src/api/cluster/json.js';
import { startClusterApi, type RunningClusterApi } from '../../../../src/api/cluster/start.js';
import { NotFoundError } from '../../../../src/errors.js';
import { createLogger } from '../../../../src/log.js';
import { createRegistry } from '../../../../src/metrics.js';
import { startService, type RunningService } from '../../../../src/service/service.js';
import { cidV0, cidV1 } from '../../../support/cids.js';
import { jsonObjectsOf, runCtl } from '../../../support/cluster-ctl.js';
import type { TestPipeline } from '../../../support/kafka.js';
import { pipeline, until } from '../../cli/helpers.js';

let p: TestPipeline;
let service: RunningService;
let agent: PinProducer;
let host: string;
const dir = mkdtempSync(join(tmpdir(), 'pinstate-cluster-ctl-'));
const [A, B] = [generateIdentity().id, generateIdentity().id].sort() as [string, string];

beforeAll(async () => {
  p = await pipeline('cluster_ctl');
  const config = {
    ...p.config,
    api: { ...p.config.api, host: '127.0.0.1', port: 0 },
    clusterApi: { ...p.config.clusterApi, host: '127.0.0.1', port: 0, peername: 'pinstate-ctl-test', identityFile: join(dir, 'identity.json') },
  };
  service = await startService({ config, logger: createLogger({ level: 'silent' }), registry: createRegistry(), parts: { writer: true, api: true, clusterApi: true, sweeper: false } });
  host = service.clusterApi!.server.multiaddr;
  agent = createPinProducer({ config: p.config.kafka, origin: 'test-agent' });
  await agent.connect();
});
afterAll(async () => {
  await agent?.disconnect();
  await service?.close();
  await p?.cleanup();
});

const ctl = (...args: string[]) => runCtl(['--host', host, ...args]);
async function ctlJson<T>(...args: string[]): Promise<T[]> {
  const run = await ctl('--enc=json', ...args);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return (await jsonObjectsOf(run.stdout)) as T[];
}

describe('ipfs-cluster-ctl against pinstate', () => {
  it('id: this instance with a stable peer id; version', async () => {
    const [id] = await ctlJson<IdJson>('id');
    expect(id!.id).toBe(service.clusterApi!.peerId);
    expect(id!.id).toMatch(/^12D3KooW/);
    expect(id!.peername).toBe('pinstate-ctl-test');
    const text = await ctl('id');
    expect(text.stdout).toMatch(new RegExp(`^${id!.id} \\| pinstate-ctl-test \\| Sees \\d+ other peers`));
    expect((await ctl('version')).stdout.trim()).toMatch(/^1\.1\.0\+pinstate\./);
  });

  const cid = cidV1('ctl-pin');

  it('pin add with options → accepted, applied by the writer, listed by pin ls and allocations', async () => {
    const add = await ctlJson<RestPinJson>('pin', 'add', '--no-status', '--name', 'ctl-dataset', '--replication-min', '1', '--replication-max', '2', '--allocations', `${A},${B}`, '--metadata', 'app=demo', '--metadata', 'team=x', '--expire-in', '24h', cid);
    expect(add[0]).toMatchObject({ cid, name: 'ctl-dataset', replication_factor_min: 1, replication_factor_max: 2, allocations: [A, B], user_allocations: [A, B], metadata: { app: 'demo', team: 'x' }, type: 'pin', max_depth: -1 });
    const stored = await until('pin applied with its placement', async () => {
      const pin = await p.store.get(cid).catch(() => undefined);
      return pin?.placement?.desired.length === 2 ? pin : undefined;
    });
    expect(stored.spec).toMatchObject({ name: 'ctl-dataset', replicationFactorMin: 1, replicationFactorMax: 2, metadata: { app: 'demo', team: 'x' } });
    expect(stored.spec.expireAt).toBeGreaterThan(Date.now() + 23 * 3600_000);

    const one = await ctlJson<RestPinJson>('pin', 'ls', cid);
    expect(one[0]).toMatchObject({ cid, name: 'ctl-dataset', allocations: [A, B] });
    const text = await ctl('pin', 'ls', cid);
    expect(text.stdout).toContain(`${cid} | ctl-dataset | PIN | Repl. Factor: 1--2 | Allocations: [${A} ${B}] | Recursive | Metadata: yes`);
    const all = await ctlJson<RestPinJson>('pin', 'ls', '--filter', 'pin');
    expect(all.map((x) => x.cid)).toContain(cid);
    expect(await ctlJson('pin', 'ls', '--filter', 'meta-pin')).toEqual([]);
  });

  it('pin add of a direct CIDv0 (the /pins/ipfs path ctl uses) and peers ls lists the placement peers', async () => {
    const direct = cidV0('ctl-direct');
    const [pin] = await ctlJson<RestPinJson>('pin', 'add', '--no-status', '--mode', 'direct', direct);
    expect(pin).toMatchObject({ cid: direct, mode: 'direct', max_depth: 0 });
    await until('direct pin applied', () => p.store.get(direct).then((x) => x.spec.maxDepth === 0 || undefined, () => undefined));
    const peers = await until('peers seen in placements', async () => {
      const ids = await ctlJson<IdJson>('peers', 'ls');
      return ids.length >= 3 ? ids : undefined;
    }, 30_000, 1_000);
    expect(peers.map((x) => x.id)).toEqual([service.clusterApi!.peerId, A, B]);
  });

  it('status: peer_map from placements as the agents report', async () => {
    await agent.ackPlacement(cid, A, 'pinned');
    await agent.ackPlacement(cid, B, 'pin_error', { error: 'ipfs: context deadline exceeded' });
    const gpi = await until('acks applied', async () => {
      const [g] = await ctlJson<GlobalPinInfoJson>('status', cid);
      return g?.peer_map[B]?.status === 'pin_error' && g.peer_map[A]?.status === 'pinned' ? g : undefined;
    });
    expect(gpi.peer_map[B]!.error).toBe('ipfs: context deadline exceeded');
    expect(gpi.peer_map[service.clusterApi!.peerId]!.status).toBe('remote');
    const text = await ctl('status', cid);
    expect(text.stdout).toContain(`${cid} | ctl-dataset:`);
    expect(text.stdout).toMatch(new RegExp(`> ${A}\\s+: PINNED \\|`));
    expect(text.stdout).toMatch(new RegExp(`> ${B}\\s+: PIN_ERROR: ipfs: context deadline exceeded \\|`));
    const errored = await ctlJson<GlobalPinInfoJson>('status', '--filter', 'error');
    expect(errored.map((g) => g.cid)).toEqual([cid]);
  });

  it('recover re-queues the errored placement through Kafka', async () => {
    const [gpi] = await ctlJson<GlobalPinInfoJson>('recover', cid);
    expect(gpi!.peer_map[B]!.status).toBe('pin_queued');
    expect(gpi!.peer_map[A]!.status).toBe('pinned');
    await until('re-queue applied', () => p.store.get(cid).then((x) => x.placement?.actual[B] === 'pin_queued' || undefined));
    // recover all: nothing is in error any more
    const all = await ctl('--enc=json', 'recover');
    expect(all.code).toBe(0);
    expect(all.stdout.trim()).toBe('');
  });

  it('pin rm → deleted by the writer; status then says UNPINNED; rm again is a 404', async () => {
    const rm = await ctlJson<RestPinJson>('pin', 'rm', '--no-status', cid);
    expect(rm[0]!.cid).toBe(cid);
    await until('pin deleted', () => p.store.get(cid).then(() => undefined, (err: unknown) => (err instanceof NotFoundError ? true : undefined)));
    const status = await ctl('status', cid);
    expect(status.stdout).toMatch(/UNPINNED/);
    const again = await ctl('pin', 'rm', cid);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain('Code: 404');
    expect(again.stdout).toContain('pin is not part of the pinset');
  });

  it('bad input: ctl prints the 400 in IPFS Cluster`s error shape and exits 2', async () => {
    const run = await ctl('pin', 'add', '--no-status', `${cidV1('sub')}/some/path`);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Code: 400');
    expect(run.stdout).toMatch(/cannot resolve paths below a CID/);
  });
});

describe('authentication as IPFS Cluster configures it', () => {
  let secured: RunningClusterApi;
  beforeAll(async () => {
    secured = await startClusterApi({
      config: { enabled: true, host: '127.0.0.1', port: 0, basicAuthCredentials: { alice: 's3cret' }, peername: 'secured', identityFile: join(dir, 'identity.json') },
      store: p.store,
      producer: agent,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await secured?.server.close();
  });

  // ctl sends credentials only over HTTPS unless --force-http: pinstate's listener is plain HTTP (loopback by default).
  it('ctl --force-http --basic-auth works; no or wrong credentials are 401; a JWT from POST /token works as a bearer token', async () => {
    const h = secured.server.multiaddr;
    const ok = await runCtl(['--host', h, '--force-http', '--basic-auth', 'alice:s3cret', 'id']);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/\| secured \|/);
    const none = await runCtl(['--host', h, 'id']);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain('unauthorized: no auth provided');
    const wrong = await runCtl(['--host', h, '--force-http', 'id'], { CLUSTER_CREDENTIALS: 'alice:nope' });
    expect(wrong.stdout).toContain('unauthorized: access denied');

    const basic = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
    const tokenRes = await fetch(`${secured.server.url}/token`, { method: 'POST', headers: { authorization: basic } });
    const { token } = (await tokenRes.json()) as { token: string };
    const withToken = await fetch(`${secured.server.url}/id`, { headers: { authorization: `Bearer ${token}` } });
    expect(withToken.status).toBe(200);
    expect(((await withToken.json()) as IdJson).id).toBe(service.clusterApi!.peerId);
    const bad = await fetch(`${secured.server.url}/id`, { headers: { authorization: `Bearer ${token}x` } });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await fetch(`${secured.server.url}/health`)).status).toBe(204);
  });
});
