/**
 * `GET /pins`: the filters (cid, name with a match strategy, status, before/after, meta) applied
 * to one owner's requests, newest first; `count` is every match, `results` the first `limit`.
 * Cheap filters run first; the status needs the pin's placements, read a chunk of CIDs at a time.
 * The scan is bounded by `pinning.max_scan` rows: a broader listing is refused, never truncated.
 */
import type { MatchStrategy, PsaStatus } from './schemas.js';
import { PsaError } from './failure.js';
import type { CreatedRange, PsaRequest, PsaRequestStore } from './requests.js';
import type { PsaStatusView } from './status.js';

export interface PsaListQuery extends CreatedRange {
  /** Canonical CIDs, 1–10; absent = every CID. */
  readonly cids?: readonly string[] | undefined;
  readonly name?: string | undefined;
  readonly match: MatchStrategy;
  /** Never empty: absent in the query means ["pinned"], as the spec says. */
  readonly statuses: readonly PsaStatus[];
  readonly meta?: Readonly<Record<string, string>> | undefined;
  readonly limit: number;
}

export interface Listed {
  readonly request: PsaRequest;
  readonly view: PsaStatusView;
}

export interface ListResult {
  readonly count: number;
  readonly results: readonly Listed[];
}

/** The name filter. Case-insensitive strategies compare lower-cased text (Unicode default case folding is not applied). */
export function nameMatches(name: string | undefined, wanted: string, match: MatchStrategy): boolean {
  const have = name ?? '';
  switch (match) {
    case 'exact':
      return have === wanted;
    case 'iexact':
      return have.toLowerCase() === wanted.toLowerCase();
    case 'partial':
      return have.includes(wanted);
    case 'ipartial':
      return have.toLowerCase().includes(wanted.toLowerCase());
  }
}

/** Every key of the filter present with the same value (the spec's AND rule). */
export function metaMatches(meta: Readonly<Record<string, string>>, wanted: Readonly<Record<string, string>>): boolean {
  return Object.entries(wanted).every(([k, v]) => Object.hasOwn(meta, k) && meta[k] === v);
}

function inRange(createdUs: number, range: CreatedRange): boolean {
  return (range.beforeUs === undefined || createdUs < range.beforeUs) && (range.afterUs === undefined || createdUs > range.afterUs);
}

/** Newest first; equal times (other processes' clocks) ordered by requestid so pages never reorder. */
export function newestFirst(a: PsaRequest, b: PsaRequest): number {
  return b.createdUs - a.createdUs || (a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0);
}

export interface ListDeps {
  readonly requests: PsaRequestStore;
  /** Status views of these CIDs (each read once per chunk). */
  readonly viewsOf: (cids: readonly string[]) => Promise<ReadonlyMap<string, PsaStatusView>>;
  readonly maxScan: number;
  /** Requests whose status is resolved together. */
  readonly chunk?: number;
}

async function* candidates(owner: string, query: PsaListQuery, requests: PsaRequestStore): AsyncGenerator<PsaRequest> {
  if (query.cids === undefined) {
    yield* requests.scanOwner(owner, query);
    return;
  }
  const found: PsaRequest[] = [];
  for (const cid of new Set(query.cids)) {
    for (const ref of await requests.refsOf(cid)) {
      if (ref.owner !== owner || !inRange(ref.createdUs, query)) continue;
      const request = await requests.get(ref.requestId);
      if (request !== undefined) found.push(request);
    }
  }
  yield* found.sort(newestFirst);
}

export async function listRequests(owner: string, query: PsaListQuery, deps: ListDeps): Promise<ListResult> {
  const chunkSize = deps.chunk ?? 64;
  const wanted = new Set(query.statuses);
  const results: Listed[] = [];
  let count = 0;
  let scanned = 0;
  let pending: PsaRequest[] = [];

  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const views = await deps.viewsOf([...new Set(pending.map((r) => r.cid))]);
    for (const request of pending) {
      const view = views.get(request.cid);
      if (view === undefined || !wanted.has(view.status)) continue;
      count += 1;
      if (results.length < query.limit) results.push({ request, view });
    }
    pending = [];
  };

  for await (const request of candidates(owner, query, deps.requests)) {
    scanned += 1;
    if (scanned > deps.maxScan) {
      throw new PsaError(422, 'LIST_TOO_BROAD', `this listing reads more than ${deps.maxScan} requests (pinning.max_scan); narrow it with cid, before/after or name`);
    }
    if (query.name !== undefined && !nameMatches(request.name, query.name, query.match)) continue;
    if (query.meta !== undefined && !metaMatches(request.meta, query.meta)) continue;
    pending.push(request);
    if (pending.length >= chunkSize) await flush();
  }
  await flush();
  return { count, results };
}
