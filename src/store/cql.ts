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
/**
 * A CID's placement lives in the same pins_by_cid row as its pin (scylla/004): one read per CID in
 * the writer, one scan for list(). The placement keeps its own write clock (placement_write_ts).
 */
export const READ_PLACEMENT_COLUMNS = 'placement_desired, placement_actual, placement_errors, placement_updated_at, placement_last_op_id';
/** The pin's own columns, which a pin delete clears (the CID's placement and clock stay). mh_prefix is the pin's. */
const PIN_SPEC_COLUMNS = 'mh_prefix, owner, pin_type, max_depth, rf_min, rf_max, name, tags, metadata, expire_at, shard_size, reference, pin_update, origins, cluster_ts, created_at';

export const CQL = {
  /** The writer's view of a CID: pin, placement and both write clocks, in one row. */
  selectCoresIn: `SELECT ${PIN_COLUMNS}, ${READ_PLACEMENT_COLUMNS}, placement_write_ts FROM pins_by_cid WHERE cid_bin IN ?`,
  /*
   * Every write to pins_by_cid is an UPDATE of the pin's or the placement's cells, never a row
   * delete. An UPDATE writes no row marker, so a row lives exactly as long as one of its cells: a
   * CID whose pin is deleted and whose placement is cleared is gone once its clock cells expire
   * (scylladb.dedup_ttl).
   */
  upsertPin:
    'UPDATE pins_by_cid USING TIMESTAMP ? SET mh_prefix = ?, owner = ?, pin_type = ?, max_depth = ?, rf_min = ?, rf_max = ?, name = ?, tags = ?, metadata = ?, expire_at = ?, shard_size = ?, reference = ?, pin_update = ?, origins = ?, cluster_ts = ?, created_at = ?, updated_at = ?, last_op_id = ?, write_ts = ?, deleted_at = ? WHERE cid_bin = ?',
  /** A deleted pin: its own cells go (the placement's, if any, stay: peers may still be unpinning). */
  deletePinColumns: `DELETE ${PIN_SPEC_COLUMNS} FROM pins_by_cid USING TIMESTAMP ? WHERE cid_bin = ?`,
  /** Keeps the CID's write clock after a delete so a later op with an older producer time still wins. */
  insertPinMarker: 'UPDATE pins_by_cid USING TTL ? AND TIMESTAMP ? SET last_op_id = ?, write_ts = ?, deleted_at = ?, updated_at = ? WHERE cid_bin = ?',
  upsertPlacement:
    'UPDATE pins_by_cid USING TIMESTAMP ? SET placement_desired = ?, placement_actual = ?, placement_errors = ?, placement_updated_at = ?, placement_last_op_id = ?, placement_write_ts = ? WHERE cid_bin = ?',
  /** An emptied placement: its cells are cleared and its clock kept for a TTL, so a later op is still ordered after the clear. */
  clearPlacement:
    'UPDATE pins_by_cid USING TTL ? AND TIMESTAMP ? SET placement_desired = null, placement_actual = null, placement_errors = null, placement_updated_at = null, placement_last_op_id = null, placement_write_ts = ? WHERE cid_bin = ?',
  upsertPeerPin: 'INSERT INTO pins_by_peer (peer_id, bucket, cid_bin, state, desired, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
  deletePeerPin: 'DELETE FROM pins_by_peer USING TIMESTAMP ? WHERE peer_id = ? AND bucket = ? AND cid_bin = ?',
  insertPeerBucket: 'INSERT INTO peer_buckets (peer_id, bucket) VALUES (?, ?)',
  insertTtl: 'INSERT INTO pin_ttl_queue (time_bucket, shard, expire_at, cid_bin) VALUES (?, ?, ?, ?) USING TIMESTAMP ?',
  deleteTtl: 'DELETE FROM pin_ttl_queue USING TIMESTAMP ? WHERE time_bucket = ? AND shard = ? AND expire_at = ? AND cid_bin = ?',
  selectTtlBucket: 'SELECT expire_at, cid_bin FROM pin_ttl_queue WHERE time_bucket = ? AND shard = ? AND expire_at <= ?',
  /** An op whose outputs its pin_events row holds (schema 5): the dedup key only. */
  insertDedup: 'INSERT INTO op_dedup (op_id, digest, cid_bin, kind, source, applied_at) VALUES (?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  /** An op whose outputs do not follow from it and its event row: they are kept whole in op_dedup. */
  insertDedupWithOutputs: 'INSERT INTO op_dedup (op_id, digest, cid_bin, kind, source, outputs, applied_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  selectDedup: 'SELECT op_id, digest, source, outputs FROM op_dedup WHERE op_id = ?',
  // Multi-key reads for the writer's hot path: one request per ~100 keys instead of one per key.
  selectDedupIn: 'SELECT op_id, digest, source, outputs FROM op_dedup WHERE op_id IN ?',
  insertEvent:
    'INSERT INTO pin_events (cid_bin, event_id, op_id, kind, outcome, reason, detail, origin, source, ts, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ? AND TIMESTAMP ?',
  /** One op's event row, for re-publishing a redelivered op's outputs. */
  selectEventOutputs: 'SELECT outcome, reason, detail, changes FROM pin_events WHERE cid_bin = ? AND event_id = ?',
  selectEvents: 'SELECT event_id, op_id, kind, outcome, reason, detail, origin, source, ts FROM pin_events WHERE cid_bin = ?',
  upsertStats: 'INSERT INTO pin_stats (shard, pins, placements, updated_at, write_ts) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
  selectStats: 'SELECT shard, pins, placements, write_ts FROM pin_stats WHERE shard = ?',
  selectAllStats: 'SELECT shard, pins, placements FROM pin_stats',
  // Reads (get, has, list, export): only the columns a StoredPin is built from.
  readPin: `SELECT ${READ_PIN_COLUMNS}, ${READ_PLACEMENT_COLUMNS} FROM pins_by_cid WHERE cid_bin = ?`,
  readPlacement: `SELECT ${READ_PLACEMENT_COLUMNS} FROM pins_by_cid WHERE cid_bin = ?`,
  /** A row with a pin_type is a live pin (a delete leaves a marker without one). */
  hasPin: 'SELECT pin_type FROM pins_by_cid WHERE cid_bin = ?',
  /** list(): pins and placements in one scan; no token column is needed now that nothing is merge-joined. */
  listPinsTok: `SELECT ${READ_PIN_COLUMNS}, ${READ_PLACEMENT_COLUMNS} FROM pins_by_cid WHERE token(cid_bin) >= ? AND token(cid_bin) <= ?`,
  selectPeerBuckets: 'SELECT bucket FROM peer_buckets WHERE peer_id = ?',
  selectPeerBucket: 'SELECT cid_bin, state, desired, error, updated_at FROM pins_by_peer WHERE peer_id = ? AND bucket = ?',
} as const;
