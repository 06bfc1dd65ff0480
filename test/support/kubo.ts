/**
 * Real kubo daemons for integration tests, started by the project's own script
 * (`tools/ipfs/ipfs.sh`, docs/ipfs-tools.md) — never a fake.
 *
 *   const kubo = await startKubo({ nodes: 3 });
 *   const cid = await kubo.ipfs(1, 'add', '-Q', file);     // the real `ipfs` CLI against node 1
 *   await kubo.ipfs(2, 'pin', 'add', cid);                  // node 2 fetches it by bitswap
 *   await kubo.node(3).stop(); await kubo.node(3).start();  // one node down and back
 *   await stopKubo(kubo);                                   // or stopKubo() in afterAll: all of this worker's
 *
 * Node indexes are 1-based, as in the script (`nodes[0].index === 1`). Each `startKubo` gets its
 * own folder (a fresh temp dir unless `dir` is given) and its own port block: a block of 100
 * ports in 20000–31999 (below Linux's ephemeral range) reserved with an exclusive lock file in
 * the temp dir, so parallel test files and workers never pick the same ports.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const IPFS_SH = fileURLToPath(new URL('../../tools/ipfs/ipfs.sh', import.meta.url));

const PORT_RANGE_START = 20_000;
const PORT_BLOCKS = 120; // 20000..31999
const BLOCK_SIZE = 100; // 10 ports per node (docs/ipfs-tools.md), so at most 10 nodes per block
const MAX_NODES = BLOCK_SIZE / 10;
const LOCK_DIR = join(tmpdir(), 'pinstate-kubo-ports');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly input?: string | Buffer;
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

/** Runs a program; resolves with its exit code and output (never rejects on a non-zero exit). */
export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal !== null ? 128 : -1), stdout, stderr });
    });
    // A program that exits without reading its input (most do) closes the pipe: writing to it
    // then fails with EPIPE, which is no failure of the run. Its exit code and output say how it went.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(opts.input ?? '');
  });
}

async function script(args: readonly string[], timeoutMs = 300_000): Promise<string> {
  const r = await run('bash', [IPFS_SH, ...args], { timeoutMs });
  if (r.code !== 0) throw new Error(`ipfs.sh ${args.join(' ')} failed (exit ${r.code}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

function binPath(name: 'ipfs' | 'ipfs-cluster-ctl' | 'ipfs-cluster-service'): Promise<string> {
  return run('bash', [IPFS_SH, 'path', name]).then((r) => {
    if (r.code !== 0) throw new Error(`${name} is not built (run: bash tools/ipfs/ipfs.sh build): ${r.stderr.trim()}`);
    return r.stdout.trim();
  });
}

/** Builds kubo and ipfs-cluster into the cache if needed (seconds when they are there). */
export async function ensureIpfsBuilt(): Promise<void> {
  await script(['build'], 3_600_000);
}

/** The kubo `ipfs` binary built by tools/ipfs. */
export function kuboBinPath(): Promise<string> {
  return binPath('ipfs');
}

/** The `ipfs-cluster-ctl` binary built by tools/ipfs. */
export function clusterCtlPath(): Promise<string> {
  return binPath('ipfs-cluster-ctl');
}

/** The `ipfs-cluster-service` binary built by tools/ipfs. */
export function clusterServicePath(): Promise<string> {
  return binPath('ipfs-cluster-service');
}

/** Runs the real `ipfs-cluster-ctl` with the given arguments. */
export async function clusterCtl(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(await clusterCtlPath(), args, opts);
}

export interface KuboNode {
  /** 1-based, as in `ipfs.sh stop <i>`. */
  readonly index: number;
  /** http://127.0.0.1:<api port> (the Kubo RPC API, `/api/v0/...`). */
  readonly apiUrl: string;
  /** /ip4/127.0.0.1/tcp/<api port> (for `ipfs --api`). */
  readonly apiMultiaddr: string;
  readonly gatewayUrl: string;
  readonly peerId: string;
  /** Full swarm multiaddrs including /p2p/<peer id>. */
  readonly swarmAddrs: readonly string[];
  readonly ipfsPath: string;
  /** Stops this daemon (SIGTERM, SIGKILL after 20 s). */
  stop(): Promise<void>;
  /** Starts it again on the same repo and ports, waits for the API, reconnects the swarm. */
  start(): Promise<void>;
}

export interface Kubo {
  readonly dir: string;
  readonly basePort: number;
  readonly nodes: readonly KuboNode[];
  /** Node i (1-based). */
  node(i: number): KuboNode;
  /** Runs the real `ipfs` CLI against node i (IPFS_PATH and --api set); stdout trimmed; throws on a non-zero exit. */
  ipfs(i: number, ...args: string[]): Promise<string>;
  /** Like `ipfs` with stdin input / env / timeout, never throwing on a non-zero exit. */
  ipfsRun(i: number, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

interface NodesJson {
  basePort: number;
  dir: string;
  nodes: { index: number; apiUrl: string; apiMultiaddr: string; gatewayUrl: string; peerId: string; swarmAddrs: string[]; ipfsPath: string }[];
}

interface Started {
  kubo: Kubo;
  ownDir: boolean;
  release: () => void;
}

const started = new Map<Kubo, Started>();

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock file of one port block; a lock of a dead process is taken over. */
function lockBlock(block: number): (() => void) | undefined {
  mkdirSync(LOCK_DIR, { recursive: true });
  const file = join(LOCK_DIR, `${block}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && pidAlive(owner)) return undefined;
      rmSync(file, { force: true });
    }
  }
  return undefined;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

