/**
 * The largest partition per table, from the database's own statistics: `nodetool tablestats`
 * ("Compacted partition maximum bytes") and `nodetool tablehistograms` (max cell count) through
 * the local stack's script after a flush, or, without it, system.size_estimates (mean sizes only).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { PinstateConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { openSession } from '../store/session.js';
import { localStackScript } from './proc.js';

const run = promisify(execFile);

export interface TablePartitions {
  readonly table: string;
  readonly partitions: number | null;
  readonly maxBytes: number | null;
  readonly maxCells: number | null;
  readonly meanBytes: number | null;
}

export interface PartitionReport {
  readonly source: 'nodetool' | 'size_estimates';
  readonly tables: TablePartitions[];
}

/** Parses `nodetool tablestats <ks>` output into per-table figures. Pure. */
export function parseTablestats(text: string): Map<string, { partitions: number | null; maxBytes: number | null; meanBytes: number | null }> {
  const out = new Map<string, { partitions: number | null; maxBytes: number | null; meanBytes: number | null }>();
  for (const block of text.split(/\n\s*Table: /).slice(1)) {
    const name = block.split('\n')[0]!.trim();
    const field = (label: string): number | null => {
      const m = new RegExp(`${label}:\\s*([0-9.]+)`).exec(block);
      return m ? Number(m[1]) : null;
    };
    out.set(name, { partitions: field('Number of partitions \\(estimate\\)'), maxBytes: field('Compacted partition maximum bytes'), meanBytes: field('Compacted partition mean bytes') });
  }
  return out;
}

/** The "Max" row's cell count from `nodetool tablehistograms`. Pure. */
export function parseMaxCells(text: string): number | null {
  const row = text.split('\n').find((l) => /^Max\s/.test(l.trim()));
  const cols = row?.trim().split(/\s+/);
  const v = cols === undefined ? NaN : Number(cols[cols.length - 1]);
  return Number.isFinite(v) ? v : null;
}

async function nodetool(script: string, args: string[]): Promise<string> {
  return (await run('bash', [script, 'nodetool', '1', ...args], { maxBuffer: 16 * 2 ** 20 })).stdout;
}

export async function largestPartitions(config: PinstateConfig, logger: Logger, tables: readonly string[]): Promise<PartitionReport> {
  const ks = config.scylla.keyspace;
  const script = localStackScript(config.scylla.hosts);
  if (script !== null) {
    try {
      await nodetool(script, ['flush', ks]);
      const stats = parseTablestats(await nodetool(script, ['tablestats', ks]));
      const out: TablePartitions[] = [];
      for (const table of tables) {
        const s = stats.get(table);
        const cells = parseMaxCells(await nodetool(script, ['tablehistograms', ks, table]));
        out.push({ table, partitions: s?.partitions ?? null, maxBytes: s?.maxBytes ?? null, meanBytes: s?.meanBytes ?? null, maxCells: cells });
      }
      return { source: 'nodetool', tables: out };
    } catch (err: unknown) {
      logger.warn({ err: String(err) }, 'nodetool failed; falling back to system.size_estimates');
    }
  }
  const session = await openSession({ config: config.scylla, logger });
  try {
    const rows = (await session.execute('SELECT table_name, mean_partition_size, partitions_count FROM system.size_estimates WHERE keyspace_name = ?', [ks], { fetchSize: 10_000 })).rows;
    return {
      source: 'size_estimates',
      tables: tables.map((table) => {
        const mine = rows.filter((r) => r['table_name'] === table);
        const count = mine.reduce((n, r) => n + Number(r['partitions_count'] ?? 0), 0);
        const mean = mine.length === 0 ? null : Math.max(...mine.map((r) => Number(r['mean_partition_size'] ?? 0)));
        return { table, partitions: count, maxBytes: null, maxCells: null, meanBytes: mean };
      }),
    };
  } finally {
    await session.shutdown();
  }
}
