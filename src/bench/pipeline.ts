/**
 * The pipeline mode: the real writer as a separate process (`pinstate writer`), started on a
 * backlog and timed from its spawn until the group's committed offsets reach the end of the
 * topics. While it drains, the benchmark samples committed offsets, the writer's CPU ticks and
 * its resident memory, so the log holds the whole curve.
 */
import { join } from 'node:path';
import type { PinstateConfig } from '../config/types.js';
import { createKafka } from '../kafka/client.js';
import { groupLag } from '../kafka/lag.js';
import type { Logger } from '../log.js';
import { writeChildConfig, type ChildConfig } from './config-file.js';
import { cpuTicks, memoryKb, scriptEntry, spawnChild, stopChild, WRITER_SOURCES, type Child, type Entry } from './proc.js';
import { sleep } from '../sleep.js';

/** What the writer prints on stdout once its consumer runs (src/cli/commands/service.ts). */
export const WRITER_RUNNING = 'writer running';

export interface WriterProcess {
  readonly child: Child;
  readonly entry: Entry;
  readonly childConfig: ChildConfig;
  /** performance.now() at spawn. */
  readonly spawnedAt: number;
  readonly logFile: string;
}

export interface WriterOptions {
  readonly fromSource: boolean;
  /** Directory for a V8 CPU profile of the writer (node --cpu-prof), or undefined for none. */
  readonly cpuProfileDir: string | undefined;
  readonly logDir: string;
  /** Extra Node options for the writer (e.g. `--max-semi-space-size=64`). */
  readonly nodeOptions?: readonly string[];
  /** Serve /metrics (`--http`) so the bench can read the writer's histograms. Default true. */
  readonly metrics?: boolean;
}

/**
 * Starts `pinstate writer` with `config` in a private config file; with `metrics`, as
 * `writer --http` (the API only for its /metrics, on an ephemeral port of 127.0.0.1; it adds a
 * few MB to the writer's RSS).
 */
export function spawnWriter(config: PinstateConfig, options: WriterOptions, label: string): WriterProcess {
  const entry = scriptEntry('dist/consumers/writer/main.js', 'consumers/writer/main.ts', { fromSource: options.fromSource, newerThan: WRITER_SOURCES });
  const childConfig = writeChildConfig({ ...config, api: { ...config.api, host: '127.0.0.1', port: 0, tokens: [] } });
  const logFile = join(options.logDir, `${label}.writer.log`);
  const nodeOptions = [...(options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`]), ...(options.nodeOptions ?? [])];
  const spawnedAt = performance.now();
  const child = spawnChild({ entry, args: options.metrics === false ? [] : ['--http'], env: childConfig.env, nodeOptions, logFile, watch: [WRITER_RUNNING] });
  return { child, entry, childConfig, spawnedAt, logFile };
}

/** The writer's API base URL, once it printed it. */
export function metricsUrl(writer: WriterProcess): string | undefined {
  return /API (http:\/\/[^\s;]+)/.exec(writer.child.output())?.[1];
}

/** One progress sample: [ms since spawn, committed messages, writer RSS KiB, writer CPU ticks]. */
export type Sample = [number, number, number, number];

export interface DrainResult {
  readonly runningMs: number | null;
  readonly caughtUpMs: number;
  readonly cpuTicksRunning: number | null;
  readonly cpuTicksEnd: number;
  readonly vmHwmKb: number;
  readonly samples: Sample[];
  readonly committed: number;
  readonly lag: number;
}

/**
 * Polls the group's lag until every message of the intents and acks topics is committed, and
 * samples the writer meanwhile. Fails if the writer exits or `timeoutMs` passes.
 */
export async function waitForDrain(writer: WriterProcess, config: PinstateConfig, logger: Logger, expected: number, timeoutMs: number, pollMs = 100): Promise<DrainResult> {
  const admin = createKafka({ config: config.kafka, logger }).admin();
  await admin.connect();
  const { child, spawnedAt } = writer;
  const samples: Sample[] = [];
  let cpuRunning: number | null = null;
  let exited: number | string | undefined;
  void child.exited.then((code) => (exited = code));
  const topics = [config.kafka.topics.intents, config.kafka.topics.acks];
  try {
    for (let lastSample = -Infinity; ; ) {
      if (exited !== undefined) throw new Error(`the writer exited (${exited}) before the backlog was applied; its output:\n${child.output().slice(-4000)}`);
      const now = performance.now();
      if (cpuRunning === null && child.sawAt(WRITER_RUNNING) !== undefined) cpuRunning = cpuTicks(child.pid);
      const lag = await groupLag(admin, config.kafka.groupId, topics);
      const end = lag.reduce((n, p) => n + Number(p.end), 0);
      const behind = lag.reduce((n, p) => n + Number(p.lag), 0);
      const committed = end - behind;
      const at = performance.now();
      if (at - lastSample >= 250 || behind === 0) {
        samples.push([Math.round(at - spawnedAt), committed, memoryKb(child.pid)?.rssKb ?? 0, cpuTicks(child.pid) ?? 0]);
        lastSample = at;
      }
      if (behind === 0 && committed >= expected) {
        const mem = memoryKb(child.pid);
        const running = child.sawAt(WRITER_RUNNING);
        return {
          runningMs: running === undefined ? null : running - spawnedAt,
          caughtUpMs: at - spawnedAt,
          cpuTicksRunning: cpuRunning,
          cpuTicksEnd: cpuTicks(child.pid) ?? 0,
          vmHwmKb: mem?.hwmKb ?? 0,
          samples,
          committed,
          lag: behind,
        };
      }
      if (at - spawnedAt > timeoutMs) throw new Error(`the writer applied ${committed} of ${expected} messages in ${Math.round(timeoutMs / 1000)} s; giving up`);
      await sleep(Math.max(0, pollMs - (performance.now() - now)));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Stops the writer gracefully (SIGTERM: drain, commit, exit 0) and removes its config file. */
export async function stopWriter(writer: WriterProcess): Promise<number | string> {
  try {
    return await stopChild(writer.child);
  } finally {
    writer.childConfig.remove();
  }
}
