/** Test helpers: an in-memory ClusterState, fixture paths, reading a source fully. */
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { ClusterState } from '../../../src/adapter/cluster-state.js';
import { unmarshalInto } from '../../../src/adapter/unmarshal.js';
import { formatApiPinLine, type ClusterPin } from '../../../src/cluster/index.js';
import { NotFoundError } from '../../../src/errors.js';
import { readImportSource, type ReadSourceOptions, type SourceRecord } from '../../../src/migrate/source.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

export async function readAllRecords(text: string | Buffer, options: ReadSourceOptions = {}, chunk = 17): Promise<SourceRecord[]> {
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) chunks.push(buf.subarray(i, i + chunk));
  const out: SourceRecord[] = [];
  for await (const r of readImportSource(Readable.from(chunks), options).records) out.push(r);
  return out;
}

export interface MemoryState extends ClusterState {
  readonly pins: Map<string, ClusterPin>;
  writes: number;
}

export function memoryState(initial: readonly ClusterPin[] = []): MemoryState {
  const pins = new Map(initial.map((p) => [p.spec.cid, p]));
  const state: MemoryState = {
    pins,
    writes: 0,
    add(pin) {
      state.writes++;
      pins.set(pin.spec.cid, pin);
      return Promise.resolve();
    },
    rm(cid) {
      state.writes++;
      pins.delete(cid);
      return Promise.resolve();
    },
    get(cid) {
      const p = pins.get(cid);
      return p ? Promise.resolve(p) : Promise.reject(new NotFoundError(cid));
    },
    has: (cid) => Promise.resolve(pins.has(cid)),
    async *list() {
      for (const p of [...pins.values()]) {
        await Promise.resolve();
        yield p;
      }
    },
    marshal(out) {
      for (const p of pins.values()) out.write(formatApiPinLine(p));
      return Promise.resolve(pins.size);
    },
    unmarshal: (input, options) => unmarshalInto(input, (pin) => state.add(pin), options),
    migrate: () => Promise.resolve(),
  };
  return state;
}
