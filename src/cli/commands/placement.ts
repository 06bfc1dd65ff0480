/** `pinstate placement set` and `pinstate ack`: placement intents and peer acks through the producer SDK. */
import type { Command } from 'commander';
import { parseCid } from '../../domain/cid.js';
import { validatePeerId, validatePeers } from '../../domain/pin.js';
import { parsePlacementState } from '../../domain/placement-state.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { printJson } from '../output.js';
import { withProducer } from '../resources.js';

export function registerPlacementCommands(program: Command, ctx: RunContext): void {
  const placement = program.command('placement').description('Desired placement of pins on peers');
  placement
    .command('set')
    .description('Publish a SetDesiredPlacement intent: the full set of peers that should hold the pin')
    .argument('<cid>', 'CID')
    .argument('<peer...>', 'peer ids (the complete desired set)')
    .option('--op-id <id>', 'op id to send (reuse it when retrying)')
    .option('--json', 'print {"op_id","cid"} as JSON')
    .action(
      act(ctx, async (cidArg: string, peerArgs: string[], opts: { opId?: string; json?: boolean }): Promise<ExitCode> => {
        const cid = parseCid(cidArg, 'cid').text;
        const peers = validatePeers(peerArgs, 'peer');
        const opId = await withProducer(ctx, (p) => p.setDesiredPlacement(cid, peers, opts.opId === undefined ? undefined : { opId: opts.opId }));
        if (opts.json) printJson(ctx, { op_id: opId, cid });
        else ctx.out(`${opId}\n`);
        return EXIT.ok;
      }),
    );

  program
    .command('ack')
    .description("Publish an AckPlacement on the acks topic: <peer> reports <state> for <cid>")
    .argument('<cid>', 'CID')
    .argument('<peer>', 'peer id')
    .argument('<state>', 'placement state (pinned, pin_error, unpinned, …)')
    .option('--error <text>', 'error text for *_error states')
    .option('--op-id <id>', 'op id to send (reuse it when retrying)')
    .option('--json', 'print {"op_id","cid"} as JSON')
    .action(
      act(ctx, async (cidArg: string, peerArg: string, stateArg: string, opts: { error?: string; opId?: string; json?: boolean }): Promise<ExitCode> => {
        const cid = parseCid(cidArg, 'cid').text;
        const peer = validatePeerId(peerArg, 'peer');
        const state = parsePlacementState(stateArg, 'state');
        const opId = await withProducer(ctx, (p) => p.ackPlacement(cid, peer, state, { error: opts.error ?? null, ...(opts.opId === undefined ? {} : { opId: opts.opId }) }), peer);
        if (opts.json) printJson(ctx, { op_id: opId, cid });
        else ctx.out(`${opId}\n`);
        return EXIT.ok;
      }),
    );
}
