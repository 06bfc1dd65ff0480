/** `pinstate pin add` and `pinstate pin rm`: publish an intent through the producer SDK, print its op_id. */
import type { Command } from 'commander';
import { validatePinSpec, type PinSpecInput } from '../../domain/pin.js';
import { parseCid } from '../../domain/cid.js';
import { isPinstateError } from '../../errors.js';
import { collect, parseDurationFlag, parseExpireAt, parseInteger, parseMeta, withFlagNames } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { printJson } from '../output.js';
import { waitUntil, withProducer, withStore } from '../resources.js';

/** Pin-spec fields → the options that set them (errors name the option). */
const FLAGS: Readonly<Record<string, string>> = {
  cid: 'cid',
  replicationFactorMin: '--rf-min',
  replicationFactorMax: '--rf-max',
  name: '--name',
  tags: '--tag',
  metadata: '--meta',
  expireAt: '--expire-at',
  owner: '--owner',
  opId: '--op-id',
};

interface AddOptions {
  rfMin?: string;
  rfMax?: string;
  name?: string;
  tag?: string[];
  meta?: string[];
  expireAt?: string;
  owner?: string;
  opId?: string;
  wait?: boolean;
  waitTimeout: string;
  json?: boolean;
}

interface RmOptions {
  opId?: string;
  wait?: boolean;
  waitTimeout: string;
  json?: boolean;
}

/** The pin spec `pin add` publishes, validated (a bad value names its option). Pure apart from `now`. */
export function pinSpecFromFlags(cid: string, opts: AddOptions, now: number): PinSpecInput {
  const spec: PinSpecInput = {
    cid,
    replicationFactorMin: parseInteger(opts.rfMin, '--rf-min'),
    replicationFactorMax: parseInteger(opts.rfMax, '--rf-max'),
    name: opts.name,
    tags: opts.tag,
    metadata: parseMeta(opts.meta),
    expireAt: parseExpireAt(opts.expireAt, now),
    owner: opts.owner,
  };
  withFlagNames(FLAGS, () => validatePinSpec(spec));
  return spec;
}

function printOp(ctx: RunContext, json: boolean | undefined, opId: string, cid: string, applied?: boolean): void {
  if (json) printJson(ctx, applied === undefined ? { op_id: opId, cid } : { op_id: opId, cid, applied });
  else ctx.out(`${opId}\n`);
}

/** The options both write commands end with: an op id to reuse, --wait for the writer, JSON output. */
function writeOptions(command: Command, waitFor: string): Command {
  return command
    .option('--op-id <id>', 'op id to send (reuse it when retrying)')
    .option('--wait', waitFor)
    .option('--wait-timeout <duration>', 'how long --wait waits', '30s')
    .option('--json', 'print {"op_id","cid"[,"applied"]} as JSON');
}

export function registerPinWriteCommands(pin: Command, ctx: RunContext): void {
  const add = pin
    .command('add')
    .description('Publish an UpsertPin intent and print its op_id (once the broker acknowledged it)')
    .argument('<cid>', 'CID to pin (v0 or v1)')
    .option('--rf-min <n>', 'replication factor min (-1 = everywhere, 0 = cluster default)')
    .option('--rf-max <n>', 'replication factor max')
    .option('--name <name>', 'human-readable name')
    .option('--tag <tag>', 'tag (repeatable)', collect)
    .option('--meta <key=value>', 'metadata entry (repeatable)', collect)
    .option('--expire-at <time>', 'RFC 3339 time, or a duration from now such as 24h')
    .option('--owner <owner>', 'owner');
  writeOptions(add, 'wait until the writer has applied the pin')
    .action(
      act(ctx, async (cidArg: string, opts: AddOptions): Promise<ExitCode> => {
      const now = Date.now();
      const spec = pinSpecFromFlags(cidArg, opts, now);
      const cid = parseCid(cidArg, 'cid').text;
      const waitMs = parseDurationFlag(opts.waitTimeout, '--wait-timeout');
      const opId = await withProducer(ctx, (producer) => withFlagNames(FLAGS, () => producer.upsertPin(spec, { ts: now, ...(opts.opId === undefined ? {} : { opId: opts.opId }) })));
      if (!opts.wait) {
        printOp(ctx, opts.json, opId, cid);
        return EXIT.ok;
      }
      const applied = await withStore(ctx, (store) =>
        waitUntil(async () => {
          try {
            const pin = await store.get(cid);
            return pin.lastOpId === opId || pin.updatedAt > now;
          } catch (err: unknown) {
            if (isPinstateError(err) && err.code === 'PIN_NOT_FOUND') return false;
            throw err;
          }
        }, waitMs),
      );
      printOp(ctx, opts.json, opId, cid, applied);
      if (!applied) ctx.err(`error: op ${opId} not applied within ${opts.waitTimeout}; is a writer running? (the intent is on Kafka and will be applied when one is)\n`);
      return applied ? EXIT.ok : EXIT.failure;
    }),
    );

  const rm = pin
    .command('rm')
    .description('Publish a DeletePin intent and print its op_id (removing a missing pin is not an error)')
    .argument('<cid>', 'CID to unpin');
  writeOptions(rm, 'wait until the pin is gone from the store')
    .action(
      act(ctx, async (cidArg: string, opts: RmOptions): Promise<ExitCode> => {
      const cid = parseCid(cidArg, 'cid').text;
      const waitMs = parseDurationFlag(opts.waitTimeout, '--wait-timeout');
      const opId = await withProducer(ctx, (producer) => withFlagNames(FLAGS, () => producer.deletePin(cid, opts.opId === undefined ? undefined : { opId: opts.opId })));
      if (!opts.wait) {
        printOp(ctx, opts.json, opId, cid);
        return EXIT.ok;
      }
      const gone = await withStore(ctx, (store) => waitUntil(async () => !(await store.has(cid)), waitMs));
      printOp(ctx, opts.json, opId, cid, gone);
      if (!gone) ctx.err(`error: op ${opId} not applied within ${opts.waitTimeout}; is a writer running?\n`);
      return gone ? EXIT.ok : EXIT.failure;
    }),
    );
}
