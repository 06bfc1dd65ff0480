/**
 * `pinstate follow --peer <id>`: what a peer sees on the placements topic, printed as it arrives
 * (text, or NDJSON with --json). With --ack it also plays the peer and acks each change.
 */
import type { Command } from 'commander';
import { createFollower, formatChangeNdjson } from '../../../consumers/follower/index.js';
import type { PlacementChange } from '../../domain/messages.js';
import { validatePeerId } from '../../domain/pin.js';
import { createRegistry } from '../../metrics.js';
import { parseInteger } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';

interface FollowOptions {
  peer: string;
  ack?: boolean;
  json?: boolean;
  group?: string;
  count?: string;
  fromBeginning: boolean;
}

export function changeText(change: PlacementChange): string {
  return `${new Date(change.ts).toISOString()}  ${change.desired ? 'pin  ' : 'unpin'}  ${change.cid}  ${change.state}  op ${change.opId}\n`;
}

export function registerFollowCommand(program: Command, ctx: RunContext): void {
  program
    .command('follow')
    .description("Follow one peer's placement changes (what it should pin and unpin), until stopped")
    .requiredOption('--peer <id>', 'the peer id to follow')
    .option('--ack', 'act as the peer: ack pinned/unpinned for each change (simulated peer)')
    .option('--json', 'one JSON object per change (NDJSON)')
    .option('--group <id>', 'consumer group (default pinstate-follower-<peer>)')
    .option('--count <n>', 'stop once n changes were printed (the rest of the batch in hand is still printed and committed)')
    .option('--no-from-beginning', 'with a new group, start at the end of the topic instead of its beginning')
    .action(
      act(ctx, async (opts: FollowOptions): Promise<ExitCode> => {
        const peer = validatePeerId(opts.peer, '--peer');
        const count = parseInteger(opts.count, '--count', 1);
        const config = ctx.config();
        let seen = 0;
        let reachedCount: () => void = () => undefined;
        const counted = new Promise<string>((resolve) => (reachedCount = () => resolve(`${count} changes`)));
        const follower = createFollower({
          config: config.kafka,
          peer,
          ack: opts.ack === true,
          fromBeginning: opts.fromBeginning,
          logger: ctx.logger(),
          registry: createRegistry(),
          ...(opts.group === undefined ? {} : { groupId: opts.group }),
          onChange: (change) => {
            ctx.out(opts.json ? formatChangeNdjson(change) : changeText(change));
            seen += 1;
            if (count !== undefined && seen === count) reachedCount();
          },
        });
        await follower.start();
        if (!opts.json) ctx.err(`following ${peer} on ${config.kafka.topics.placements} (group ${follower.groupId})${opts.ack ? ', acking' : ''}\n`);
        await Promise.race([ctx.untilStopped(), counted]);
        await follower.stop();
        return EXIT.ok;
      }),
    );
}
