/**
 * The query string of `GET /pins` → a validated PsaListQuery. Lists arrive comma-separated
 * (`?status=queued,pinning`, the spec's form/explode=false style) or repeated; both are accepted.
 * Unknown parameters are refused, so a typo never silently widens a listing. Pure.
 */
import { parseCid } from '../../domain/cid.js';
import { isPinstateError } from '../../errors.js';
import { parseCreated } from './created-time.js';
import { PsaError } from './failure.js';
import type { PsaListQuery } from './list.js';
import { MATCH_STRATEGIES, PinMetaSchema, PSA_LIMITS, PSA_STATUSES, type MatchStrategy, type PsaStatus } from './schemas.js';

export const LIST_PARAMETERS = ['cid', 'name', 'match', 'status', 'before', 'after', 'limit', 'meta'] as const;

const bad = (details: string): PsaError => new PsaError(400, 'BAD_REQUEST', details);

function list(values: readonly string[] | undefined): string[] | undefined {
  return values === undefined ? undefined : values.flatMap((v) => v.split(','));
}

function single(values: readonly string[] | undefined, key: string): string | undefined {
  if (values === undefined) return undefined;
  if (values.length > 1) throw bad(`${key}: given more than once`);
  return values[0];
}

function time(values: readonly string[] | undefined, key: string): number | undefined {
  const text = single(values, key);
  if (text === undefined) return undefined;
  const us = parseCreated(text);
  if (us === undefined) throw bad(`${key}: expected an RFC 3339 date-time such as "2020-07-27T17:32:28.276Z", got ${JSON.stringify(text)}`);
  return us;
}

/** `queries` is every value of every parameter (hono's `c.req.queries()`). */
export function parseListQuery(queries: Readonly<Record<string, readonly string[]>>): PsaListQuery {
  for (const key of Object.keys(queries)) {
    if (!(LIST_PARAMETERS as readonly string[]).includes(key)) throw bad(`${key}: unknown query parameter; allowed: ${LIST_PARAMETERS.join(', ')}`);
  }

  const cidTexts = list(queries['cid']);
  let cids: string[] | undefined;
  if (cidTexts !== undefined) {
    if (cidTexts.length < 1 || cidTexts.length > PSA_LIMITS.cidFilter) throw bad(`cid: expected 1 to ${PSA_LIMITS.cidFilter} CIDs, got ${cidTexts.length}`);
    cids = cidTexts.map((text) => {
      try {
        return parseCid(text, 'cid').text;
      } catch (err: unknown) {
        if (isPinstateError(err)) throw bad(err.message);
        throw err;
      }
    });
  }

  const name = single(queries['name'], 'name');
  if (name !== undefined && name.length > PSA_LIMITS.nameChars) throw bad(`name: longer than ${PSA_LIMITS.nameChars} characters`);

  const matchText = single(queries['match'], 'match') ?? 'exact';
  if (!(MATCH_STRATEGIES as readonly string[]).includes(matchText)) throw bad(`match: expected one of ${MATCH_STRATEGIES.join(', ')}, got ${JSON.stringify(matchText)}`);

  const statusTexts = list(queries['status']) ?? ['pinned'];
  for (const s of statusTexts) {
    if (!(PSA_STATUSES as readonly string[]).includes(s)) throw bad(`status: expected one or more of ${PSA_STATUSES.join(', ')}, got ${JSON.stringify(s)}`);
  }

  const limitText = single(queries['limit'], 'limit');
  let limit: number = PSA_LIMITS.limitDefault;
  if (limitText !== undefined) {
    if (!/^\d{1,7}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > PSA_LIMITS.limitMax) {
      throw bad(`limit: expected an integer from 1 to ${PSA_LIMITS.limitMax}, got ${JSON.stringify(limitText)}`);
    }
    limit = Number(limitText);
  }

  const metaText = single(queries['meta'], 'meta');
  let meta: Record<string, string> | undefined;
  if (metaText !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(metaText);
    } catch {
      throw bad('meta: expected a JSON object of strings, such as {"app_id":"…"}');
    }
    const parsed = PinMetaSchema.safeParse(value);
    if (!parsed.success) throw bad(`meta: ${parsed.error.issues[0]?.message ?? 'expected a JSON object of strings'}`);
    meta = parsed.data;
  }

  return {
    cids,
    name,
    match: matchText as MatchStrategy,
    statuses: [...new Set(statusTexts as PsaStatus[])],
    beforeUs: time(queries['before'], 'before'),
    afterUs: time(queries['after'], 'after'),
    limit,
    meta,
  };
}
