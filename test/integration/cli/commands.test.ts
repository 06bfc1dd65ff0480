/**
 * Every command's happy path, in-process through main() with a captured context, against the
 * real stack: a `pinstate writer` run applies what `pin add`, `placement set`, `ack`, `pin rm`
 * and `sweep-ttl` publish, and the read commands see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPinProducer } from '../../../producers/index.js';
import type { PeerPinJson, PinJson } from '../../../src/api/index.js';
import { cidV1, peerId } from '../../support/cids.js';
import type { TestPipeline } from '../../support/kafka.js';
import { runCli, startCli } from '../../unit/cli/capture.js';
import { pipeline, until, writeCliConfig } from './helpers.js';
import { sleep } from '../../../src/sleep.js';
import { loadMigrations } from '../../../src/store/migrate.js';

/** The schema version a fresh keyspace reaches: the newest migration in scylla/. */
const LATEST = loadMigrations().at(-1)?.version ?? 0;

const CID = cidV1('cli-1');
const PEER = peerId('cli-peer');

let p: TestPipeline;
let file: string;
let writer: ReturnType<typeof startCli>;
const cli = (...argv: string[]): ReturnType<typeof runCli> => runCli(['--config', file, ...argv]);

beforeAll(async () => {
  p = await pipeline('cli_cmds');
  file = writeCliConfig(p.config);
  writer = startCli(['--config', file, 'writer']);
  await until('writer running', () => (writer.captured.out().includes('writer running') ? true : undefined));
});
afterAll(async () => {
  await writer?.stop();
  await p?.cleanup();
});

async function pinJsonOf(cid: string): Promise<PinJson | undefined> {
  const r = await cli('pin', 'get', cid, '--json');
  return r.code === 0 ? (JSON.parse(r.out) as PinJson) : undefined;
}

