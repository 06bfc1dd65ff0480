/**
 * The one place configuration is read: the JSON file, then environment variables over it, then
 * programmatic overrides over both, validated once into a deep-frozen `PinstateConfig`.
 * A bad key, value or variable throws a `ConfigError` naming it.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { formatPath, validateConfig, type ConfigFileInput, type ConfigIssue } from './schema.js';
import type { PinstateConfig } from './types.js';

/** What `redactConfig` writes in place of a secret. */
export const REDACTED = '***';

type EnvKind = 'string' | 'secret' | 'list' | 'port' | 'integer';

export interface EnvVariable {
  /** The variable's name. */
  readonly name: string;
  /** The file key it sets. */
  readonly path: readonly string[];
  /** `list`: comma-separated; `port`, `integer`: a whole number; `secret`: used as given, never shown. */
  readonly kind: EnvKind;
}

/** Every environment variable `loadConfig` reads (besides `PINSTATE_CONFIG`), and the key each sets. */
export const ENV_VARIABLES: readonly EnvVariable[] = [
  { name: 'SCYLLA_HOSTS', path: ['scylladb', 'hosts'], kind: 'list' },
  { name: 'SCYLLA_PORT', path: ['scylladb', 'port'], kind: 'port' },
  { name: 'SCYLLA_KEYSPACE', path: ['scylladb', 'keyspace'], kind: 'string' },
  { name: 'SCYLLA_LOCAL_DC', path: ['scylladb', 'local_dc'], kind: 'string' },
  { name: 'SCYLLA_USERNAME', path: ['scylladb', 'username'], kind: 'string' },
  { name: 'SCYLLA_PASSWORD', path: ['scylladb', 'password'], kind: 'secret' },
  { name: 'SCYLLA_BACKEND', path: ['scylladb', 'backend'], kind: 'string' },
  { name: 'SCYLLA_CONSISTENCY', path: ['scylladb', 'consistency'], kind: 'string' },
  { name: 'KAFKA_BROKERS', path: ['kafka', 'brokers'], kind: 'list' },
  { name: 'KAFKA_GROUP_ID', path: ['kafka', 'group_id'], kind: 'string' },
  { name: 'KAFKA_SASL_MECHANISM', path: ['kafka', 'sasl', 'mechanism'], kind: 'string' },
  { name: 'KAFKA_SASL_USERNAME', path: ['kafka', 'sasl', 'username'], kind: 'string' },
  { name: 'KAFKA_SASL_PASSWORD', path: ['kafka', 'sasl', 'password'], kind: 'secret' },
  { name: 'PINSTATE_API_HOST', path: ['api', 'host'], kind: 'string' },
  { name: 'PINSTATE_API_PORT', path: ['api', 'port'], kind: 'port' },
  { name: 'PINSTATE_API_TOKENS', path: ['api', 'tokens'], kind: 'list' },
  { name: 'PINSTATE_LOG_LEVEL', path: ['log_level'], kind: 'string' },
  { name: 'PINSTATE_HEAP_GROWING_PERCENT', path: ['heap_growing_percent'], kind: 'integer' },
  { name: 'PINSTATE_HEAP_SEMI_SPACE_MB', path: ['heap_semi_space_mb'], kind: 'integer' },
];

/** Names the config file when `options.file` is not given. */
export const CONFIG_FILE_VARIABLE = 'PINSTATE_CONFIG';

export interface LoadConfigOptions {
  /** Path of the JSON config file; default `env.PINSTATE_CONFIG`; neither → no file, all defaults. */
  readonly file?: string | undefined;
  /** Environment to read; default `process.env`. Pass `{}` to ignore the real environment. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** File-format values applied over the file and the environment (for tests and CLI flags). */
  readonly overrides?: ConfigFileInput | undefined;
}

/**
 * Reads, merges and validates the configuration: defaults < file < environment < overrides.
 * An environment variable set to an empty (or blank) value counts as unset.
 *
 * @returns the fully-filled config, deep-frozen.
 * @throws ConfigError naming the file (missing, unreadable, not JSON), the variable, or the key at fault.
 */
export function loadConfig(options: LoadConfigOptions = {}): PinstateConfig {
  const env = options.env ?? process.env;
  const explicitFile = nonBlank(options.file);
  const file = explicitFile ?? nonBlank(env[CONFIG_FILE_VARIABLE]);
  const fileValues = file === undefined ? {} : readConfigFile(file, explicitFile === undefined);
  const { values: envValues, sources } = environmentOverlay(env);
  const overrides: unknown = options.overrides ?? {};
  const raw = merge(merge(fileValues, envValues, []), overrides, []);

  // A key the overrides set is no longer the environment's doing.
  const envSources = sources.filter((v) => getPath(overrides, v.path) === undefined);
  const result = validateConfig(raw);
  if (!result.ok) throw toConfigError(result.issues, envSources);
  return deepFreeze(result.config);
}

