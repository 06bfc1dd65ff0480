/**
 * Proves tools/ipfs/ipfs.sh (docs/ipfs-tools.md) gives the tests what they rely on: real kubo
 * daemons on loopback that move blocks to each other by bitswap, a node that survives stop/start,
 * and a runnable ipfs-cluster-ctl.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterCtl, run, startKubo, stopKubo, type Kubo } from '../../support/kubo.js';

describe('tools/ipfs: three kubo daemons', () => {
  let kubo: Kubo;
  const work = mkdtempSync(join(tmpdir(), 'pinstate-kubo-test-'));

  beforeAll(async () => {
    kubo = await startKubo({ nodes: 3 });
  });

  afterAll(async () => {
    await stopKubo();
    rmSync(work, { recursive: true, force: true });
  });

  it('runs three distinct nodes, each listening only on 127.0.0.1', async () => {
    expect(kubo.nodes.map((n) => n.index)).toEqual([1, 2, 3]);
    expect(new Set(kubo.nodes.map((n) => n.peerId)).size).toBe(3);
    for (const n of kubo.nodes) {
      expect(n.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const id = JSON.parse(await kubo.ipfs(n.index, 'id')) as { ID: string; Addresses: string[] | null };
      expect(id.ID).toBe(n.peerId);
      // Every address the node announces is loopback.
      for (const a of id.Addresses ?? []) expect(a).toMatch(/^\/ip4\/127\.0\.0\.1\//);
      // The RPC API answers over plain HTTP too (what the agent and the clients use).
      const res = await fetch(`${n.apiUrl}/api/v0/id`, { method: 'POST' });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { ID: string }).ID).toBe(n.peerId);
      const bootstrap = JSON.parse(await kubo.ipfs(n.index, 'config', 'Bootstrap')) as unknown[];
      expect(bootstrap).toEqual([]);
    }
  });

  it('connects every node to the others', async () => {
    for (const n of kubo.nodes) {
      const peers = (await kubo.ipfs(n.index, 'swarm', 'peers')).split('\n').filter((l) => l.length > 0);
      const others = kubo.nodes.filter((o) => o.index !== n.index).map((o) => o.peerId);
      for (const p of others) expect(peers.some((l) => l.endsWith(`/p2p/${p}`))).toBe(true);
    }
  });

  it('moves a block by bitswap: add on node 1, pin add on node 2', async () => {
    const file = join(work, 'hello.bin');
    const data = randomBytes(300_000); // several chunks: a real DAG, not one inline block
    writeFileSync(file, data);
    const cid = await kubo.ipfs(1, 'add', '-Q', '--cid-version', '1', file);
    expect(cid).toMatch(/^bafy/);
    // Node 2 has none of it locally.
    const local = await kubo.ipfsRun(2, ['block', 'stat', '--offline', cid]);
    expect(local.code).not.toBe(0);
    await kubo.ipfs(2, 'pin', 'add', '--progress=false', cid);
    expect(await kubo.ipfs(2, 'pin', 'ls', '--type', 'recursive', '-q', cid)).toBe(cid);
    const out = join(work, 'from-node2.bin');
    await kubo.ipfs(2, 'get', '--offline', '-o', out, cid);
    expect(readFileSync(out).equals(data)).toBe(true);
  });

  it('survives stop and start of one node, keeping its repo and pins', async () => {
    const cid = await kubo.ipfs(3, 'add', '-Q', '--cid-version', '1', '--pin=true', join(work, 'hello.bin'));
    await kubo.node(3).stop();
    const down = await kubo.ipfsRun(3, ['id']);
    expect(down.code).not.toBe(0);
    const status = await run('bash', [join(process.cwd(), 'tools/ipfs/ipfs.sh'), 'status', '--dir', kubo.dir]);
    expect(status.code).toBe(3);
    expect(status.stdout).toMatch(/kubo-node3\s+stopped/);
    await kubo.node(3).start();
    const id = JSON.parse(await kubo.ipfs(3, 'id')) as { ID: string };
    expect(id.ID).toBe(kubo.node(3).peerId);
    expect(await kubo.ipfs(3, 'pin', 'ls', '--type', 'recursive', '-q', cid)).toBe(cid);
    // Reconnected: node 1 can fetch something only node 3 has.
    const only3 = await kubo.ipfsRun(3, ['add', '-Q', '--cid-version', '1'], { input: randomBytes(5000) });
    expect(only3.code).toBe(0);
    await kubo.ipfs(1, 'pin', 'add', '--progress=false', only3.stdout.trim());
    const after = await run('bash', [join(process.cwd(), 'tools/ipfs/ipfs.sh'), 'status', '--dir', kubo.dir]);
    expect(after.code).toBe(0);
  });
});

describe('tools/ipfs: ipfs-cluster binaries', () => {
  it('runs ipfs-cluster-ctl --version', async () => {
    const r = await clusterCtl(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ipfs-cluster-ctl version 1\.1\.0/);
  });
});
