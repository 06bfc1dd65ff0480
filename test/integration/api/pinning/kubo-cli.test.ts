/**
 * The real kubo CLI (`ipfs pin remote …`, kubo v0.43.1 as tools/ipfs/ipfs.sh builds it) against
 * pinstate's Pinning Services API on a listening socket, over the real store (Cassandra) and Kafka
 * with a real writer. No agent runs here: where a pin must become "pinned", the test publishes the
 * placement and the peer's `pinned` ack with the producer SDK, exactly as an agent (or
 * `pinstate follow --ack`) would.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWriter, type Writer } from '../../../../consumers/writer/writer.js';
import { createPinProducer, type PinProducer } from '../../../../producers/index.js';
import { createApp, listen, type ListeningServer } from '../../../../src/api/index.js';
import { cqlRequestStore, type PsaPinResults } from '../../../../src/api/pinning/index.js';
import { createRegistry } from '../../../../src/metrics.js';
import { cidV1, peerId } from '../../../support/cids.js';
import type { TestPipeline } from '../../../support/kafka.js';
import { pipeline, until } from '../../cli/helpers.js';

const run = promisify(execFile);
const KUBO = join(process.env['PINSTATE_IPFS_CACHE'] ?? join(homedir(), '.cache/pinstate'), 'bin/kubo-v0.43.1/ipfs');
const TOKEN = 'kubo-test-token-0123456789';
const OTHER_TOKEN = 'kubo-other-token-abcdef';
const PEER = peerId('psa-kubo-peer');

let p: TestPipeline;
let producer: PinProducer;
let writer: Writer;
let server: ListeningServer;
let ipfsPath: string;

async function ipfs(...args: string[]): Promise<string> {
  const { stdout } = await run(KUBO, args, { env: { ...process.env, IPFS_PATH: ipfsPath }, timeout: 90_000 });
  return stdout;
}

async function list(token: string, query: string): Promise<PsaPinResults> {
  const res = await fetch(`${server.url}/pinning/pins${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as PsaPinResults;
}

/** What an agent does once it holds the content: the placement, then its `pinned` ack. */
async function pinnedByPeer(cid: string): Promise<void> {
  await producer.setDesiredPlacement(cid, [PEER]);
  await producer.ackPlacement(cid, PEER, 'pinned');
}