async function reservePorts(nodes: number): Promise<{ basePort: number; release: () => void }> {
  const first = Math.floor(Math.random() * PORT_BLOCKS);
  for (let k = 0; k < PORT_BLOCKS; k++) {
    const block = (first + k) % PORT_BLOCKS;
    const release = lockBlock(block);
    if (release === undefined) continue;
    const basePort = PORT_RANGE_START + block * BLOCK_SIZE;
    let free = true;
    for (let p = basePort; p < basePort + nodes * 10 && free; p++) free = await portFree(p);
    if (free) return { basePort, release };
    release();
  }
  throw new Error(`no free block of ${BLOCK_SIZE} ports in ${PORT_RANGE_START}-${PORT_RANGE_START + PORT_BLOCKS * BLOCK_SIZE - 1}`);
}

export interface StartKuboOptions {
  readonly nodes: number;
  /** Folder for the repos and logs; default: a fresh temp dir, deleted by stopKubo. */
  readonly dir?: string;
}

/** Starts `nodes` real kubo daemons with tools/ipfs/ipfs.sh, swarm-connected to each other. */
export async function startKubo(opts: StartKuboOptions): Promise<Kubo> {
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > MAX_NODES) throw new Error(`startKubo: nodes must be 1..${MAX_NODES}, got ${opts.nodes}`);
  const bin = await kuboBinPath();
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'pinstate-kubo-'));
  let { basePort, release } = await reservePorts(opts.nodes);
  try {
    try {
      await script(['up', String(opts.nodes), '--base-port', String(basePort), '--dir', dir]);
    } catch (err) {
      // A port taken between our probe and the daemon's bind (another program): one more block.
      if (!(err instanceof Error && err.message.includes('already in use'))) throw err;
      release();
      await script(['down', '--dir', dir]);
      ({ basePort, release } = await reservePorts(opts.nodes));
      await script(['up', String(opts.nodes), '--base-port', String(basePort), '--dir', dir]);
    }
  } catch (err) {
    await script(['down', '--dir', dir]).catch(() => undefined);
    release();
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const info = JSON.parse(readFileSync(join(dir, 'nodes.json'), 'utf8')) as NodesJson;
  const nodes: KuboNode[] = info.nodes.map((n) => ({
    index: n.index,
    apiUrl: n.apiUrl,
    apiMultiaddr: n.apiMultiaddr,
    gatewayUrl: n.gatewayUrl,
    peerId: n.peerId,
    swarmAddrs: n.swarmAddrs,
    ipfsPath: n.ipfsPath,
    stop: async () => {
      await script(['stop', String(n.index), '--dir', dir]);
    },
    start: async () => {
      await script(['start', String(n.index), '--dir', dir]);
    },
  }));
  const node = (i: number): KuboNode => {
    const n = nodes[i - 1];
    if (n === undefined) throw new Error(`no kubo node ${i} (nodes are 1..${nodes.length})`);
    return n;
  };
  const ipfsRun = (i: number, args: readonly string[], o: RunOptions = {}): Promise<RunResult> => {
    const n = node(i);
    return run(bin, ['--api', n.apiMultiaddr, ...args], { ...o, env: { ...process.env, ...o.env, IPFS_PATH: n.ipfsPath, IPFS_TELEMETRY: 'off' } });
  };
  const kubo: Kubo = {
    dir,
    basePort,
    nodes,
    node,
    ipfsRun,
    ipfs: async (i, ...args) => {
      const r = await ipfsRun(i, args);
      if (r.code !== 0) throw new Error(`ipfs ${args.join(' ')} on node ${i} failed (exit ${r.code}): ${r.stderr.trim()}`);
      return r.stdout.trim();
    },
  };
  started.set(kubo, { kubo, ownDir, release });
  return kubo;
}

/** Stops the given daemons (default: every startKubo of this worker), frees their ports, deletes temp folders. */
export async function stopKubo(kubo?: Kubo): Promise<void> {
  const targets = kubo !== undefined ? [started.get(kubo)].filter((s): s is Started => s !== undefined) : [...started.values()];
  for (const s of targets) {
    started.delete(s.kubo);
    try {
      await script(s.ownDir ? ['clean', '--dir', s.kubo.dir] : ['down', '--dir', s.kubo.dir]);
    } finally {
      s.release();
    }
  }
}
