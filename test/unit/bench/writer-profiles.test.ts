/**
 * The writer profiles docs/profiles/writer.md quotes (CID parsing before and after the
 * recent-CID cache): the shares are recomputed from the kept .cpuprofile.gz files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Node {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string };
  readonly children?: number[];
}
interface Profile {
  readonly nodes: Node[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

/**
 * Busy ms (all samples but idle), inclusive ms of `fn` (outermost frames only; a function name, or
 * `{ url }` for every frame of files matching it), self ms of files matching `url`.
 */
function figures(file: string, fn: string | { readonly url: string }, url: string): { busy: number; inclusive: number; selfOf: number } {
  const p = JSON.parse(gunzipSync(readFileSync(join(ROOT, file))).toString('utf8')) as Profile;
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const sum = (id: number): number => (self.get(id) ?? 0) + (byId.get(id)!.children ?? []).reduce((a, c) => a + sum(c), 0);
  let total = 0;
  let idle = 0;
  let selfOf = 0;
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    total += t;
    if (n.callFrame.functionName === '(idle)') idle += t;
    if (n.callFrame.url.includes(url)) selfOf += t;
  }
  let inclusive = 0;
  const walk = (id: number, inside: boolean): void => {
    const n = byId.get(id)!;
    const hit = !inside && (typeof fn === 'string' ? n.callFrame.functionName === fn : n.callFrame.url.includes(fn.url));
    if (hit) inclusive += sum(id);
    for (const c of n.children ?? []) walk(c, inside || hit);
  };
  walk(p.nodes[0]!.id, false);
  const ms = (us: number): number => Math.round(us / 1000);
  return { busy: ms(total - idle), inclusive: ms(inclusive), selfOf: ms(selfOf) };
}

describe('writer profiles of 2026-12-07', () => {
  it('parseCid: 6.4 % of busy before the cache, 1.1 % after; multiformats self 3,040 → 277 ms', () => {
    const before = figures('docs/profiles/writer-2026-12-07-before-cid-cache.cpuprofile.gz', 'parseCid', 'node_modules/multiformats/');
    const after = figures('docs/profiles/writer-2026-12-07-after.cpuprofile.gz', 'parseCid', 'node_modules/multiformats/');
    expect([before.inclusive, before.busy]).toEqual([3073, 48067]);
    expect([after.inclusive, after.busy]).toEqual([449, 40116]);
    expect(Math.round((before.inclusive / before.busy) * 1000) / 10).toBe(6.4);
    expect(Math.round((after.inclusive / after.busy) * 1000) / 10).toBe(1.1);
    expect([before.selfOf, after.selfOf]).toEqual([3040, 277]);
  });
});

describe('writer profiles before and after the key partitioner (2026-12-07)', () => {
  const before = (fn: string | { readonly url: string }, url: string) => figures('docs/profiles/writer-2026-12-07-before-key-partitioner.cpuprofile.gz', fn, url);
  const after = (fn: string | { readonly url: string }, url: string) => figures('docs/profiles/writer-2026-12-07-key-partitioner.cpuprofile.gz', fn, url);
  const share = (f: { inclusive: number; busy: number }): number => Math.round((f.inclusive / f.busy) * 1000) / 10;

  it('choosing output partitions: 1,327 of 26,562 busy ms (5.0 %) with kafkajs\'s partitioner, 183 of 24,817 (0.7 %) with pinstate\'s', () => {
    const b = before({ url: 'kafkajs/src/producer/partitioners/' }, 'node_modules/kafkajs/');
    const a = after({ url: 'src/kafka/partitioner.' }, 'node_modules/kafkajs/');
    expect([b.inclusive, b.busy, a.inclusive, a.busy]).toEqual([1327, 26562, 183, 24817]);
    expect([share(b), share(a)]).toEqual([5, 0.7]);
    // kafkajs's own self time, which the partitioner and its 64-bit arithmetic were part of.
    expect([b.selfOf, a.selfOf]).toEqual([4628, 3712]);
  });

  it('ownership checks 235 → 18 ms, the prefix\'s partition 305 → 47 ms', () => {
    expect([before('owns', 'kafka-group').inclusive, after('owns', 'kafka-group').inclusive]).toEqual([235, 18]);
    expect([before('partitionForKey', 'src/domain/partition').inclusive, after('prefixPartition', 'src/domain/partition').inclusive]).toEqual([305, 47]);
  });
});
