/** `pinstate schema apply`, `pinstate schema replication`, `pinstate topics ensure`, `pinstate stats`. */
import type { Command } from 'commander';
import { statsJson } from '../../api/pin-json.js';
import { applyConfiguredSchema, ensureConfiguredTopics } from '../../service/prepare.js';
import { factorsOf, alterReplication } from '../../store/replication.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { printFields, printJson } from '../output.js';
import { withStore } from '../resources.js';

export function registerAdminCommands(program: Command, ctx: RunContext): void {
  const schema = program.command('schema').description('The database schema (keyspace, tables, migrations in scylla/)');
  schema
    .command('apply')
    .description('Create the keyspace if missing and apply pending migrations (idempotent; run it after every upgrade)')
    .option('--json', 'print the report as JSON')
    .action(
      act(ctx, async (opts: { json?: boolean }): Promise<ExitCode> => {
        const report = await applyConfiguredSchema(ctx.config(), ctx.logger());
        if (opts.json) printJson(ctx, { keyspace: report.keyspace, version: report.version, applied_now: report.appliedNow, tables: report.tables });
        else {
          const applied = report.appliedNow.length === 0 ? 'nothing to apply (up to date)' : `applied ${report.appliedNow.join(', ')}`;
          ctx.out(`keyspace ${report.keyspace} at schema version ${report.version}: ${applied}\n`);
        }
        return EXIT.ok;
      }),
    );

  schema
    .command('replication')
    .description('Change an existing keyspace to the configured scylladb.replication (ALTER KEYSPACE) and print the nodetool steps an operator must run next (docs/multi-dc.md)')
    .option('--force', 'accept data centers the cluster does not know and factors above a data center\'s node count')
    .option('--json', 'print the report as JSON')
    .action(
      act(ctx, async (opts: { force?: boolean; json?: boolean }): Promise<ExitCode> => {
        const config = ctx.config();
        const r = await alterReplication(config.scylla, config.scylla.replication, { logger: ctx.logger(), force: opts.force === true });
        if (opts.json) {
          printJson(ctx, { keyspace: r.keyspace, changed: r.changed, before: factorsOf(r.before), after: factorsOf(r.after), schema_agreement: r.schemaAgreement, steps: r.steps });
          return EXIT.ok;
        }
        const show = (f: Record<string, number>): string => Object.entries(f).map(([dc, n]) => `${dc}:${n}`).join(', ');
        if (!r.changed) {
          ctx.out(`keyspace ${r.keyspace} already has replication {${show(factorsOf(r.after))}}: nothing to do\n`);
          return EXIT.ok;
        }
        ctx.out(`keyspace ${r.keyspace}: replication {${show(factorsOf(r.before))}} -> {${show(factorsOf(r.after))}}${r.schemaAgreement ? '' : ' (schema agreement NOT reached in 30 s: check `nodetool describecluster`)'}\n`);
        if (r.steps.length === 0) ctx.out('no data to move\n');
        else ctx.out('now run, in this order, one node at a time:\n');
        for (const step of r.steps) {
          for (const node of step.nodes.length > 0 ? step.nodes : ['<each node of ' + step.dc + '>']) ctx.out(`  nodetool -h ${node} ${step.nodetool.join(' ')}    # ${step.dc}: ${step.from} -> ${step.to}\n`);
        }
        return EXIT.ok;
      }),
    );

  const topics = program.command('topics').description("Kafka topics (intents, acks, placements, events and the DLQs)");
  topics
    .command('ensure')
    .description('Create missing topics and check the partition counts of existing ones')
    .option('--json', 'print the report as JSON')
    .action(
      act(ctx, async (opts: { json?: boolean }): Promise<ExitCode> => {
        const report = await ensureConfiguredTopics(ctx.config(), ctx.logger());
        if (opts.json) printJson(ctx, report);
        else {
          for (const t of report.created) ctx.out(`created ${t}\n`);
          for (const t of report.existing) ctx.out(`exists  ${t.topic} (${t.partitions} partitions)\n`);
        }
        return EXIT.ok;
      }),
    );

  program
    .command('stats')
    .description('Exact pin and placement counts')
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (opts: { json?: boolean }): Promise<ExitCode> => {
        const stats = statsJson(await withStore(ctx, (store) => store.stats()));
        if (opts.json) printJson(ctx, stats);
        else {
          const states = Object.entries(stats.placements).sort(([a], [b]) => a.localeCompare(b));
          printFields(ctx, [['pins', String(stats.pins)], ['placements', String(stats.total_placements)], ...states.map(([s, n]) => [`  ${s}`, String(n)] as const)]);
        }
        return EXIT.ok;
      }),
    );
}
