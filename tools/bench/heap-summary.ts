/**
 * What a V8 heap snapshot holds, as one JSON object: self bytes and counts by node type and
 * constructor, and the property sets of the distinct plain objects held in arrays (statements, Kafka
 * messages, op results: the shapes of the writer's in-flight work).
 *
 *   node --heapsnapshot-signal=SIGUSR2 …writer…; kill -USR2 <pid>    # a Heap.*.heapsnapshot in its cwd
 *   node --import tsx tools/bench/heap-summary.ts Heap.….heapsnapshot > summary.json
 *
 * A snapshot is taken after a full collection, so it holds live objects only.
 */
import { readFileSync } from 'node:fs';

interface Snapshot {
  readonly snapshot: { readonly meta: { readonly node_fields: string[]; readonly node_types: [string[]]; readonly edge_fields: string[]; readonly edge_types: [string[]] } };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: heap-summary.ts FILE.heapsnapshot [N]\n');
  process.exit(2);
}
const top = Number(process.argv[3] ?? 25);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const { meta } = snap.snapshot;
const { nodes, edges, strings } = snap;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const [T, NAME, SELF, EDGES] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number];
const [ET, EN, ETO] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];

const typeOf = (n: number): string => nodeTypes[nodes[n + T]!]!;
const nameOf = (n: number): string => strings[nodes[n + NAME]!]!;

// The first edge of each node (edges are stored in node order).
const firstEdge = new Array<number>(nodes.length / NF);
for (let n = 0, e = 0; n < nodes.length; n += NF) {
  firstEdge[n / NF] = e;
  e += nodes[n + EDGES]! * EF;
}
function* edgesOf(n: number): Generator<{ type: string; name: number; to: number }> {
  const start = firstEdge[n / NF]!;
  for (let k = 0; k < nodes[n + EDGES]!; k++) {
    const e = start + k * EF;
    yield { type: edgeTypes[edges[e + ET]!]!, name: edges[e + EN]!, to: edges[e + ETO]! };
  }
}

const byKind = new Map<string, { bytes: number; count: number }>();
let total = 0;
for (let n = 0; n < nodes.length; n += NF) {
  const type = typeOf(n);
  const key = type === 'object' || type === 'native' ? `${type} ${nameOf(n)}` : type;
  const self = nodes[n + SELF]!;
  total += self;
  const k = byKind.get(key) ?? { bytes: 0, count: 0 };
  k.bytes += self;
  k.count += 1;
  byKind.set(key, k);
}

// Plain objects that are elements of arrays, by their property names; each object counts once,
// however many arrays hold it (a statement is in its chunk and in its request's batch).
const shapes = new Map<string, number>();
const counted = new Set<number>();
for (let n = 0; n < nodes.length; n += NF) {
  if (typeOf(n) !== 'object' || nameOf(n) !== 'Array') continue;
  for (const e of edgesOf(n)) {
    if (e.type !== 'element' || typeOf(e.to) !== 'object' || nameOf(e.to) !== 'Object' || counted.has(e.to)) continue;
    counted.add(e.to);
    const props = [...edgesOf(e.to)].filter((p) => p.type === 'property' && strings[p.name] !== '__proto__').map((p) => strings[p.name]!);
    const key = props.sort().join(',');
    shapes.set(key, (shapes.get(key) ?? 0) + 1);
  }
}

const mb = (bytes: number): number => Math.round(bytes / 1e4) / 100;
process.stdout.write(
  `${JSON.stringify({
    file: file.replace(/^.*\//, ''),
    live_mb: mb(total),
    by_kind: [...byKind].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, top).map(([kind, k]) => ({ kind, mb: mb(k.bytes), count: k.count })),
    array_element_shapes: [...shapes].sort((a, b) => b[1] - a[1]).slice(0, top).map(([props, count]) => ({ props, count })),
  })}\n`,
);
