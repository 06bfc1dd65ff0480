/**
 * The real `ipfs-cluster-ctl` (v1.1.0), as built by the project's tools/ipfs/ipfs.sh into the
 * shared cache. PINSTATE_IPFS_CLUSTER_CTL names another build of the same binary.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { readJsonObjects } from '../../src/cluster/json-stream.js';

export function clusterCtlPath(): string {
  const override = process.env['PINSTATE_IPFS_CLUSTER_CTL'];
  if (override !== undefined && override !== '') return override;
  const script = join(packageRoot(), 'tools/ipfs/ipfs.sh');
  if (existsSync(script)) {
    try {
      return execFileSync('bash', [script, 'path', 'ipfs-cluster-ctl'], { encoding: 'utf8' }).trim();
    } catch {
      // not built yet: the message below says how
    }
  }
  throw new Error('ipfs-cluster-ctl is not built: run `bash tools/ipfs/ipfs.sh build` (or set PINSTATE_IPFS_CLUSTER_CTL)');
}

export interface CtlRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs ipfs-cluster-ctl with `args` (pass `--host` yourself); never rejects on a non-zero exit. */
export function runCtl(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CtlRun> {
  return new Promise((resolve, reject) => {
    execFile(clusterCtlPath(), [...args], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') {
        reject(new Error(`ipfs-cluster-ctl did not run: ${err.message}`));
        return;
      }
      resolve({ code: err === null ? 0 : (err.code as number), stdout, stderr });
    });
  });
}

/** The JSON objects `--enc=json` printed (indented, one after another). */
export async function jsonObjectsOf(stdout: string): Promise<unknown[]> {
  const out: unknown[] = [];
  async function* text(): AsyncGenerator<string> {
    yield stdout;
  }
  for await (const record of readJsonObjects(text())) {
    if ('error' in record) throw new Error(`not JSON output (${record.error.message}): ${stdout.slice(0, 300)}`);
    out.push(record.value);
  }
  return out;
}
