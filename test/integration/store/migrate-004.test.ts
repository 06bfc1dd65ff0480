/**
 * scylla/004 from v1 data: a keyspace at schema v3 holding rows written in the v1 shape (a pin in
 * pins_by_cid, its placement in placements_by_cid, a delete marker whose placement is still
 * unpinning) is migrated by `schema apply`. Afterwards reads and the writer see every placement
 * in its pin's row, with its original write time and clock; the copy can run again, and after
 * newer writes, without changing anything; an apply interrupted after its ALTERs completes.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PinstateConfig } from '../../../src/config/types.js';
import { parseCid } from '../../../src/domain/cid.js';
import { scyllaDir } from '../../../src/paths.js';
import { statsShardOf } from '../../../src/store/commit.js';
import { applySchema, loadMigrations } from '../../../src/store/migrate.js';
import { copyPlacements, STEP } from '../../../src/store/migrations/placement-copy.js';
import { reconcileStats } from '../../../src/store/reconcile.js';
import { openSession, type CqlSession } from '../../../src/store/session.js';
import { createStore, type PinStore } from '../../../src/store/store.js';
import { silentLogger } from '../../../src/log.js';
import { cidV1, peerId } from '../../support/cids.js';
import { uniqueName } from '../../support/env.js';
import { dropKeyspace, dumpKeyspace, testConfig } from '../../support/store.js';
import cassandra from 'cassandra-driver';

const { Long } = cassandra.types;

// The v1 writer's statements for these rows (src/store/cql.ts before scylla/004).
const V1_PIN =
  'INSERT INTO pins_by_cid (cid_bin, mh_prefix, owner, pin_type, max_depth, rf_min, rf_max, name, tags, metadata, origins, created_at, updated_at, last_op_id, write_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?';
const V1_MARKER = 'INSERT INTO pins_by_cid (cid_bin, mh_prefix, last_op_id, write_ts, deleted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?';
const V1_PLACEMENT = 'INSERT INTO placements_by_cid (cid_bin, mh_prefix, desired, actual, errors, updated_at, last_op_id, write_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?';
const V1_STATS = 'INSERT INTO pin_stats (shard, pins, placements, updated_at, write_ts) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?';

const T0 = 1_700_000_000_000; // ms
const us = (ms: number): cassandra.types.Long => Long.fromNumber(ms * 1000);
const [p1, p2] = [peerId('m004-1'), peerId('m004-2')];
const placed = cidV1('m004-placed');
const bare = cidV1('m004-bare');
const unpinning = cidV1('m004-unpinning');
const key = (cid: string): Buffer => Buffer.from(parseCid(cid).bytes);

let config: PinstateConfig;
let v3Dir: string;
let session: CqlSession;
let store: PinStore;

beforeAll(async () => {
  const base = testConfig();
  config = { ...base, scylla: { ...base.scylla, keyspace: uniqueName('migrate_004') } };
  // The keyspace as a v3 install left it: only the migrations before 004.
  v3Dir = mkdtempSync(join(tmpdir(), 'pinstate-v3-'));
  for (const file of ['001_initial.cql', '003_pinning_requests.cql']) copyFileSync(join(scyllaDir(), file), join(v3Dir, file));
  expect((await applySchema({ config: config.scylla, migrationsDir: v3Dir })).version).toBe(3);
  session = await openSession({ config: config.scylla, keyspace: config.scylla.keyspace });

  const pinRow = (cid: string, opId: string, ms: number): unknown[] => [key(cid), parseCid(cid).mhPrefix, 'alice', 'recursive', -1, 1, 2, opId, ['t'], { k: 'v' }, [], new Date(ms), new Date(ms), opId, us(ms), us(ms)];
  await session.execute(V1_PIN, pinRow(placed, 'up-placed', T0));
  await session.execute(V1_PLACEMENT, [key(placed), parseCid(placed).mhPrefix, [p2, p1], { [p1]: 'pinned', [p2]: 'pin_queued' }, {}, new Date(T0 + 1), 'pl-placed', us(T0 + 1), us(T0 + 1)]);
  await session.execute(V1_PIN, pinRow(bare, 'up-bare', T0));
  await session.execute(V1_MARKER, [key(unpinning), parseCid(unpinning).mhPrefix, 'del-unpinning', us(T0 + 2), new Date(T0 + 2), new Date(T0 + 2), 86_400, us(T0 + 2)]);
  await session.execute(V1_PLACEMENT, [key(unpinning), parseCid(unpinning).mhPrefix, [], { [p1]: 'unpin_queued' }, {}, new Date(T0 + 2), 'del-unpinning', us(T0 + 2), us(T0 + 2)]);
  // pin_stats as the v1 writer kept it: 2 pins; pinned, pin_queued and unpin_queued once each.
  const shards = new Map<number, { pins: number; placements: Record<string, number> }>();
  const count = (cid: string, pins: number, states: string[]): void => {
    const shard = statsShardOf(parseCid(cid).mhPrefix, config.scylla.statsShards);
    const c = shards.get(shard) ?? { pins: 0, placements: {} };
    c.pins += pins;
    for (const s of states) c.placements[s] = (c.placements[s] ?? 0) + 1;
    shards.set(shard, c);
  };
  count(placed, 1, ['pinned', 'pin_queued']);
  count(bare, 1, []);
  count(unpinning, 0, ['unpin_queued']);
  for (const [shard, c] of shards) {
    const placements = Object.fromEntries(Object.entries(c.placements).map(([s, n]) => [s, Long.fromNumber(n)]));
    await session.execute(V1_STATS, [shard, Long.fromNumber(c.pins), placements, new Date(T0), us(T0 + 2), us(T0 + 2)]);
  }

  const report = await applySchema({ config: config.scylla });
  // 004 and every migration after it.
  expect(report.appliedNow).toEqual(loadMigrations().map((m) => m.version).filter((v) => v >= 4));
  expect(report.tables).toContain('migration_ranges');
  store = await createStore({ config: config.scylla });
});

afterAll(async () => {
  await store?.close();
  await session?.shutdown();
  if (config) await dropKeyspace(config, config.scylla.keyspace);
  if (v3Dir) rmSync(v3Dir, { recursive: true, force: true });
});

describe('scylla/004: placements move into the pin row', () => {
  it('reads see each v1 placement, and list() returns the live pins with theirs', async () => {
    const got = await store.get(placed);
    expect(got.spec).toMatchObject({ owner: 'alice', name: 'up-placed', replicationFactorMin: 1, replicationFactorMax: 2 });
    expect(got.placement).toEqual({ desired: [p1, p2].sort(), actual: { [p1]: 'pinned', [p2]: 'pin_queued' }, errors: {}, updatedAt: T0 + 1, lastOpId: 'pl-placed' });
    expect((await store.get(bare)).placement).toBeNull();
    await expect(store.get(unpinning)).rejects.toMatchObject({ code: 'PIN_NOT_FOUND' });
    expect(await store.getPlacement(unpinning)).toMatchObject({ desired: [], actual: { [p1]: 'unpin_queued' }, lastOpId: 'del-unpinning' });

    const listed = new Map<string, unknown>();
    for await (const pin of store.list({ splits: 4 })) listed.set(pin.spec.cid, pin.placement);
    expect([...listed.keys()].sort()).toEqual([placed, bare].sort());
    expect(listed.get(placed)).toEqual(got.placement);
  });

  it('copies at the v1 write time, and the stats still equal a full scan', async () => {
    const row = (await session.execute('SELECT WRITETIME(placement_actual) AS wt, placement_write_ts FROM pins_by_cid WHERE cid_bin = ?', [key(placed)])).rows[0]!;
    expect(String(row['wt'])).toBe(String(us(T0 + 1)));
    expect(String(row['placement_write_ts'])).toBe(String(us(T0 + 1)));
    const report = await reconcileStats(session, config.scylla.statsShards, { apply: false });
    expect(report.driftedShards).toEqual([]);
    expect(report.scanned).toEqual({ pins: 2, placements: { pin_queued: 1, pinned: 1, unpin_queued: 1 } });
  });

  it('running the copy again changes nothing', async () => {
    const before = await dumpKeyspace(session, ['pins_by_cid']);
    await session.execute('DELETE FROM migration_ranges WHERE step = ?', [STEP]);
    expect(await copyPlacements(session, silentLogger())).toEqual({ rows: 2, ranges: 256 });
    expect(await dumpKeyspace(session, ['pins_by_cid'])).toEqual(before);
    // With every range recorded as done, a further run copies nothing.
    expect(await copyPlacements(session, silentLogger())).toEqual({ rows: 0, ranges: 0 });
  });

  it('the copied placement clock orders later ops: a placement with an older producer time still applies', async () => {
    // The pin row's own clock is T0; the placement's is T0 + 1 ms. An op stamped before both must
    // be written after the copied placement, or its cells would lose to the older-looking ones.
    const r = await store.setDesiredPlacement('pl-late', placed, [p1], { ts: T0 - 60_000 });
    expect(r.outcome).toBe('applied');
    expect((await store.get(placed)).placement).toMatchObject({ desired: [p1], lastOpId: 'pl-late' });
  });

  it('a copy after newer writes keeps the newer placement', async () => {
    await store.ackPlacement('ack-un', unpinning, p1, 'unpinned');
    expect(await store.getPlacement(unpinning)).toBeNull();
    await session.execute('DELETE FROM migration_ranges WHERE step = ?', [STEP]);
    await copyPlacements(session, silentLogger());
    expect(await store.getPlacement(unpinning)).toBeNull();
    expect((await store.get(placed)).placement).toMatchObject({ desired: [p1], lastOpId: 'pl-late' });
  });

  it('an apply interrupted after its ALTERs (columns there, version not recorded) completes', async () => {
    await session.execute('DELETE FROM schema_version WHERE component = ? AND version = ?', ['pinstate', 4]);
    await session.execute('DELETE FROM migration_ranges WHERE step = ?', [STEP]);
    const report = await applySchema({ config: config.scylla });
    expect(report.appliedNow).toEqual([4]);
    expect((await applySchema({ config: config.scylla })).appliedNow).toEqual([]);
  });
});
