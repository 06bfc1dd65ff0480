/** `pinstate bench` options: commander's strings → a checked, fully-filled object. Pure. */
import { ValidationError } from '../errors.js';
import { parseInteger } from '../config/integer.js';
import { CEILING_SHAPES, type CeilingShape } from './ceiling.js';
import { PEER_KINDS, type PeerKind } from './ipfs-cluster.js';

export interface BenchOptions {
  /** Pins in the workload (each = UpsertPin + SetDesiredPlacement). Default 100,000. */
  readonly pins: number;
  /** Pins the naive consumer drains (its backlog is the first this many). Default: all. */
  readonly naivePins: number;
  /** Print one JSON object as the last line instead of a table. */
  readonly json: boolean;
  /** Keep keyspaces, topics and groups afterwards. */
  readonly keep: boolean;
  /** Seed of the workload's CIDs, peers and op ids. */
  readonly seed: string;
  readonly latencySeconds: number;
  /** Seconds of the latency mode's load offered before measuring (its ops are logged apart). */
  readonly latencyWarmupSeconds: number;
  /** Offered rate of the latency mode; default half the measured pipeline rate. */
  readonly offeredPinsPerSecond: number | undefined;
  /** `get` calls timed. */
  readonly gets: number;
  /** Fixed ceiling shape / concurrency (skips that part of the sweep). */
  readonly ceilingShape: CeilingShape | undefined;
  readonly ceilingConcurrency: number | undefined;
  /** Write a V8 CPU profile of the writer under .local/bench/. */
  readonly profileWriter: boolean;
  /** Run the writer from TypeScript sources even when dist/ exists. */
  readonly fromSource: boolean;
  /** Config-file-format JSON applied over the loaded config for every mode (tuning runs). */
  readonly overrides: Record<string, unknown>;
  /** Skip `pinstate export` (its child process) in the read modes. */
  readonly skipExport: boolean;
  /** Run the writer with `--http` to read its histograms (apply/publish/commit seconds). */
  readonly writerMetrics: boolean;
  /** Extra Node options for the writer process. */
  readonly writerNodeOptions: readonly string[];
  /** A real peer to ingest the same pins into, side by side (`--peer ipfs-cluster`). */
  readonly peer: PeerKind | undefined;
}

/** What commander hands the action. */
export interface RawBenchOptions {
  pins?: string;
  naivePins?: string;
  json?: boolean;
  keep?: boolean;
  seed?: string;
  latencySeconds?: string;
  latencyWarmupSeconds?: string;
  offered?: string;
  gets?: string;
  ceilingShape?: string;
  ceilingConcurrency?: string;
  profileWriter?: boolean;
  fromSource?: boolean;
  override?: string;
  export?: boolean;
  writerMetrics?: boolean;
  writerNodeOptions?: string;
  peer?: string;
}

function parseOverrides(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('INVALID_FIELD', '--override', 'expected a JSON object in the config file format, e.g. {"writer":{"max_batch_ops":2000}}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError('INVALID_FIELD', '--override', 'expected a JSON object');
  return value as Record<string, unknown>;
}

export function parseBenchOptions(raw: RawBenchOptions): BenchOptions {
  const pins = parseInteger(raw.pins, '--pins', 1) ?? 100_000;
  const naivePins = parseInteger(raw.naivePins, '--naive-pins', 1) ?? pins;
  if (naivePins > pins) throw new ValidationError('INVALID_FIELD', '--naive-pins', `must not exceed --pins (${pins})`);
  const shape = raw.ceilingShape;
  if (shape !== undefined && !(CEILING_SHAPES as readonly string[]).includes(shape)) {
    throw new ValidationError('INVALID_FIELD', '--ceiling-shape', `expected one of ${CEILING_SHAPES.join(', ')}, got ${JSON.stringify(shape)}`);
  }
  const peer = raw.peer;
  if (peer !== undefined && !(PEER_KINDS as readonly string[]).includes(peer)) {
    throw new ValidationError('INVALID_FIELD', '--peer', `expected one of ${PEER_KINDS.join(', ')}, got ${JSON.stringify(peer)}`);
  }
  return {
    pins,
    naivePins,
    json: raw.json === true,
    keep: raw.keep === true,
    seed: raw.seed ?? 'pinstate-bench',
    latencySeconds: parseInteger(raw.latencySeconds, '--latency-seconds', 1) ?? 15,
    latencyWarmupSeconds: parseInteger(raw.latencyWarmupSeconds, '--latency-warmup-seconds', 0) ?? 3,
    offeredPinsPerSecond: parseInteger(raw.offered, '--offered', 1),
    gets: parseInteger(raw.gets, '--gets', 1) ?? 2000,
    ceilingShape: shape as CeilingShape | undefined,
    ceilingConcurrency: parseInteger(raw.ceilingConcurrency, '--ceiling-concurrency', 1),
    profileWriter: raw.profileWriter === true,
    fromSource: raw.fromSource === true,
    overrides: parseOverrides(raw.override),
    skipExport: raw.export === false,
    writerMetrics: raw.writerMetrics !== false,
    writerNodeOptions: (raw.writerNodeOptions ?? '').split(/\s+/).filter((o) => o !== ''),
    peer: peer as PeerKind | undefined,
  };
}
