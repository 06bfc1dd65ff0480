import { createHash } from 'node:crypto';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { describe, expect, it } from 'vitest';
import { cidFromBytes, cidTextFromBytes, parseCid } from '../../../src/domain/cid.js';
import { mhPrefixKey, peerBucket } from '../../../src/domain/mh-prefix.js';

describe('cidTextFromBytes', () => {
  it('gives the same text as cidFromBytes for v0 and v1 CIDs of every accepted hash', () => {
    const texts = ['QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6'];
    for (const [code, len] of [[0x12, 32], [0x13, 64], [0x1e, 32], [0xb220, 32]] as const) {
      for (const codec of [0x55, 0x70, 0x71]) {
        const digest = new Uint8Array(createHash('sha512').update(`${code}:${codec}`).digest()).subarray(0, len);
        texts.push(CID.createV1(codec, Digest.create(code, digest)).toString());
      }
    }
    for (const text of texts) {
      const bytes = parseCid(text).bytes;
      expect(cidTextFromBytes(bytes)).toBe(text);
      expect(cidTextFromBytes(bytes)).toBe(cidFromBytes(bytes).text);
      // A view into a larger buffer (the driver's frame with copyBuffer off) reads the same.
      const frame = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes), Buffer.from([7])]);
      expect(cidTextFromBytes(frame.subarray(3, 3 + bytes.length))).toBe(text);
    }
  });

  it('validates what is neither v0 nor v1', () => {
    expect(() => cidTextFromBytes(new Uint8Array([0x02, 0x55, 0x12, 0x20]), 'cid_bin')).toThrow(expect.objectContaining({ code: 'INVALID_CID', field: 'cid_bin' }));
    expect(() => cidTextFromBytes(new Uint8Array([]))).toThrow(expect.objectContaining({ code: 'INVALID_CID' }));
  });
});

describe('parseCid', () => {
  it('parses CIDv0 and gives the canonical base58 text', () => {
    const p = parseCid('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    expect(p.text).toBe('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    expect(p.cid.version).toBe(0);
    expect(cidFromBytes(p.bytes).text).toBe(p.text);
  });

  it('parses CIDv1 in base32 and base36 to canonical base32', async () => {
    const v1 = CID.createV1(0x55, Digest.create(0x12, new Uint8Array(createHash('sha256').update('x').digest())));
    const b32 = v1.toString();
    expect(parseCid(b32).text).toBe(b32);
    expect(b32.startsWith('b')).toBe(true);
    expect(parseCid(v1.toString((await import('multiformats/bases/base36')).base36)).text).toBe(b32);
  });

  it('gives base32 text for a v1 CID written in base58btc, and refuses a v0 CID inside a multibase prefix', async () => {
    const { base58btc } = await import('multiformats/bases/base58');
    const v1 = CID.createV1(0x70, Digest.create(0x12, new Uint8Array(createHash('sha256').update('y').digest())));
    expect(parseCid(v1.toString(base58btc)).text).toBe(v1.toString());
    const v0 = parseCid('QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6');
    // `z` + the v0 text is valid base58btc multibase, but a v0 CID carries no multibase prefix.
    expect(() => parseCid('zQmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6')).toThrow(expect.objectContaining({ code: 'INVALID_CID' }));
    expect(v0.cid.version).toBe(0);
  });

  it('answers a repeated CID from its recent-CID cache without caching failures, and stays right past the cache bound', () => {
    const text = 'QmbrCtydGyPeHiLURSPMqrvE5mCgMCwFYq3UD4XLCeAYw6';
    const first = parseCid(text);
    expect(parseCid(text)).toBe(first);
    expect(() => parseCid('bnotacid', 'a')).toThrow(expect.objectContaining({ code: 'INVALID_CID', field: 'a' }));
    expect(() => parseCid('bnotacid', 'b')).toThrow(expect.objectContaining({ code: 'INVALID_CID', field: 'b' }));
    // More distinct CIDs than both generations hold: the first is parsed again, to the same value.
    const texts: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const d = new Uint8Array(createHash('sha256').update(`bound ${i}`).digest());
      texts.push(CID.createV1(0x55, Digest.create(0x12, d)).toString());
    }
    const parsed = texts.map((t) => parseCid(t));
    const again = parseCid(texts[0]!);
    expect(again).not.toBe(parsed[0]);
    expect(again.text).toBe(texts[0]);
    expect(Buffer.from(again.bytes).equals(Buffer.from(parsed[0]!.bytes))).toBe(true);
    expect(again.mhPrefix).toBe(parsed[0]!.mhPrefix);
    expect(parseCid(texts[9_999]!)).toBe(parsed[9_999]);
  });

  it('rejects garbage, unsupported hashes and empty input with the field named', () => {
    expect(() => parseCid('nope', 'spec.cid')).toThrow(expect.objectContaining({ code: 'INVALID_CID', field: 'spec.cid' }));
    expect(() => parseCid('')).toThrow(expect.objectContaining({ code: 'INVALID_CID' }));
    const identity = CID.createV1(0x55, Digest.create(0x00, new Uint8Array([1, 2, 3])));
    expect(() => parseCid(identity.toString())).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_HASH' }));
  });
});

describe('mh_prefix', () => {
  it('is the first two bytes of the digest, not of the multihash header', () => {
    const digest = new Uint8Array(32);
    digest[0] = 0xab;
    digest[1] = 0xcd;
    const cid = CID.createV1(0x55, Digest.create(0x12, digest));
    // The multihash starts 0x12 0x20 for every sha2-256 CID; using it would give 0x1220 for all.
    expect(cid.multihash.bytes[0]).toBe(0x12);
    expect(parseCid(cid.toString()).mhPrefix).toBe(0xabcd);
    expect(mhPrefixKey(0xabcd)).toBe('abcd');
    expect(mhPrefixKey(5)).toBe('0005');
  });

  it('spreads real CIDs over the whole range', () => {
    const prefixes = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const d = new Uint8Array(createHash('sha256').update(String(i)).digest());
      prefixes.add(parseCid(CID.createV1(0x55, Digest.create(0x12, d)).toString()).mhPrefix);
    }
    expect(prefixes.size).toBeGreaterThan(1900);
  });

  it('peer buckets take the top B bits', () => {
    expect(peerBucket(0xffff, 15)).toBe(0x7fff);
    expect(peerBucket(0x8000, 1)).toBe(1);
    expect(peerBucket(0x1234, 16)).toBe(0x1234);
    expect(peerBucket(0x1234, 0)).toBe(0);
  });
});