describe('pinstate commands on the real stack', () => {
  it('schema apply and topics ensure (idempotent on a prepared keyspace and topics)', async () => {
    const schema = await cli('schema', 'apply', '--json');
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.out)).toMatchObject({ keyspace: p.keyspace, version: LATEST, applied_now: [] });
    const text = await cli('schema', 'apply');
    expect(text.out).toMatch(new RegExp(`keyspace ${p.keyspace} at schema version ${LATEST}: nothing to apply`));
    const topics = await cli('topics', 'ensure', '--json');
    expect(topics.code).toBe(0);
    const report = JSON.parse(topics.out) as { created: string[]; existing: Array<{ topic: string; partitions: number }> };
    expect(report.created).toEqual([]);
    expect(report.existing).toContainEqual({ topic: p.config.kafka.topics.intents, partitions: 8 });
  });

  it('writer: running in the background (started in beforeAll)', () => {
    expect(writer.captured.out()).toMatch(/pinstate writer running \(pid \d+, group .*-writer\)/);
  });

  it('pin add --wait prints the op_id once applied; pin get --json shows the pin', async () => {
    const add = await cli('pin', 'add', CID, '--name', 'from cli', '--tag', 'b', '--tag', 'a', '--meta', 'k=v', '--rf-min', '1', '--rf-max', '2', '--expire-at', '240h', '--owner', 'ops', '--wait', '--json');
    expect(add.err).toBe('');
    expect(add.code).toBe(0);
    const { op_id: opId, applied } = JSON.parse(add.out) as { op_id: string; applied: boolean };
    expect(applied).toBe(true);
    const pin = await pinJsonOf(CID);
    expect(pin).toMatchObject({ cid: CID, name: 'from cli', tags: ['a', 'b'], metadata: { k: 'v' }, replication_factor_min: 1, replication_factor_max: 2, owner: 'ops', last_op_id: opId });
    expect(Date.parse(pin!.expire_at!) - Date.now()).toBeGreaterThan(239 * 3_600_000);
    const text = await cli('pin', 'get', CID);
    expect(text.out).toMatch(/^cid\s+bafk/m);
    expect(text.out).toMatch(/^name\s+from cli$/m);
  });

  it('pin add without --wait prints just the op_id', async () => {
    const r = await cli('pin', 'add', cidV1('cli-2'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n$/);
    await until('second pin applied', () => pinJsonOf(cidV1('cli-2')));
  });

  it('pin get of a pin that is not there exits 1 and says so', async () => {
    const r = await cli('pin', 'get', cidV1('cli-missing'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/pin is not part of the pinset/);
  });

  it('placement set, then pin ls --peer shows the placement', async () => {
    const r = await cli('placement', 'set', CID, PEER, '--json');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { cid: string; op_id: string };
    expect(printed.cid).toBe(CID);
    expect(printed.op_id).toMatch(/^[0-9a-f-]{36}$/);
    const line = await until('placement applied', async () => {
      const ls = await cli('pin', 'ls', '--peer', PEER, '--json');
      return ls.out === '' ? undefined : (JSON.parse(ls.out.trim()) as PeerPinJson);
    });
    expect(line).toMatchObject({ cid: CID, peer: PEER, state: 'pin_queued', desired: true });
  });

  it('ack, then the state moves to pinned (pin ls --state, text and JSON)', async () => {
    const r = await cli('ack', CID, PEER, 'pinned');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\S+\n$/);
    const pinned = await until('ack applied', async () => {
      const ls = await cli('pin', 'ls', '--state', 'pinned', '--json');
      return ls.out === '' ? undefined : ls.out.trim().split('\n').map((l) => JSON.parse(l) as PinJson);
    });
    expect(pinned.map((x) => x.cid)).toEqual([CID]);
    const all = await cli('pin', 'ls');
    expect(all.out.trim().split('\n').sort()).toEqual([`${CID}  from cli  peers: 1`, `${cidV1('cli-2')}  -  peers: 0`].sort());
    expect((await cli('pin', 'ls', '--limit', '1')).out.trim().split('\n')).toHaveLength(1);
  });

  it('stats, text and --json', async () => {
    const r = await cli('stats', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ pins: 2, placements: { pinned: 1 }, total_placements: 1 });
    expect((await cli('stats')).out).toMatch(/^pins\s+2$/m);
  });

  it('follow --peer --count prints the peer\'s changes as NDJSON and exits 0', async () => {
    const r = await cli('follow', '--peer', PEER, '--count', '2', '--json', '--group', `${p.keyspace}-follow`);
    expect(r.code).toBe(0);
    const changes = r.out.trim().split('\n').map((l) => JSON.parse(l) as { cid: string; peer: string; state: string; desired: boolean });
    expect(changes.slice(0, 2)).toEqual([
      expect.objectContaining({ cid: CID, peer: PEER, desired: true, state: 'pin_queued' }),
      expect.objectContaining({ cid: CID, peer: PEER, desired: true, state: 'pinned' }),
    ]);
  });

  it('pin rm --wait removes the pin', async () => {
    const r = await cli('pin', 'rm', cidV1('cli-2'), '--wait');
    expect(r.code).toBe(0);
    expect((await cli('pin', 'get', cidV1('cli-2'))).code).toBe(1);
  });

  it('sweep-ttl --once publishes Expire intents; the writer applies them', async () => {
    const producer = createPinProducer({ config: p.config.kafka, origin: 'test' });
    await producer.connect();
    const expiring = cidV1('cli-expiring');
    try {
      await producer.upsertPin({ cid: expiring, expireAt: Date.now() + 1_500 });
    } finally {
      await producer.disconnect();
    }
    await until('expiring pin applied', () => pinJsonOf(expiring));
    await sleep(1_600);
    const r = await cli('sweep-ttl', '--once', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ expired: 1 });
    await until('expiry applied', async () => ((await cli('pin', 'get', expiring)).code === 1 ? true : undefined));
    expect(await pinJsonOf(CID)).toBeDefined();
  });

  it('writer stops on SIGTERM (simulated) with exit 0 after draining', async () => {
    const r = await writer.stop();
    expect(r.code).toBe(0);
    expect(r.out).toContain('pinstate: SIGTERM: stopping');
    expect(r.out).toContain('pinstate: stopped\n');
  });
});
