/**
 * Every CQL statement the store runs, in one place. All are prepared with bind markers; no value
 * is ever spliced into query text. Writes carry USING TIMESTAMP from the planner (idempotent).
 */

export const PIN_COLUMNS =
  'cid_bin, mh_prefix, owner, pin_type, max_depth, rf_min, rf_max, name, tags, metadata, expire_at, shard_size, reference, pin_update, origins, cluster_ts, created_at, updated_at, last_op_id, write_ts';

/**
 * What reads return (a StoredPin): PIN_COLUMNS without mh_prefix and write_ts, which only the
 * writer's planner uses. Every column costs the driver a buffer view and a decode per row.
 */
export const READ_PIN_COLUMNS = 'cid_bin, owner, pin_type, max_depth, rf_min, rf_max, name, tags, metadata, expire_at, shard_size, reference, pin_update, origins, cluster_ts, created_at, updated_at, last_op_id';
export const READ_PLACEMENT_COLUMNS = 'cid_bin, desired, actual, errors, updated_at, last_op_id';

export const CQL = {
  selectPin: `SELECT ${PIN_COLUMNS} FROM pins_by_cid WHERE cid_bin = ?`,
  selectPlacement: 'SELECT cid_bin, desired, actual, errors, updated_at, last_op_id, write_ts FROM placements_by_cid WHERE cid_bin = ?',
  upsertPin: `INSERT INTO pins_by_cid (${PIN_COLUMNS}, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
  deletePinRow: 'DELETE FROM pins_by_cid USING TIMESTAMP ? WHERE cid_bin = ?',
  /** Keeps the CID's write clock after a delete so a later op with an older producer time still wins. */
  insertPinMarker: 'INSERT INTO pins_by_cid (cid_bin, mh_prefix, last_op_id, write_ts, deleted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  upsertPlacement: 'INSERT INTO placements_by_cid (cid_bin, mh_prefix, desired, actual, errors, updated_at, last_op_id, write_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
  deletePlacement: 'DELETE FROM placements_by_cid USING TIMESTAMP ? WHERE cid_bin = ?',
  upsertPeerPin: 'INSERT INTO pins_by_peer (peer_id, bucket, cid_bin, state, desired, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
  deletePeerPin: 'DELETE FROM pins_by_peer USING TIMESTAMP ? WHERE peer_id = ? AND bucket = ? AND cid_bin = ?',
  insertPeerBucket: 'INSERT INTO peer_buckets (peer_id, bucket) VALUES (?, ?)',
  insertTtl: 'INSERT INTO pin_ttl_queue (time_bucket, shard, expire_at, cid_bin) VALUES (?, ?, ?, ?) USING TIMESTAMP ?',
  deleteTtl: 'DELETE FROM pin_ttl_queue USING TIMESTAMP ? WHERE time_bucket = ? AND shard = ? AND expire_at = ? AND cid_bin = ?',
  selectTtlBucket: 'SELECT expire_at, cid_bin FROM pin_ttl_queue WHERE time_bucket = ? AND shard = ? AND expire_at <= ?',
  insertDedup: 'INSERT INTO op_dedup (op_id, digest, cid_bin, kind, source, outputs, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  selectDedup: 'SELECT op_id, digest, source, outputs FROM op_dedup WHERE op_id = ?',
  // Multi-key reads for the writer's hot path: one request per ~100 keys instead of one per key.
  selectDedupIn: 'SELECT op_id, digest, source, outputs FROM op_dedup WHERE op_id IN ?',
  selectPinsIn: `SELECT ${PIN_COLUMNS} FROM pins_by_cid WHERE cid_bin IN ?`,
  selectPlacementsIn: 'SELECT cid_bin, desired, actual, errors, updated_at, last_op_id, write_ts FROM placements_by_cid WHERE cid_bin IN ?',
  insertEvent:
    'INSERT INTO pin_events (cid_bin, event_id, op_id, kind, outcome, reason, detail, origin, source, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  selectEvents: 'SELECT event_id, op_id, kind, outcome, reason, detail, origin, source, ts FROM pin_events WHERE cid_bin = ?',
  upsertStats: 'INSERT INTO pin_stats (shard, pins, placements, updated_at, write_ts) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
  selectStats: 'SELECT shard, pins, placements, write_ts FROM pin_stats WHERE shard = ?',
  selectAllStats: 'SELECT shard, pins, placements FROM pin_stats',
  scanPinsTok: `SELECT token(cid_bin) AS tok, ${PIN_COLUMNS} FROM pins_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?`,
  scanPlacementsTok:
    'SELECT token(cid_bin) AS tok, cid_bin, desired, actual, errors, updated_at, last_op_id, write_ts FROM placements_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?',
  // Reads (get, has, list, export): only the columns a StoredPin is built from.
  readPin: `SELECT ${READ_PIN_COLUMNS} FROM pins_by_cid WHERE cid_bin = ?`,
  readPlacement: `SELECT ${READ_PLACEMENT_COLUMNS} FROM placements_by_cid WHERE cid_bin = ?`,
  /** A row with a pin_type is a live pin (a delete leaves a marker without one). */
  hasPin: 'SELECT pin_type FROM pins_by_cid WHERE cid_bin = ?',
  listPinsTok: `SELECT token(cid_bin) AS tok, ${READ_PIN_COLUMNS} FROM pins_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?`,
  listPlacementsTok: `SELECT token(cid_bin) AS tok, ${READ_PLACEMENT_COLUMNS} FROM placements_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?`,
  selectPeerBuckets: 'SELECT bucket FROM peer_buckets WHERE peer_id = ?',
  selectPeerBucket: 'SELECT cid_bin, state, desired, error, updated_at FROM pins_by_peer WHERE peer_id = ? AND bucket = ?',
} as const;
