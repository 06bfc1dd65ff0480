/**
 * `pinstate agent --ipfs-api http://127.0.0.1:5001`: runs one agent for one IPFS (kubo) node until
 * SIGTERM/SIGINT, then stops (bounded by agent.drain_timeout) and exits 0. docs/agent.md.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { createAgent } from '../../agent/index.js';
import { createRegistry } from '../../metrics.js';
import { parseInteger } from '../args.js';
import { act, EXIT, type ExitCode, type RunContext } from '../context.js';
import { applyHeapKeys } from './service.js';

interface AgentCliOptions {
  ipfsApi?: string;
  peerId?: string;
  metricsPort?: string;
}

export function registerAgentCommand(program: Command, ctx: RunContext): void {
  program
    .command('agent')
    .description('Drive one IPFS (kubo) node: pin and unpin what pinstate places on its peer, ack each step, heartbeat the node')
    .option('--ipfs-api <url>', 'kubo RPC API (default agent.ipfs_api, http://127.0.0.1:5001)')
    .option('--peer-id <id>', "peer id to act as (default: the kubo node's id from /api/v0/id)")
    .option('--metrics-port <port>', 'serve Prometheus metrics on 127.0.0.1:<port>/metrics')
    .action(
      act(ctx, async (opts: AgentCliOptions): Promise<ExitCode> => {
        const config = ctx.config();
        const metricsPort = parseInteger(opts.metricsPort, '--metrics-port', 0);
        // Before anything is opened: the young generation may re-execute this command.
        applyHeapKeys(ctx, config);
        const registry = createRegistry({ defaultMetrics: true });
        const agent = createAgent({
          config,
          logger: ctx.logger(),
          registry,
          ...(opts.ipfsApi === undefined ? {} : { ipfsApi: opts.ipfsApi }),
          ...(opts.peerId === undefined ? {} : { peerId: opts.peerId }),
        });
        await agent.start();
        let server: Server | undefined;
        if (metricsPort !== undefined) {
          server = createServer((req, res) => {
            if (req.url !== '/metrics') {
              res.writeHead(404).end();
              return;
            }
            registry.metrics().then(
              (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
              () => res.writeHead(500).end(),
            );
          });
          await new Promise<void>((resolve) => server!.listen(metricsPort, '127.0.0.1', resolve));
        }
        // The bound port: `--metrics-port 0` takes a free one.
        const metricsUrl = server === undefined ? '' : `, metrics http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
        ctx.out(`pinstate agent running (pid ${process.pid}): peer ${agent.peer}, placements partition ${agent.partition}${metricsUrl}\n`);
        const reason = await ctx.untilStopped();
        ctx.out(`pinstate agent: ${reason}: stopping\n`);
        ctx.io.boundStop(config.agent.drainTimeoutMs + 10_000);
        await agent.stop();
        if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
        ctx.out('pinstate agent: stopped\n');
        return EXIT.ok;
      }),
    );
}
