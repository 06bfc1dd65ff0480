/**
 * The op_dedup digest: what "the same op" means when an op_id comes back. A redelivery (same
 * op_id, same digest) is a duplicate; the same op_id with a different digest is OP_ID_CONFLICT
 * and is dead-lettered. So the digest must not change when the code around it does.
 *
 * It is a versioned canonical digest over an explicit field list, never the JSON of the decoded
 * object: a field added to a schema (which Avro evolution allows, with a default) is not in an
 * existing version's list, so the digest of every existing op stays the same across the deploy.
 * The stored digest names its version (`v1:<hex>`); matching recomputes the digest under the
 * stored version, so a row written by an older release still matches its op after an upgrade
 * that introduced a newer version. Rows without a prefix come from before versioning (the JSON of
 * the body) and are matched that way until their TTL ends.
 *
 * Adding a field that changes an op's meaning: add a version with the longer list, make it
 * current, and keep every older version here (rows of them live as long as op_dedup's TTL).
 */
import { hash } from 'node:crypto';
import type { StoreOpBody as OpBody } from './records.js';

/** One value of the canonical encoding (JSON-safe, key order irrelevant: lists only). */
type Canon = string | number | boolean | null | readonly Canon[];

/** A digest version: the fields of each op kind it covers, in order, as canonical values. */
export type DigestFields = (body: OpBody) => readonly Canon[];

const str = (v: string | null | undefined): Canon => v ?? null;
const num = (v: number | null | undefined): Canon => v ?? null;
const sortedPairs = (m: Readonly<Record<string, string>>): Canon => Object.keys(m).sort().map((k) => [k, m[k]!]);

/** Version 1: every field of the released schemas that makes an op what it is. */
const V1: DigestFields = (b) => {
  switch (b.kind) {
    case 'UpsertPin': {
      const s = b.spec;
      return [
        b.kind,
        s.cid,
        s.owner,
        s.pinType,
        s.maxDepth,
        s.replicationFactorMin,
        s.replicationFactorMax,
        s.name,
        [...s.tags],
        sortedPairs(s.metadata),
        num(s.expireAt),
        s.shardSize,
        str(s.reference),
        str(s.pinUpdate),
        [...s.origins],
        num(s.timestamp),
      ];
    }
    case 'DeletePin':
      return [b.kind, b.cid, num(b.expiredAt)];
    case 'SetDesiredPlacement':
      // A desired set: its order carries no meaning.
      return [b.kind, b.cid, [...b.peers].sort()];
    case 'AckPlacement':
      return [b.kind, b.cid, b.peer, b.state, str(b.error)];
  }
};

/** Before versioning: the JSON of the decoded body (unprefixed in op_dedup). */
const legacy = (body: OpBody): string => hash('sha256', JSON.stringify(body), 'hex').slice(0, 32);

export interface OpDigester {
  /** The digest op_dedup stores for a new op: the current version's, prefixed with it. */
  digest(body: OpBody): string;
  /** True when `stored` (any known version) is the digest of `body`. Unknown versions never match. */
  matches(stored: string, body: OpBody): boolean;
}

/** A digester over a version table; `current` is the version new rows get. */
export function createDigester(versions: Readonly<Record<number, DigestFields>>, current: number): OpDigester {
  const fieldsOf = versions[current];
  if (fieldsOf === undefined) throw new Error(`digest version ${current} is not in the table`);
  const under = (v: number, fields: DigestFields, body: OpBody): string => `v${v}:${hash('sha256', JSON.stringify(fields(body)), 'hex').slice(0, 32)}`;
  return {
    digest: (body) => under(current, fieldsOf, body),
    matches(stored, body) {
      const m = /^v(\d+):/.exec(stored);
      if (m === null) return stored === legacy(body);
      const v = Number(m[1]);
      const fields = versions[v];
      return fields !== undefined && stored === under(v, fields, body);
    },
  };
}

/** Every digest version this release knows. Keep old ones: their rows live for op_dedup's TTL. */
export const DIGEST_VERSIONS: Readonly<Record<number, DigestFields>> = { 1: V1 };
export const CURRENT_DIGEST_VERSION = 1;

export const opDigest: OpDigester = createDigester(DIGEST_VERSIONS, CURRENT_DIGEST_VERSION);
