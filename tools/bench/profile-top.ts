/**
 * Top frames of a V8 CPU profile (`node --cpu-prof`, as `pinstate bench --profile-writer` writes):
 * `node --import tsx tools/bench/profile-top.ts FILE.cpuprofile [N]`. Prints self time by function
 * and by package/file, and inclusive time of the writer's own stages.
 */
import { readFileSync } from 'node:fs';

interface Frame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: Frame;
  readonly children?: number[];
}
interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: profile-top.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 30);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

function where(f: Frame): string {
  const url = f.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg !== undefined) return pkg;
  if (url === '') return f.functionName.startsWith('(') ? f.functionName : 'native';
  if (url.startsWith('node:')) return 'node';
  return url.replace(/^.*\/(src|consumers|producers)\//, '$1/');
}

function add(map: Map<string, number>, key: string, v: number): void {
  map.set(key, (map.get(key) ?? 0) + v);
}

const fnSelf = new Map<string, number>();
const pkgSelf = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  const f = n.callFrame;
  add(fnSelf, `${f.functionName || '(anonymous)'}  ${where(f)}:${f.lineNumber + 1}`, us);
  add(pkgSelf, where(f), us);
  // Inclusive time per named project function (each counted once per sample stack).
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const cf = byId.get(cur)!.callFrame;
    const w = where(cf);
    if (!/^(src|consumers|producers)\//.test(w)) continue;
    const key = `${cf.functionName || '(anonymous)'}  ${w}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add(inclusive, key, us);
  }
}

const pct = (us: number): string => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
const print = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`\n${title}\n`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pct(us)}  ${(us / 1000).toFixed(0).padStart(8)} ms  ${k}\n`);
};
process.stdout.write(`profile: ${file}\ntotal sampled: ${(total / 1000).toFixed(0)} ms\n`);
print('self time by package / file', pkgSelf);
print('self time by function', fnSelf);
print('inclusive time, project functions', inclusive);
