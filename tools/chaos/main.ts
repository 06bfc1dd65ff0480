/**
 * `npm run chaos -- [--json] [--scenario kill,rebalance,...] [--size N] [--seed N] [--min-kills N] [--keep]`
 * Runs the fault scenarios against the local stack (or KAFKA_BROKERS / SCYLLA_HOSTS) and prints one
 * line per scenario; with --json the last line is one JSON object with the totals.
 * The cassandra-restart and kafka-restart scenarios stop and start the servers of the local stack.
 */
import { Command } from 'commander';
import { SCENARIOS, runScenario, type ScenarioName, type ScenarioResult } from './scenarios.js';

const program = new Command('chaos')
  .option('--json', 'print a JSON summary as the last line')
  .option('--scenario <names>', `comma list of ${SCENARIOS.join(', ')}`, SCENARIOS.join(','))
  .option('--size <n>', 'intents in phase 1 per scenario', '4000')
  .option('--seed <n>', 'workload seed', '1')
  .option('--min-kills <n>', 'SIGKILLs the kill scenario reaches at least', '20')
  .option('--keep', 'keep keyspaces and topics for inspection')
  .parse();
const opts = program.opts<{ json?: boolean; scenario: string; size: string; seed: string; minKills: string; keep?: boolean }>();
const names = opts.scenario.split(',').map((s) => s.trim()) as ScenarioName[];
for (const n of names) if (!(SCENARIOS as readonly string[]).includes(n)) program.error(`unknown scenario ${n}; one of ${SCENARIOS.join(', ')}`, { exitCode: 2 });

// The harness's own database session lives through the server restarts it injects, and
// cassandra-driver 4.10's control-connection refresh can reject in the background after one (two
// refreshes racing: "Cannot read properties of null (reading 'once')"). That is the harness's
// client, not a writer under test: log it and go on, so one scenario's verdict is not lost to it.
process.on('unhandledRejection', (err: unknown) => {
  process.stderr.write(`chaos harness: background error in a client library, ignored: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
});

const results: ScenarioResult[] = [];
const started = Date.now();
for (const [i, name] of names.entries()) {
  try {
    const r = await runScenario(name, {
      seed: Number(opts.seed) + i,
      size: Number(opts.size),
      minKills: Number(opts.minKills),
      keep: opts.keep ?? false,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    results.push(r);
    process.stdout.write(
      `${r.passed ? 'PASS' : 'FAIL'} ${name}: produced ${r.ops_produced}, applied ${r.ops_applied}, lost ${r.lost}, duplicated ${r.duplicated_effects}, stats_drift ${r.stats_drift}, dlq ${r.dlq} (unexpected ${r.unexpected_dlq}), kills ${r.kills}, stalls ${r.stalls} (fenced chunks ${r.fenced_chunks}), server restarts ${r.server_restarts}, ${r.seconds} s${r.mismatched_cids.length ? ` mismatched ${r.mismatched_cids.join(',')}` : ''}${r.bad_drains.length ? ` bad drains ${r.bad_drains.join('; ')}` : ''}\n`,
    );
  } catch (err: unknown) {
    process.stdout.write(`FAIL ${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    results.push({ scenario: name, ops_produced: 0, ops_applied: 0, lost: -1, duplicated_effects: -1, stats_drift: -1, dlq: -1, unexpected_dlq: -1, mismatched_cids: [], kills: 0, stalls: 0, fenced_chunks: 0, restarts: 0, server_restarts: 0, bad_drains: [], passed: false, seconds: 0 });
  }
}
const sum = (f: (r: ScenarioResult) => number): number => results.reduce((n, r) => n + f(r), 0);
const summary = {
  ops_produced: sum((r) => r.ops_produced),
  ops_applied: sum((r) => r.ops_applied),
  lost: sum((r) => Math.max(0, r.lost)),
  duplicated_effects: sum((r) => Math.max(0, r.duplicated_effects)),
  stats_drift: sum((r) => Math.max(0, r.stats_drift)),
  dlq: sum((r) => Math.max(0, r.dlq)),
  kills: sum((r) => r.kills),
  restarts: sum((r) => r.restarts + r.server_restarts),
  scenarios_passed: results.filter((r) => r.passed).length,
  scenarios_failed: results.filter((r) => !r.passed).length,
  seconds: Math.round((Date.now() - started) / 1000),
  scenarios: results.map((r) => ({ scenario: r.scenario, passed: r.passed, lost: r.lost, duplicated_effects: r.duplicated_effects, stats_drift: r.stats_drift, kills: r.kills, stalls: r.stalls, fenced_chunks: r.fenced_chunks, server_restarts: r.server_restarts, seconds: r.seconds })),
};
if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
process.exitCode = summary.scenarios_failed === 0 ? 0 : 1;
// Clients of finished scenarios may keep timers; the run is over.
setTimeout(() => process.exit(), 3000).unref();
