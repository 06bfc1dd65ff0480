/**
 * The agent's edge to its IPFS node: the few Kubo RPC calls it needs (`POST /api/v0/...`), with
 * Node's built-in fetch. None of them uploads a body, so there is no multipart to write; every
 * argument is a query parameter, as kubo's HTTP RPC takes them.
 *
 * Errors are data: a KuboError says whether kubo was unreachable (connection refused, reset, no
 * answer in time) or answered with an error of its own, whose text is kept as kubo wrote it (the
 * agent acks `pin_error` with it).
 */

export const KUBO_ERROR_KINDS = [
  /** No answer: connection refused or reset, or our own deadline passed. Retried; kubo may be restarting. */
  'unreachable',
  /** Kubo answered that the operation timed out (its `timeout` option: the content was not found in time). */
  'timeout',
  /** Kubo answered with an error (bad CID, not pinned, repo full...). */
  'rejected',
] as const;
export type KuboErrorKind = (typeof KUBO_ERROR_KINDS)[number];

export class KuboError extends Error {
  readonly kind: KuboErrorKind;
  /** The RPC path, e.g. "pin/add". */
  readonly command: string;
  readonly status: number | undefined;

  constructor(kind: KuboErrorKind, command: string, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KuboError';
    this.kind = kind;
    this.command = command;
    this.status = options.status;
  }
}

export type KuboPinType = 'recursive' | 'direct' | 'indirect';

export interface KuboPin {
  readonly cid: string;
  readonly type: KuboPinType;
  /** The pin's name ("" when none). */
  readonly name: string;
}

export interface KuboIdentity {
  readonly id: string;
  /** Swarm multiaddrs as kubo reports them (each ending in /p2p/<id>). */
  readonly addresses: readonly string[];
}

export interface KuboRepoStat {
  readonly repoSize: number;
  readonly storageMax: number;
}

/** What the agent needs from kubo; the fake in the unit tests implements the same. */
export interface KuboApi {
  id(): Promise<KuboIdentity>;
  /** Kubo's version, e.g. "0.43.1". */
  version(): Promise<string>;
  repoStat(): Promise<KuboRepoStat>;
  swarmConnect(multiaddr: string, timeoutMs: number): Promise<void>;
  /** Pins `cid` (fetching it first); `timeoutMs` is passed to kubo as its `timeout` option. */
  pinAdd(cid: string, options: { readonly recursive: boolean; readonly name: string; readonly timeoutMs: number; readonly signal?: AbortSignal }): Promise<void>;
  pinRm(cid: string, options: { readonly recursive: boolean }): Promise<void>;
  /** The pins of `cid` (recursive, direct or indirect), or [] when it is not pinned. */
  pinLsOne(cid: string): Promise<KuboPin[]>;
  /** Every recursive and direct pin (indirect ones are the blocks under recursive pins and are not listed). */
  pinLsAll(): Promise<KuboPin[]>;
}

export interface KuboClientOptions {
  /** http://127.0.0.1:5001 */
  readonly apiUrl: string;
  /** Deadline of calls without their own, ms. */
  readonly requestTimeoutMs: number;
  /** Default globalThis.fetch. */
  readonly fetch?: typeof fetch;
}

const TIMEOUT_TEXT = /context deadline exceeded|timed out|timeout/i;
/** How much longer than kubo's own `timeout` we wait for its answer before calling it unreachable. */
const ANSWER_GRACE_MS = 5000;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pinType(value: unknown): KuboPinType {
  const t = typeof value === 'string' ? value.toLowerCase() : '';
  if (t === 'direct') return t;
  // kubo writes "indirect through <cid>" for an indirect pin of one CID.
  if (t.startsWith('indirect')) return 'indirect';
  return 'recursive';
}

