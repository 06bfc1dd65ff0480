// docs/schemas.md must stay true to the schemas and the codec: the fingerprint table, the
// example hex dump, a row for every field, the enum symbols.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeAck } from '../../../src/codec/ack-codec.js';
import { loadReleasedSchemas, releasedRegistry } from '../../../src/codec/released-schemas.js';

const docs = readFileSync(new URL('../../../docs/schemas.md', import.meta.url), 'utf8');
const lines = docs.split('\n');

describe('docs/schemas.md', () => {
  it('lists every family with its released files and fingerprints', () => {
    for (const family of releasedRegistry.families) {
      const row = lines.find((l) => l.includes(`| \`${family.name}\` |`));
      expect(row, family.name).toBeDefined();
      for (const version of family.writers) expect(row).toContain(`\`${version.label}\``);
      expect(row).toContain(`\`${family.reader.fingerprintHex}\``);
      expect(row).toContain(`\`0x${family.reader.fingerprint.toString(16).padStart(16, '0')}\``);
    }
  });

  it('shows the real bytes of the example PlacementAck', () => {
    const dump = lines
      .filter((l) => /^[0-9a-f]{8}: /.test(l))
      .map((l) => l.slice(10, 58).replace(/ /g, ''))
      .join('');
    const bytes = encodeAck({
      opId: '0190a6f2-8c1e-7b2a',
      ts: 1_718_000_000_123,
      cid: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG',
      peer: '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf',
      state: 'pinned',
      error: null,
    });
    expect(dump).toBe(bytes.toString('hex'));
    expect(docs).toContain(`${bytes.length} bytes`);
  });

  it('has a row for every field of every released schema, and the enum symbols', () => {
    const text = JSON.stringify(loadReleasedSchemas().map((s) => s.schema));
    const fields = [...text.matchAll(/"name":"([a-z_]+)","type"/g)];
    expect(fields.length).toBeGreaterThan(40);
    for (const [, name] of fields) expect(lines.some((l) => l.startsWith(`| \`${name}\` |`)), name).toBe(true);
    const enums = [...text.matchAll(/"name":"(\w+)","doc":"[^"]*","symbols":(\[[^\]]*\])/g)];
    expect(new Set(enums.map((m) => m[1])).size).toBe(4);
    for (const [, name, symbols] of enums) {
      const row = lines.find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, name).toBe(`| \`${name}\` | ${(JSON.parse(symbols!) as string[]).map((s) => `\`${s}\``).join(', ')} |`);
    }
  });
});