let defaults: PinstateConfig | undefined;

/** The configuration with every default and no file or environment: deep-frozen. */
export function defaultConfig(): PinstateConfig {
  defaults ??= loadConfig({ env: {} });
  return defaults;
}

/** A deep-frozen copy safe to log: passwords and API tokens replaced by `"***"`. */
export function redactConfig(config: PinstateConfig): PinstateConfig {
  const { scylla, kafka, api } = config;
  return deepFreeze({
    ...config,
    scylla: { ...scylla, password: scylla.password === undefined ? undefined : REDACTED },
    kafka: { ...kafka, sasl: kafka.sasl === undefined ? undefined : { ...kafka.sasl, password: REDACTED } },
    api: { ...api, tokens: api.tokens.map(() => REDACTED) },
    pinning: { ...config.pinning, tokens: config.pinning.tokens.map((t) => ({ ...t, token: REDACTED })) },
    clusterApi: redactClusterApi(config.clusterApi),
  });
}

function redactClusterApi(c: PinstateConfig['clusterApi']): PinstateConfig['clusterApi'] {
  const creds = c.basicAuthCredentials;
  return { ...c, basicAuthCredentials: creds === null ? null : Object.fromEntries(Object.keys(creds).map((user) => [user, REDACTED])) };
}

function readConfigFile(file: string, fromVariable: boolean): unknown {
  const where = fromVariable ? ` (from ${CONFIG_FILE_VARIABLE})` : '';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err: unknown) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : `cannot read file: ${err instanceof Error ? err.message : String(err)}`;
    throw new ConfigError(file, `${reason}${where}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err: unknown) {
    throw new ConfigError(file, `not valid JSON: ${err instanceof Error ? err.message : String(err)}${where}`);
  }
  if (!isPlainObject(parsed)) throw new ConfigError(file, `expected a JSON object at the top level${where}`);
  return parsed;
}

function environmentOverlay(env: NodeJS.ProcessEnv): { values: Record<string, unknown>; sources: EnvVariable[] } {
  const values: Record<string, unknown> = {};
  const sources: EnvVariable[] = [];
  for (const variable of ENV_VARIABLES) {
    const text = env[variable.name];
    if (text === undefined || text.trim() === '') continue;
    setPath(values, variable.path, envValue(variable, text));
    sources.push(variable);
  }
  return { values, sources };
}

function envValue(variable: EnvVariable, text: string): unknown {
  switch (variable.kind) {
    case 'secret':
      return text;
    case 'string':
      return text.trim();
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    case 'port':
      return wholeNumber(variable, text, 5, 'an integer port number');
    case 'integer':
      return wholeNumber(variable, text, 9, 'a whole number');
  }
}

/** A variable's digits as a number (up to `maxDigits`; the schema checks the range), or a ConfigError naming it. */
function wholeNumber(variable: EnvVariable, text: string, maxDigits: number, what: string): number {
  const trimmed = text.trim();
  if (!new RegExp(`^\\d{1,${maxDigits}}$`).test(trimmed)) throw new ConfigError(variable.name, `expected ${what}, got ${JSON.stringify(text)} (sets ${formatPath(variable.path)})`);
  return Number(trimmed);
}

/** The first issue names the key (or variable); the rest are summarised so one run shows them all. */
function toConfigError(issues: readonly ConfigIssue[], envSources: readonly EnvVariable[]): ConfigError {
  const described = issues.map((issue) => {
    const variable = envSources.find((v) => isWithin(issue.path, formatPath(v.path)));
    return variable === undefined ? issue : { path: variable.name, message: `${issue.message} (sets ${issue.path})` };
  });
  const [first, ...rest] = described;
  if (first === undefined) return new ConfigError('(unknown)', 'invalid configuration');
  const shown = rest.slice(0, 5).map((i) => `${i.path}: ${i.message}`);
  if (rest.length > shown.length) shown.push(`and ${rest.length - shown.length} more`);
  const more = rest.length === 0 ? '' : ` [${rest.length} more: ${shown.join('; ')}]`;
  return new ConfigError(first.path, `${first.message}${more}`);
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}.`) || path.startsWith(`${parent}[`);
}

function nonBlank(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys whose object value replaces rather than merges: a replication strategy is one unit. */
const REPLACED_WHOLE = new Set(['scylladb.replication']);

/** Deep merge of file-format values: objects merge key by key, anything else replaces; `undefined` keeps. */
function merge(base: unknown, over: unknown, path: readonly string[]): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over) || REPLACED_WHOLE.has(path.join('.'))) return over;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) defineOwn(out, key, base[key]);
  for (const key of Object.keys(over)) defineOwn(out, key, merge(base[key], over[key], [...path, key]));
  return out;
}

/** Plain assignment of `__proto__` would change the prototype; define it so validation sees an unknown key. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isPlainObject(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function getPath(source: unknown, path: readonly string[]): unknown {
  let node = source;
  for (const key of path) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