export function createKuboClient(options: KuboClientOptions): KuboApi {
  const base = options.apiUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;

  async function call(command: string, params: ReadonlyArray<readonly [string, string]>, timeoutMs: number, signal?: AbortSignal): Promise<string> {
    const url = new URL(`${base}/api/v0/${command}`);
    for (const [k, v] of params) url.searchParams.append(k, v);
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([deadline, signal]);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, { method: 'POST', signal: combined });
      text = await res.text();
    } catch (err: unknown) {
      const why = deadline.aborted ? `no answer from kubo within ${timeoutMs} ms` : signal?.aborted === true ? 'aborted' : err instanceof Error ? describeFetchError(err) : String(err);
      throw new KuboError('unreachable', command, `kubo ${command} at ${base}: ${why}`, { cause: err });
    }
    if (!res.ok) {
      const message = errorMessage(text) ?? `HTTP ${res.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`;
      // A proxy or a kubo still starting answers 502/503: that is kubo not being there, not a verdict.
      if (res.status === 502 || res.status === 503 || res.status === 504) throw new KuboError('unreachable', command, message, { status: res.status });
      throw new KuboError(TIMEOUT_TEXT.test(message) ? 'timeout' : 'rejected', command, message, { status: res.status });
    }
    return text;
  }

  async function json(command: string, params: ReadonlyArray<readonly [string, string]> = [], timeoutMs = options.requestTimeoutMs): Promise<Record<string, unknown>> {
    const text = await call(command, params, timeoutMs);
    try {
      const value: unknown = JSON.parse(text);
      if (isObject(value)) return value;
    } catch {
      // fall through
    }
    throw new KuboError('rejected', command, `kubo ${command} answered something that is not a JSON object: ${text.slice(0, 200)}`);
  }

  /** Parses `pin/ls?stream=true` NDJSON: one `{"Cid","Type","Name"}` per line; an error line ends the stream. */
  function parsePinLines(command: string, text: string): KuboPin[] {
    const pins: KuboPin[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new KuboError('rejected', command, `kubo ${command} answered a line that is not JSON: ${line.slice(0, 200)}`);
      }
      if (!isObject(value)) continue;
      if (value['Type'] === 'error') throw new KuboError('rejected', command, typeof value['Message'] === 'string' ? value['Message'] : 'error');
      const cid = value['Cid'];
      if (typeof cid !== 'string') continue;
      pins.push({ cid, type: pinType(value['Type']), name: typeof value['Name'] === 'string' ? value['Name'] : '' });
    }
    return pins;
  }

  return {
    async id() {
      const body = await json('id');
      const id = body['ID'];
      if (typeof id !== 'string' || id === '') throw new KuboError('rejected', 'id', 'kubo id answered without an ID');
      const addrs = Array.isArray(body['Addresses']) ? body['Addresses'].filter((a): a is string => typeof a === 'string') : [];
      return { id, addresses: addrs };
    },
    async version() {
      const body = await json('version');
      return typeof body['Version'] === 'string' ? body['Version'] : 'unknown';
    },
    async repoStat() {
      const body = await json('repo/stat', [['size-only', 'true']]);
      const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : 0);
      return { repoSize: num(body['RepoSize']), storageMax: num(body['StorageMax']) };
    },
    async swarmConnect(multiaddr, timeoutMs) {
      await call('swarm/connect', [['arg', multiaddr]], timeoutMs);
    },
    async pinAdd(cid, o) {
      const params: Array<readonly [string, string]> = [
        ['arg', cid],
        ['recursive', String(o.recursive)],
        ['progress', 'false'],
        ['name', o.name],
        ['timeout', `${o.timeoutMs}ms`],
      ];
      await call('pin/add', params, o.timeoutMs + ANSWER_GRACE_MS, o.signal);
    },
    async pinRm(cid, o) {
      await call('pin/rm', [['arg', cid], ['recursive', String(o.recursive)]], options.requestTimeoutMs);
    },
    async pinLsOne(cid) {
      try {
        const text = await call('pin/ls', [['arg', cid], ['type', 'all'], ['names', 'true'], ['stream', 'true']], options.requestTimeoutMs);
        return parsePinLines('pin/ls', text);
      } catch (err: unknown) {
        if (err instanceof KuboError && err.kind === 'rejected' && /is not pinned/i.test(err.message)) return [];
        throw err;
      }
    },
    async pinLsAll() {
      const out: KuboPin[] = [];
      for (const type of ['recursive', 'direct'] as const) {
        const text = await call('pin/ls', [['type', type], ['names', 'true'], ['stream', 'true']], options.requestTimeoutMs);
        out.push(...parsePinLines('pin/ls', text));
      }
      return out;
    },
  };
}

/** Kubo's answer to a failed command: `{"Message": "...", "Code": 0, "Type": "error"}`. */
function errorMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    const message = isObject(body) ? body['Message'] : undefined;
    if (typeof message === 'string' && message !== '') return message;
  } catch {
    // not JSON
  }
  return undefined;
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED...). */
function describeFetchError(err: Error): string {
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code === undefined ? cause.message : `${code} ${cause.message}`;
  }
  return err.message;
}
