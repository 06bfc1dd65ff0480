import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validatePinSpec } from '../../../src/domain/pin.js';
import { createDigester, DIGEST_VERSIONS, opDigest, type DigestFields } from '../../../src/store/op-digest.js';
import type { StoreOpBody } from '../../../src/store/records.js';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const PEER_A = '12D3KooWGRUVh2ZJ7QHnAh2dDbdLtXfGUjSvLZqGZ7A3GxR4DwzB';
const PEER_B = '12D3KooWAbCuHn7sQ4n9x3gC5kK1uXr8D1yQeQzX7o2dE5ZmPJQr';

const upsert: StoreOpBody = {
  kind: 'UpsertPin',
  spec: validatePinSpec({ cid: CID, name: 'photos', tags: ['b', 'a'], metadata: { team: 'x', app: 'y' }, replicationFactorMin: 2, replicationFactorMax: 3, expireAt: 1_900_000_000_000 }),
};
const del: StoreOpBody = { kind: 'DeletePin', cid: CID, expiredAt: null };
const place: StoreOpBody = { kind: 'SetDesiredPlacement', cid: CID, peers: [PEER_A, PEER_B] };
const ack: StoreOpBody = { kind: 'AckPlacement', cid: CID, peer: PEER_A, state: 'pinned', error: null };

/** A body as a newer schema would decode it: one more field, with its default. */
function withNewSpecField(body: Extract<StoreOpBody, { kind: 'UpsertPin' }>, priority: number): StoreOpBody {
  return { ...body, spec: { ...body.spec, priority } as typeof body.spec };
}

describe('op_dedup digest', () => {
  it('pins the digests of fixed example ops (a change here breaks dedup of every stored op: add a version instead)', () => {
    expect(Object.fromEntries([upsert, del, place, ack].map((b) => [b.kind, opDigest.digest(b)]))).toEqual({
      UpsertPin: 'v1:698f3523d7076b327ab5463eb6d18af4',
      DeletePin: 'v1:d7c54aa5616a325afc7eb7207e353f59',
      SetDesiredPlacement: 'v1:d49e936a0589abe1cbaeef8b74911152',
      AckPlacement: 'v1:f6af8d6e377c9c7cc7e27cc3d2566235',
    });
  });

  it('is canonical: key order of the decoded object, metadata order and desired-set order do not count', () => {
    const s = (upsert).spec;
    const reordered: StoreOpBody = { spec: Object.fromEntries(Object.entries({ ...s, metadata: { app: 'y', team: 'x' } }).reverse()) as unknown as typeof s, kind: 'UpsertPin' };
    expect(opDigest.digest(reordered)).toBe(opDigest.digest(upsert));
    expect(opDigest.digest({ ...place, peers: [PEER_B, PEER_A] })).toBe(opDigest.digest(place));
  });

  it('every listed field counts', () => {
    const s = (upsert).spec;
    const variants: StoreOpBody[] = [
      { kind: 'UpsertPin', spec: { ...s, name: 'other' } },
      { kind: 'UpsertPin', spec: { ...s, tags: [...s.tags, 'c'] } },
      { kind: 'UpsertPin', spec: { ...s, metadata: { team: 'x' } } },
      { kind: 'UpsertPin', spec: { ...s, replicationFactorMax: 4 } },
      { kind: 'UpsertPin', spec: { ...s, expireAt: null } },
      { kind: 'DeletePin', cid: CID, expiredAt: 5 },
      { kind: 'SetDesiredPlacement', cid: CID, peers: [PEER_A] },
      { kind: 'AckPlacement', cid: CID, peer: PEER_A, state: 'pin_error', error: 'boom' },
    ];
    const all = new Set([upsert, del, place, ack, ...variants].map((b) => opDigest.digest(b)));
    expect(all.size).toBe(4 + variants.length);
  });

  it('a field added by a schema upgrade does not change an existing version: a redelivery across the deploy is still a duplicate', () => {
    const up = upsert;
    expect(opDigest.digest(withNewSpecField(up, 0))).toBe(opDigest.digest(upsert));
  });

  it('after an upgrade to a new version, a row stored under the old version still matches its op', () => {
    const up = upsert;
    // The next release: version 2 covers the new field too and is current; version 1 is kept.
    const v2: DigestFields = (b) => [...DIGEST_VERSIONS[1]!(b), b.kind === 'UpsertPin' ? ((b.spec as { priority?: number }).priority ?? 0) : null];
    const upgraded = createDigester({ ...DIGEST_VERSIONS, 2: v2 }, 2);

    const storedByOldRelease = opDigest.digest(upsert);
    const redelivered = withNewSpecField(up, 0);
    expect(upgraded.digest(redelivered)).toMatch(/^v2:/);
    expect(upgraded.matches(storedByOldRelease, redelivered)).toBe(true);
    expect(upgraded.matches(upgraded.digest(redelivered), redelivered)).toBe(true);
    // A different op under the same op_id is still a conflict, whatever the version.
    expect(upgraded.matches(storedByOldRelease, { ...up, spec: { ...up.spec, name: 'other' } })).toBe(false);
    expect(upgraded.matches(upgraded.digest(redelivered), withNewSpecField(up, 7))).toBe(false);
  });

  it('rows from before versioning (JSON of the body, no prefix) still match; unknown versions never do', () => {
    const legacy = hash('sha256', JSON.stringify(ack), 'hex').slice(0, 32);
    expect(opDigest.matches(legacy, ack)).toBe(true);
    expect(opDigest.matches(legacy, { ...ack, state: 'pinning' })).toBe(false);
    expect(opDigest.matches(opDigest.digest(ack).replace(/^v1:/, 'v9:'), ack)).toBe(false);
  });

  it('a digester whose current version is not in its table is refused', () => {
    expect(() => createDigester(DIGEST_VERSIONS, 3)).toThrow(/version 3/);
  });
});
