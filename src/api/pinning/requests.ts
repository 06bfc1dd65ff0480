/**
 * Pin requests of the Pinning Services API, kept durably in the four psa_* tables of
 * scylla/003_pinning_requests.cql. A request is an owner's claim on a CID: the pin itself is the
 * one pins_by_cid row every request for that CID shares, written through Kafka intents.
 * `PsaRequestStore` is the narrow interface the routes use; `cqlRequestStore` is its database edge.
 */
import { cidFromBytes, parseCid } from '../../domain/cid.js';
import { fromLong } from '../../store/rows.js';
import type { CqlRow, CqlSession, Statement } from '../../store/session.js';
import { hourOf } from './created-time.js';

export interface PsaRequest {
  /** A UUIDv7, also the op_id of the UpsertPin intent the request published. */
  readonly requestId: string;
  readonly owner: string;
  /** Microseconds since the epoch, unique per request. */
  readonly createdUs: number;
  /** Canonical CID text. */
  readonly cid: string;
  readonly name: string | undefined;
  readonly meta: Readonly<Record<string, string>>;
  readonly origins: readonly string[];
}

/** A request of some owner for a CID (the psa_requests_by_cid row). */
export interface CidRef {
  readonly requestId: string;
  readonly owner: string;
  readonly createdUs: number;
}

/** Open bounds on `created`, both exclusive (the spec's `before` and `after`). */
export interface CreatedRange {
  readonly beforeUs?: number | undefined;
  readonly afterUs?: number | undefined;
}

export interface PsaRequestStore {
  put(request: PsaRequest): Promise<void>;
  get(requestId: string): Promise<PsaRequest | undefined>;
  remove(request: PsaRequest): Promise<void>;
  /** One owner's requests in the range, newest first. */
  scanOwner(owner: string, range: CreatedRange): AsyncGenerator<PsaRequest>;
  /** Every request (any owner) for a CID. */
  refsOf(cid: string): Promise<CidRef[]>;
}

export const PSA_CQL = {
  insertRequest: 'INSERT INTO psa_requests (owner, hour, created_us, request_id, cid_bin, name, meta, origins) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertOwnerHour: 'INSERT INTO psa_owner_hours (owner, hour) VALUES (?, ?)',
  insertRequestId: 'INSERT INTO psa_request_ids (request_id, owner, hour, created_us, cid_bin, name, meta, origins) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  insertCidRef: 'INSERT INTO psa_requests_by_cid (cid_bin, request_id, owner, created_us) VALUES (?, ?, ?, ?)',
  deleteRequest: 'DELETE FROM psa_requests WHERE owner = ? AND hour = ? AND created_us = ? AND request_id = ?',
  deleteRequestId: 'DELETE FROM psa_request_ids WHERE request_id = ?',
  deleteCidRef: 'DELETE FROM psa_requests_by_cid WHERE cid_bin = ? AND request_id = ?',
  selectRequestId: 'SELECT request_id, owner, created_us, cid_bin, name, meta, origins FROM psa_request_ids WHERE request_id = ?',
  selectOwnerHours: 'SELECT hour FROM psa_owner_hours WHERE owner = ? AND hour <= ? AND hour >= ?',
  selectHour: 'SELECT request_id, owner, created_us, cid_bin, name, meta, origins FROM psa_requests WHERE owner = ? AND hour = ? AND created_us < ? AND created_us > ?',
  selectCidRefs: 'SELECT request_id, owner, created_us FROM psa_requests_by_cid WHERE cid_bin = ?',
} as const;

/** Bounds that stand for "open": every created time of this century lies between them. */
const FAR_FUTURE_US = Number.MAX_SAFE_INTEGER;
const FAR_PAST_US = -Number.MAX_SAFE_INTEGER;

function requestFromRow(row: CqlRow): PsaRequest {
  const name = row['name'] as string | null;
  return {
    requestId: row['request_id'] as string,
    owner: row['owner'] as string,
    createdUs: fromLong(row['created_us']),
    cid: cidFromBytes(row['cid_bin'] as Buffer).text,
    name: name ?? undefined,
    meta: (row['meta'] as Record<string, string> | null) ?? {},
    origins: (row['origins'] as string[] | null) ?? [],
  };
}

export function cqlRequestStore(session: CqlSession, pageSize = 500): PsaRequestStore {
  const cidKey = (cid: string): Buffer => Buffer.from(parseCid(cid).bytes);

  async function* pages(query: string, params: readonly unknown[]): AsyncGenerator<CqlRow> {
    let pageState: string | undefined;
    do {
      const page = await session.execute(query, params, { fetchSize: pageSize, pageState });
      yield* page.rows;
      pageState = page.pageState;
    } while (pageState !== undefined);
  }

  return {
    async put(r) {
      const key = cidKey(r.cid);
      const hour = hourOf(r.createdUs);
      const statements: Statement[] = [
        { query: PSA_CQL.insertRequest, params: [r.owner, hour, r.createdUs, r.requestId, key, r.name ?? null, r.meta, r.origins] },
        { query: PSA_CQL.insertOwnerHour, params: [r.owner, hour] },
        { query: PSA_CQL.insertRequestId, params: [r.requestId, r.owner, hour, r.createdUs, key, r.name ?? null, r.meta, r.origins] },
        { query: PSA_CQL.insertCidRef, params: [key, r.requestId, r.owner, r.createdUs] },
      ];
      // Logged: the four rows of a request land together or not at all.
      await session.batchLogged(statements);
    },

    async get(requestId) {
      const row = (await session.execute(PSA_CQL.selectRequestId, [requestId])).rows[0];
      return row === undefined ? undefined : requestFromRow(row);
    },

    async remove(r) {
      await session.batchLogged([
        { query: PSA_CQL.deleteRequest, params: [r.owner, hourOf(r.createdUs), r.createdUs, r.requestId] },
        { query: PSA_CQL.deleteRequestId, params: [r.requestId] },
        { query: PSA_CQL.deleteCidRef, params: [cidKey(r.cid), r.requestId] },
      ]);
    },

    async *scanOwner(owner, range) {
      const before = range.beforeUs ?? FAR_FUTURE_US;
      const after = range.afterUs ?? FAR_PAST_US;
      if (before <= after) return;
      for await (const hourRow of pages(PSA_CQL.selectOwnerHours, [owner, hourOf(before), hourOf(after)])) {
        const hour = fromLong(hourRow['hour']);
        for await (const row of pages(PSA_CQL.selectHour, [owner, hour, before, after])) yield requestFromRow(row);
      }
    },

    async refsOf(cid) {
      const rows = [];
      for await (const row of pages(PSA_CQL.selectCidRefs, [cidKey(cid)])) {
        rows.push({ requestId: row['request_id'] as string, owner: row['owner'] as string, createdUs: fromLong(row['created_us']) });
      }
      return rows;
    },
  };
}
