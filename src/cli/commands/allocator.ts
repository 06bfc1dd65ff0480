/**
 * `pinstate allocator` (the allocator alone), `pinstate status [<cid>]` (IPFS Cluster-style
 * per-peer status) and `pinstate peers ls` (the peer registry). docs/allocation.md.
 */
import type { Command } from 'commander';
import { pinStatus, type PinStatus } from '../../api/pin-status.js';
import { parseCid } from '../../domain/cid.js';
import { createRegistry } from '../../metrics.js';
import { createPeerRegistry, directoryPeer, type PeerRegistry } from '../../peers/registry.js';
import type { PinstateConfig } from '../../config/types.js';
import { createStore } from '../../store/store.js';
import { parseInteger } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { printJson } from '../output.js';
import { runUntilStopped } from './service.js';

async function withPeers<T>(ctx: RunContext, config: PinstateConfig, fn: (peers: PeerRegistry) => Promise<T>): Promise<T> {
  const peers = createPeerRegistry({ config: config.kafka, peerTtlMs: config.allocator.peerTtlMs, logger: ctx.logger(), registry: createRegistry() });
  await peers.start();
  try {
    return await fn(peers);
  } finally {
    await peers.stop();
  }
}

function statusText(s: PinStatus): string {
  const lines = [`${s.cid}${s.name ? ` (${s.name})` : ''}  rf ${s.replication_factor_min}/${s.replication_factor_max}  pinned on ${s.summary.pinned_live} live peer(s)  rf_min ${s.summary.rf_min_met ? 'met' : 'NOT met'}`];
  for (const [peer, p] of Object.entries(s.peer_map)) {
    lines.push(`  > ${peer.padEnd(52)} ${p.status.toUpperCase().padEnd(14)} ${p.live === null ? 'unknown' : p.live ? 'live' : 'down'}${p.error ? `  ${p.error}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

const gib = (n: number): string => `${(n / 2 ** 30).toFixed(2)} GiB`;

export function registerAllocatorCommands(program: Command, ctx: RunContext): void {
  program
    .command('allocator')
    .description('Only the allocator: place applied pins on live peers by free space, re-allocate from down peers (one active per allocator.group_id)')
    .action(
      act(ctx, async (): Promise<ExitCode> => {
        const config = ctx.config();
        return runUntilStopped(
          ctx,
          { ...config, allocator: { ...config.allocator, enabled: true } },
          { writer: false, api: false, allocator: true, sweeper: false },
          (service) => `pinstate allocator running (pid ${process.pid}, group ${config.allocator.groupId}, ${service.peers?.livePeers().length ?? 0} live peers)`,
        );
      }),
    );

  program
    .command('status')
    .argument('[cid]', 'one pin; without it every pin (a full scan) one line each')
    .description("Each peer's state for a pin (pin_queued, pinning, pinned, pin_error with message, unpin_*, unpinned, remote) and a summary")
    .option('--json', 'JSON (one object per line without <cid>)')
    .option('--limit <n>', 'without <cid>: stop after n pins')
    .action(
      act(ctx, async (cidArg: string | undefined, opts: { json?: boolean; limit?: string }): Promise<ExitCode> => {
        const config = ctx.config();
        const cid = cidArg === undefined ? undefined : parseCid(cidArg, 'cid').text;
        const limit = parseInteger(opts.limit, '--limit', 1);
        const store = await createStore({ config: config.scylla, logger: ctx.logger() });
        try {
          await withPeers(ctx, config, async (peers) => {
            const show = (s: PinStatus): void => (opts.json ? printJson(ctx, s) : ctx.out(statusText(s)));
            if (cid !== undefined) {
              show(pinStatus(await store.get(cid), peers.snapshot(), config.allocator));
              return;
            }
            let n = 0;
            const views = peers.snapshot();
            for await (const pin of store.list()) {
              show(pinStatus(pin, views, config.allocator));
              if (limit !== undefined && ++n >= limit) break;
            }
          });
        } finally {
          await store.close();
        }
        return EXIT.ok;
      }),
    );

  const peersCmd = program.command('peers').description('The peer registry (agents\' heartbeats on kafka.topics.peers)');
  peersCmd
    .command('ls')
    .description('Every known peer with liveness, last-seen time and free space')
    .option('--json', 'one JSON object per peer')
    .action(
      act(ctx, async (opts: { json?: boolean }): Promise<ExitCode> => {
        const config = ctx.config();
        await withPeers(ctx, config, (peers) => {
          const now = Date.now();
          for (const v of peers.snapshot()) {
            const d = directoryPeer(v, now);
            if (opts.json) printJson(ctx, { ...d, lastSeen: new Date(d.lastSeen).toISOString(), pinned: v.heartbeat.pinned, queued: v.heartbeat.queued, errors: v.heartbeat.errors, tags: v.heartbeat.tags });
            else ctx.out(`${v.peer.padEnd(52)} ${v.live ? 'live' : 'DOWN'}  last seen ${new Date(v.lastSeen).toISOString()} (${Math.round((now - v.lastSeen) / 1000)} s ago)  free ${gib(v.heartbeat.freeBytes)}  pinned ${v.heartbeat.pinned}  queued ${v.heartbeat.queued}  kubo ${v.heartbeat.ipfsVersion}\n`);
          }
          return Promise.resolve();
        });
        return EXIT.ok;
      }),
    );
}
