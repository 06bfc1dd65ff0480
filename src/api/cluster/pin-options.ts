/**
 * IPFS Cluster's pin options from a query string (api.PinOptions.FromQuery), into a pinstate pin
 * spec. Same keys and precedence as Go: `replication` overrides `replication-min`/`-max`,
 * `expire-at` wins over `expire-in`, metadata comes as `meta-<key>=<value>`. Unknown keys are
 * ignored, as Go ignores them (ipfs-cluster-ctl always sends several). Stricter than Go where Go
 * would silently drop input: an undecodable peer id or an unknown mode is a 400 naming the key.
 */
import { parseGoTime, parsePeerId } from '../../cluster/api-pin.js';
import { tryParseDuration } from '../../config/duration.js';
import { parseCid } from '../../domain/cid.js';
import { LIMITS, validatePinSpec, type PinSpec } from '../../domain/pin.js';
import { ValidationError } from '../../errors.js';

export interface ClusterPinRequest {
  readonly spec: PinSpec;
  /** Peers asked for with `user-allocations`, in the order given, distinct. */
  readonly userAllocations: readonly string[];
}

const META_PREFIX = 'meta-';

/** Go's strconv.Atoi on a non-empty parameter (absent or "" leaves 0). */
function intParam(query: Readonly<Record<string, string>>, key: string): number {
  const text = query[key];
  if (text === undefined || text === '') return 0;
  if (!/^[+-]?\d{1,10}$/.test(text)) throw new ValidationError('INVALID_FIELD', key, `parameter ${key} invalid: expected an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function expireAt(query: Readonly<Record<string, string>>, now: number): number | null {
  const at = query['expire-at'];
  if (at !== undefined && at !== '') return parseGoTime(at, 'expire-at');
  const inText = query['expire-in'];
  if (inText === undefined || inText === '') return null;
  const parsed = tryParseDuration(inText);
  if (!parsed.ok) throw new ValidationError('INVALID_FIELD', 'expire-in', `expire-in cannot be parsed: ${parsed.reason}`);
  if (parsed.ms < 1000) throw new ValidationError('INVALID_FIELD', 'expire-in', 'expire-in duration too short');
  return now + parsed.ms;
}

function userAllocations(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  const peers: string[] = [];
  text.split(',').forEach((part, i) => {
    if (part === '') return;
    const peer = parsePeerId(part, `user-allocations[${i}]`);
    if (!peers.includes(peer)) peers.push(peer);
  });
  if (peers.length > LIMITS.peersPerPin) throw new ValidationError('OVERSIZED_VALUE', 'user-allocations', `more than ${LIMITS.peersPerPin} peers`);
  return peers;
}

function origins(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((o, i) => {
    if (!o.startsWith('/') || !/\/p2p\/[A-Za-z0-9]+/.test(o)) throw new ValidationError('INVALID_FIELD', `origins[${i}]`, `multiaddress does not contain peer ID: ${JSON.stringify(o)}`);
    return o;
  });
}

function metadata(query: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith(META_PREFIX) || key.length === META_PREFIX.length) continue;
    const metaKey = key.slice(META_PREFIX.length);
    if (metaKey === '__proto__') throw new ValidationError('INVALID_FIELD', key, 'metadata key __proto__ is not allowed');
    out[metaKey] = value;
  }
  return out;
}

/**
 * A pin request from `cid` and the query. `now` is the pin's timestamp (IPFS Cluster sets it when
 * it accepts the pin). Throws ValidationError naming the query key.
 */
export function parseClusterPinRequest(cid: string, query: Readonly<Record<string, string>>, now: number): ClusterPinRequest {
  const mode = query['mode'] ?? '';
  if (mode !== '' && mode !== 'recursive' && mode !== 'direct') throw new ValidationError('INVALID_FIELD', 'mode', `unknown pin mode ${JSON.stringify(mode)}: recursive or direct`);
  const replication = intParam(query, 'replication');
  const min = replication !== 0 ? replication : intParam(query, 'replication-min');
  const max = replication !== 0 ? replication : intParam(query, 'replication-max');
  const shardText = query['shard-size'];
  if (shardText !== undefined && shardText !== '' && !/^\d{1,15}$/.test(shardText)) throw new ValidationError('INVALID_FIELD', 'shard-size', 'parameter shard_size is invalid');
  const pinUpdateText = query['pin-update'];
  const pinUpdate = pinUpdateText === undefined || pinUpdateText === '' ? null : parseCid(pinUpdateText, 'pin-update').text;
  const expires = expireAt(query, now);
  if (expires !== null && expires <= now) throw new ValidationError('INVALID_FIELD', 'expire-at', 'pin.ExpireAt set before current time');
  const allocations = userAllocations(query['user-allocations']);
  const spec = withQueryFields(() =>
    validatePinSpec({
      cid,
      pinType: 'pin',
      maxDepth: mode === 'direct' ? 0 : -1,
      replicationFactorMin: min,
      replicationFactorMax: max,
      name: query['name'] ?? '',
      metadata: metadata(query),
      expireAt: expires,
      shardSize: shardText === undefined || shardText === '' ? 0 : Number(shardText),
      pinUpdate,
      origins: origins(query['origins']),
      timestamp: now,
    }),
  );
  return { spec, userAllocations: allocations };
}

const QUERY_KEY_OF: Readonly<Record<string, string>> = {
  replicationFactorMin: 'replication-min',
  replicationFactorMax: 'replication-max',
  shardSize: 'shard-size',
  expireAt: 'expire-at',
  pinUpdate: 'pin-update',
};

/** validatePinSpec names spec fields (`replicationFactorMin`); the client knows the query keys. */
function withQueryFields<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err: unknown) {
    if (err instanceof ValidationError && err.field !== undefined) {
      const head = err.field.split(/[.[]/)[0]!;
      const key = QUERY_KEY_OF[head];
      if (key !== undefined) {
        const field = key + err.field.slice(head.length);
        throw new ValidationError(err.code, field, err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message, { cause: err });
      }
    }
    throw err;
  }
}
