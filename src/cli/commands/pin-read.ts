/** `pinstate pin ls` and `pinstate pin get`: reads straight from the store. */
import type { Command } from 'commander';
import { hasPlacementState, peerPinJson, pinJson } from '../../api/pin-json.js';
import { parseCid } from '../../domain/cid.js';
import { validatePeerId } from '../../domain/pin.js';
import { parseInteger, parseStateFlag } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { pinFields, printFields, printJson } from '../output.js';
import { withStore } from '../resources.js';

interface LsOptions {
  peer?: string;
  state?: string;
  limit?: string;
  json?: boolean;
}

export function registerPinReadCommands(pin: Command, ctx: RunContext): void {
  pin
    .command('ls')
    .description('List pins (streamed; the whole pinset by token range), or one peer\'s placements with --peer')
    .option('--peer <peer>', "list this peer's placements instead")
    .option('--state <state>', 'only placements in this state (pin_queued, pinning, pinned, pin_error, …)')
    .option('--limit <n>', 'stop after n lines')
    .option('--json', 'one JSON object per line (NDJSON)')
    .action(
      act(ctx, async (opts: LsOptions): Promise<ExitCode> => {
        const peer = opts.peer === undefined ? undefined : validatePeerId(opts.peer, '--peer');
        const state = parseStateFlag(opts.state);
        const limit = parseInteger(opts.limit, '--limit', 1) ?? Number.POSITIVE_INFINITY;
        let n = 0;
        await withStore(ctx, async (store) => {
          if (peer !== undefined) {
            for await (const p of store.listByPeer(peer, { state })) {
              if (n++ >= limit) break;
              if (opts.json) printJson(ctx, peerPinJson(p));
              else ctx.out(`${p.cid}  ${p.state}${p.desired ? '' : ' (not desired)'}${p.error ? `  ${p.error}` : ''}\n`);
            }
            return;
          }
          for await (const p of store.list()) {
            if (state !== undefined && !hasPlacementState(p, state)) continue;
            if (n++ >= limit) break;
            if (opts.json) printJson(ctx, pinJson(p));
            else ctx.out(`${p.spec.cid}  ${p.spec.name || '-'}  peers: ${p.placement?.desired.length ?? 0}\n`);
          }
        });
        return EXIT.ok;
      }),
    );

  pin
    .command('get')
    .description('Show one pin and its placement (exit 1 when it is not in the pinset)')
    .argument('<cid>', 'CID')
    .option('--json', 'print the pin as JSON (the same shape as GET /pins/{cid})')
    .action(
      act(ctx, async (cidArg: string, opts: { json?: boolean }): Promise<ExitCode> => {
        const cid = parseCid(cidArg, 'cid').text;
        const stored = await withStore(ctx, (store) => store.get(cid));
        const json = pinJson(stored);
        if (opts.json) printJson(ctx, json);
        else printFields(ctx, pinFields(json));
        return EXIT.ok;
      }),
    );
}
