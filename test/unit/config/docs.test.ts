// docs/configuration.md and config/pinstate.example.json must stay true to the code: every key
// documented and in the example, documented defaults equal to the real ones, the Env column
// equal to what loadConfig reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig, ENV_VARIABLES, loadConfig } from '../../../src/config/load.js';
import { configFileSchema, validateConfig } from '../../../src/config/schema.js';

const root = new URL('../../../', import.meta.url);
const docs = readFileSync(new URL('docs/configuration.md', root), 'utf8');
const exampleFile = new URL('config/pinstate.example.json', root).pathname;
const example: unknown = JSON.parse(readFileSync(exampleFile, 'utf8'));

interface Row {
  readonly key: string;
  readonly defaultCell: string;
  readonly envCell: string;
}

/** Rows of the key tables: `| \`key\` | type | default | env | meaning |`. */
const rows: Row[] = docs
  .split('\n')
  .filter((line) => line.startsWith('| `'))
  .map((line) => {
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, '').trim());
    return { key: unquote(cells[0]!), defaultCell: cells[2]!, envCell: cells[3]! };
  });

function unquote(cell: string): string {
  return cell.replace(/^`|`$/g, '');
}

/** Leaf keys of a file-format object; `scylladb.replication` is one value, not a block. */
function leafKeys(value: unknown, prefix = ''): string[] {
  const isBlock = typeof value === 'object' && value !== null && !Array.isArray(value) && prefix !== 'scylladb.replication';
  if (!isBlock) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => leafKeys(v, prefix === '' ? k : `${prefix}.${k}`));
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

describe('config/pinstate.example.json', () => {
  it('loads', () => {
    const config = loadConfig({ env: {}, file: exampleFile });
    expect(config.scylla.replication).toEqual({ class: 'NetworkTopologyStrategy', dataCenters: { dc1: 3, dc2: 1 } });
    expect(config.kafka.sasl?.mechanism).toBe('scram-sha-512');
  });

  it('holds every key the format has', () => {
    const everyKey = new Set(rows.map((r) => r.key).filter((k) => k !== 'kafka.sasl'));
    expect(new Set(leafKeys(example))).toEqual(everyKey);
    // and every key that has a default is a documented key
    for (const key of leafKeys(configFileSchema.parse({}))) expect(everyKey).toContain(key);
  });

  it('is the example printed in docs/configuration.md', () => {
    const blocks = [...docs.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const last = blocks[blocks.length - 1]!;
    expect(JSON.parse(last)).toEqual(example);
  });
});

describe('docs/configuration.md', () => {
  it('documents each key once', () => {
    const keys = rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBeGreaterThan(60);
  });

  it('states the real defaults', () => {
    const raw: Record<string, unknown> = {};
    for (const row of rows) {
      // The mechanism's default applies only once SASL is on; SASL itself defaults to none.
      if (row.defaultCell === 'none' || row.key.startsWith('kafka.sasl.')) continue;
      setPath(raw, row.key, JSON.parse(unquote(row.defaultCell)));
    }
    const result = validateConfig(raw);
    expect(result.ok ? [] : result.issues).toEqual([]);
    if (result.ok) expect(result.config).toEqual(defaultConfig());
  });

  it('names the environment variable of each key', () => {
    const documented = rows.filter((r) => r.envCell !== '—').map((r) => [r.key, unquote(r.envCell)]);
    const actual = ENV_VARIABLES.map((v) => [v.path.join('.'), v.name]);
    expect(documented.sort()).toEqual(actual.sort());
  });
});