describe.skipIf(!existsSync(KUBO))(`ipfs pin remote (real kubo at ${KUBO})`, () => {
  beforeAll(async () => {
    p = await pipeline('psa_kubo');
    const registry = createRegistry();
    producer = createPinProducer({ config: p.config.kafka, registry, origin: 'api' });
    await producer.connect();
    writer = createWriter({ config: p.config, store: p.store, registry });
    await writer.start();
    const app = createApp({
      store: p.store,
      producer,
      registry,
      readiness: { check: () => Promise.resolve({ ready: true, checks: {} }) },
      config: p.config.api,
      pinning: {
        config: {
          tokens: [
            { token: TOKEN, owner: 'kubo-user' },
            { token: OTHER_TOKEN, owner: 'someone-else' },
          ],
          maxScan: 100_000,
        },
        requests: cqlRequestStore(p.store.session),
      },
    });
    server = await listen(app, '127.0.0.1', 0);
    ipfsPath = mkdtempSync(join(tmpdir(), 'pinstate-kubo-psa-'));
    await ipfs('init', '--empty-repo');
    await ipfs('pin', 'remote', 'service', 'add', 'pinstate', `${server.url}/pinning`, TOKEN);
  });
  afterAll(async () => {
    await server?.close();
    await writer?.stop();
    await producer?.disconnect();
    await p?.cleanup();
    if (ipfsPath !== undefined) rmSync(ipfsPath, { recursive: true, force: true });
  });

  it('service add + service ls --stat: the endpoint answers valid with counts per status', async () => {
    const out = JSON.parse(await ipfs('pin', 'remote', 'service', 'ls', '--stat', '--enc=json')) as { RemoteServices: Array<{ Service: string; ApiEndpoint: string; Stat: { Status: string; PinCount: Record<string, number> } }> };
    expect(out.RemoteServices).toEqual([{ Service: 'pinstate', ApiEndpoint: `${server.url}/pinning`, Stat: { Status: 'valid', PinCount: { Queued: 0, Pinning: 0, Pinned: 0, Failed: 0 } } }]);
  });

  it('add --background returns at once with status queued; ls shows it only with --status=queued', async () => {
    const cid = cidV1('kubo-bg');
    const out = await ipfs('pin', 'remote', 'add', '--service=pinstate', '--background', '--name=in-the-background', cid);
    expect(out).toMatch(new RegExp(`CID:\\s+${cid}`));
    expect(out).toMatch(/Name:\s+in-the-background/);
    expect(out).toMatch(/Status:\s+queued/);
    expect(await ipfs('pin', 'remote', 'ls', '--service=pinstate')).toBe('');
    expect(await ipfs('pin', 'remote', 'ls', '--service=pinstate', '--status=queued')).toBe(`${cid}\tqueued\tin-the-background\n`);
  });

  it('add (blocking) polls GET /pins/{requestid} until the peer reports pinned', async () => {
    const cid = cidV1('kubo-blocking');
    const adding = ipfs('pin', 'remote', 'add', '--service=pinstate', '--name=waited-for', cid);
    // The request is queued until a peer is placed and acks; play that peer.
    await until('request listed', async () => ((await list(TOKEN, `?cid=${cid}&status=queued`)).count === 1 ? true : undefined));
    await pinnedByPeer(cid);
    const out = await adding;
    expect(out).toMatch(/Status:\s+pinned/);
    expect(await ipfs('pin', 'remote', 'ls', '--service=pinstate')).toBe(`${cid}\tpinned\twaited-for\n`);
    const stat = JSON.parse(await ipfs('pin', 'remote', 'service', 'ls', '--stat', '--enc=json')) as { RemoteServices: Array<{ Stat: { PinCount: Record<string, number> } }> };
    expect(stat.RemoteServices[0]!.Stat.PinCount).toEqual({ Queued: 1, Pinning: 0, Pinned: 1, Failed: 0 });
  });

  it('ls with every status and a name filter; another token sees none of it', async () => {
    const all = await ipfs('pin', 'remote', 'ls', '--service=pinstate', '--status=queued,pinning,pinned,failed');
    expect(all).toBe(`${cidV1('kubo-blocking')}\tpinned\twaited-for\n${cidV1('kubo-bg')}\tqueued\tin-the-background\n`);
    expect(await ipfs('pin', 'remote', 'ls', '--service=pinstate', '--name=waited-for')).toBe(`${cidV1('kubo-blocking')}\tpinned\twaited-for\n`);
    expect((await list(OTHER_TOKEN, '?status=queued,pinning,pinned,failed')).count).toBe(0);
  });

  it('ls pages through more than one batch (count > results, before=<oldest created>)', async () => {
    const cids = Array.from({ length: 12 }, (_, i) => cidV1(`kubo-page-${i}`));
    for (const cid of cids) await ipfs('pin', 'remote', 'add', '--service=pinstate', '--background', '--name=paged', cid);
    // kubo asks for the default limit (10) and then for the rest before the oldest it got.
    const out = await ipfs('pin', 'remote', 'ls', '--service=pinstate', '--status=queued', '--name=paged');
    expect(out.trim().split('\n').map((l) => l.split('\t')[0])).toEqual([...cids].reverse());
  });

  it('rm removes the request; the pin is deleted from the store once its last request is gone', async () => {
    const cid = cidV1('kubo-blocking');
    expect(await p.store.has(cid)).toBe(true);
    await ipfs('pin', 'remote', 'rm', '--service=pinstate', `--cid=${cid}`);
    expect(await ipfs('pin', 'remote', 'ls', '--service=pinstate', `--cid=${cid}`, '--status=queued,pinning,pinned,failed')).toBe('');
    await until('pin deleted by the writer', async () => ((await p.store.has(cid)) ? undefined : true));
    // Bulk removal needs --force, as kubo asks.
    await expect(ipfs('pin', 'remote', 'rm', '--service=pinstate', '--status=queued', '--name=paged')).rejects.toThrow(/--force/);
    await ipfs('pin', 'remote', 'rm', '--service=pinstate', '--status=queued', '--name=paged', '--force');
    expect((await list(TOKEN, '?status=queued&name=paged')).count).toBe(0);
  });

  it('a wrong token is refused: kubo reports the 401', async () => {
    await ipfs('pin', 'remote', 'service', 'add', 'wrong', `${server.url}/pinning`, 'not-a-token');
    await expect(ipfs('pin', 'remote', 'ls', '--service=wrong')).rejects.toThrow(/401|UNAUTHORIZED|unauthorized/i);
  });
});
