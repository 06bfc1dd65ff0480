import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src/config/schema.js';

function issues(agent: Record<string, unknown>): string[] {
  const r = validateConfig({ agent });
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('agent config block', () => {
  it('compiles durations, tags and overrides', () => {
    const r = validateConfig({ agent: { ipfs_api: 'http://127.0.0.1:5002', pin_timeout: '30s', tags: ['region=eu-west', 'rack=r1=a'], peer_id: '' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.agent).toMatchObject({ ipfsApi: 'http://127.0.0.1:5002', pinTimeoutMs: 30_000, peerId: undefined, tags: { region: 'eu-west', rack: 'r1=a' } });
  });

  it('names the key of a bad value', () => {
    expect(issues({ ipfs_api: 'ftp://x' })[0]).toMatch(/^agent\.ipfs_api: expected an http/);
    expect(issues({ concurrent_pins: 0 })[0]).toMatch(/^agent\.concurrent_pins: expected an integer from 1 to 1024/);
    expect(issues({ tags: ['noequals'] })[0]).toMatch(/^agent\.tags\[0\]: expected "key=value"/);
    expect(issues({ retry_backoff_min: '10s', retry_backoff_max: '1s' })[0]).toMatch(/^agent\.retry_backoff_min: must not exceed agent\.retry_backoff_max/);
    expect(issues({ pin_name: 'a:b' })[0]).toMatch(/^agent\.pin_name:/);
    expect(issues({ bogus: 1 })[0]).toBe('agent.bogus: unknown key');
  });
});
