/**
 * The `cluster_api` block: pinstate's IPFS Cluster REST API listener (src/api/cluster/). Keys and
 * defaults follow IPFS Cluster's `restapi` block (api/rest/config.go), so an operator can copy
 * `http_listen_multiaddress` and `basic_auth_credentials` from a cluster's service.json.
 */
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** IPFS Cluster's default (DefaultHTTPListenAddrs): what `ipfs-cluster-ctl` dials without `--host`. */
export const DEFAULT_CLUSTER_API_LISTEN = '/ip4/127.0.0.1/tcp/9094';

export interface ClusterApiConfig {
  /** `cluster_api.enabled`, default true: `pinstate start` and `pinstate api` also open this listener. */
  readonly enabled: boolean;
  /** From `cluster_api.http_listen_multiaddress`, default "/ip4/127.0.0.1/tcp/9094". */
  readonly host: string;
  readonly port: number;
  /**
   * `cluster_api.basic_auth_credentials`: user → password, or null (the default, as in IPFS
   * Cluster: no authentication). When set, every request but `GET /health` needs Basic auth or a
   * bearer JWT (HS256, issuer = user, signed with that user's password; `POST /token` issues one).
   */
  readonly basicAuthCredentials: Readonly<Record<string, string>> | null;
  /** `cluster_api.peername`, default the host name: the `peername` of `GET /id`. */
  readonly peername: string;
  /** `cluster_api.identity_file`, default "~/.pinstate/cluster-identity.json" (IPFS Cluster's identity.json format); created on first start. */
  readonly identityFile: string;
}

/** `/ip4/<a>/tcp/<port>` or `/ip6/<a>/tcp/<port>` → host and port. */
export function parseListenMultiaddr(text: string): { host: string; port: number } | null {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d{1,5})(?:\/http)?\/?$/.exec(text);
  if (m === null) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[2]!, port };
}

export const clusterApiSchema = z
  .strictObject(
    {
      enabled: z.boolean({ error: 'expected true or false' }).prefault(true),
      http_listen_multiaddress: z
        .string({ error: 'expected a multiaddress like /ip4/127.0.0.1/tcp/9094' })
        .refine((s) => parseListenMultiaddr(s) !== null, { error: 'expected a multiaddress like /ip4/127.0.0.1/tcp/9094 (port 0-65535)' })
        .prefault(DEFAULT_CLUSTER_API_LISTEN),
      basic_auth_credentials: z
        .record(z.string().min(1, { error: 'expected a non-empty user name' }), z.string({ error: 'expected a password string' }).min(1, { error: 'expected a non-empty password' }), { error: 'expected an object of user: password, or null' })
        .nullable()
        .refine((v) => v === null || Object.keys(v).length > 0, { error: 'should be null or have at least one entry (as in IPFS Cluster)' })
        .prefault(null),
      peername: z.string({ error: 'expected a string' }).prefault(''),
      identity_file: z.string({ error: 'expected a file path' }).prefault(''),
    },
    { error: 'expected an object' },
  )
  .prefault({});

export type ClusterApiFile = z.output<typeof clusterApiSchema>;

export function toClusterApiConfig(file: ClusterApiFile): ClusterApiConfig {
  const listen = parseListenMultiaddr(file.http_listen_multiaddress)!;
  return {
    enabled: file.enabled,
    host: listen.host,
    port: listen.port,
    basicAuthCredentials: file.basic_auth_credentials === null ? null : { ...file.basic_auth_credentials },
    peername: file.peername === '' ? hostname() : file.peername,
    identityFile: file.identity_file === '' ? join(homedir(), '.pinstate', 'cluster-identity.json') : file.identity_file,
  };
}
