/**
 * The figures of a `pinstate bench --scale` run, computed from its run log lines, so that the
 * run itself and `pinstate bench --summarize <log>` print the same numbers from the same data.
 * Pure.
 */
import type { GcTraceSummary } from './gc-trace.js';
import type { PartitionReport } from './partitions.js';
import type { LogLine } from './run-log.js';
import { last, num, percentile, type Fields } from './summary.js';

export interface ScaleStep {
  readonly from: number;
  readonly to: number;
  /** (to − from) ÷ (caught_up_ms − running_ms): the drain, from the writer's "running" line to its last commit. */
  readonly pinsPerSecond: number;
  readonly cpuUsPerPin: number;
  readonly peakRssMb: number;
  /** The writer's heap from its --trace-gc output, when it ran with that flag. */
  readonly gc?: GcTraceSummary;
}

export interface ScaleResult {
  readonly steps: ScaleStep[];
  /** Last step's rate over the first's. */
  readonly lastVsFirst: number;
  /**
   * Last step's rate over the fastest step's: the stricter reading of "10^7 within 15 % of 10^5"
   * when the first step ran slow (a just-started database warming up), which lastVsFirst hides.
   */
  readonly lastVsPeak: number;
  /** Reads over the whole grown store. */
  readonly reads: {
    readonly pins: number;
    readonly listPinsPerSecond: number;
    readonly listRssGrowthMb: number;
    readonly getP99Ms: number;
    readonly exportPinsPerSecond: number | null;
    readonly exportPeakRssMb: number | null;
  };
  readonly partitions: PartitionReport;
  readonly log: string;
}

/** One step's figures from its timings (the writer's CPU and peak RSS are measured, kept as logged). */
export function scaleStepOf(line: Fields): ScaleStep {
  const from = num(line, 'from');
  const to = num(line, 'to');
  const drainMs = num(line, 'caught_up_ms') - ((line['running_ms'] as number | null | undefined) ?? 0);
  const gc = line['gc'] as GcTraceSummary | null | undefined;
  return {
    from,
    to,
    pinsPerSecond: Math.round((to - from) / (drainMs / 1000)),
    cpuUsPerPin: num(line, 'cpuUsPerPin'),
    peakRssMb: num(line, 'peakRssMb'),
    ...(gc ? { gc } : {}),
  };
}

export function summarizeScale(lines: readonly LogLine[], logPath: string): ScaleResult {
  const steps = lines.filter((l) => l.phase === 'scale_step').map(scaleStepOf);
  if (steps.length === 0) throw new Error('the run log has no "scale_step" line');
  const reads = last(lines, 'reads');
  const exp = lines.findLast((l) => l.phase === 'export');
  const exportOk = exp !== undefined && exp['ok'] === true;
  const listPins = num(reads, 'list_pins');
  return {
    steps,
    lastVsFirst: Math.round((steps.at(-1)!.pinsPerSecond / steps[0]!.pinsPerSecond) * 1000) / 1000,
    lastVsPeak: Math.round((steps.at(-1)!.pinsPerSecond / Math.max(...steps.map((s) => s.pinsPerSecond))) * 1000) / 1000,
    reads: {
      pins: listPins,
      listPinsPerSecond: Math.round(listPins / (num(reads, 'list_ms') / 1000)),
      listRssGrowthMb: Math.round(num(reads, 'list_rss_growth_kb') / 1024),
      getP99Ms: percentile(reads['get_ms'] as number[], 99),
      exportPinsPerSecond: exportOk ? Math.round(num(exp, 'pins') / (num(exp, 'ms') / 1000)) : null,
      exportPeakRssMb: exportOk ? Math.round(num(exp, 'vm_hwm_kb') / 1024) : null,
    },
    partitions: last(lines, 'partitions') as unknown as PartitionReport,
    log: logPath,
  };
}
