/**
 * IPFS Cluster's REST API authentication (api/common/api.go authHandler): off when no
 * credentials are configured; otherwise Basic auth with a configured user/password, or a bearer
 * JWT signed with HMAC by a user's password and carrying that user as issuer (`POST /token`
 * issues one). `OPTIONS` and `GET /health` pass without credentials. Passwords are compared in
 * constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { decode, sign, verify } from 'hono/jwt';

const REALM = 'Restricted IPFS Cluster API';

export type Credentials = Readonly<Record<string, string>>;

/** Who a request is, or why it is refused (status 401 with IPFS Cluster's message and header). */
export type AuthOutcome = { readonly ok: true; readonly user: string | null } | { readonly ok: false; readonly message: string; readonly wwwAuthenticate: readonly string[] };

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Go's Request.BasicAuth: `Basic <base64 user:pass>`, scheme case-insensitive. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** `Bearer <token>`, scheme case-insensitive (parseBearerToken). */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
  return header.slice(7);
}

function basicOk(credentials: Credentials, user: string, password: string): boolean {
  if (user === '' || password === '') return false;
  let ok = false;
  for (const [u, p] of Object.entries(credentials)) ok = (u === user && sameSecret(p, password)) || ok;
  return ok;
}

const HMAC_ALGS = new Set(['HS256', 'HS384', 'HS512']);

/** The issuer of a valid HMAC JWT signed by that issuer's password, or undefined. */
export async function verifyClusterToken(credentials: Credentials, token: string): Promise<string | undefined> {
  try {
    const { header, payload } = decode(token);
    const alg = header.alg;
    const issuer = payload.iss;
    if (!HMAC_ALGS.has(alg) || typeof issuer !== 'string' || !Object.hasOwn(credentials, issuer)) return undefined;
    await verify(token, credentials[issuer]!, alg);
    return issuer;
  } catch {
    return undefined;
  }
}

/** A JWT for `user` as IPFS Cluster's POST /token makes it: HS256, `{"iss": user}`, no expiry. */
export function issueClusterToken(user: string, password: string): Promise<string> {
  return sign({ iss: user }, password, 'HS256');
}

const wwwAuth = (scheme: string, error?: string): string => `${scheme} realm="${REALM}"${error === undefined ? '' : `, error="${error}"`}`;

export async function authenticate(credentials: Credentials | null, method: string, path: string, header: string | undefined): Promise<AuthOutcome> {
  if (credentials === null) return { ok: true, user: null };
  if (method === 'OPTIONS' || (method === 'GET' && path === '/health')) return { ok: true, user: null };
  const basic = parseBasicAuth(header);
  if (basic !== undefined) {
    return basicOk(credentials, basic.user, basic.password) ? { ok: true, user: basic.user } : { ok: false, message: 'unauthorized: access denied', wwwAuthenticate: [wwwAuth('Basic')] };
  }
  const token = parseBearer(header);
  if (token !== undefined) {
    const issuer = await verifyClusterToken(credentials, token);
    return issuer !== undefined ? { ok: true, user: issuer } : { ok: false, message: 'unauthorized: invalid token', wwwAuthenticate: [wwwAuth('Bearer', 'invalid_token')] };
  }
  return { ok: false, message: 'unauthorized: no auth provided', wwwAuthenticate: [wwwAuth('Bearer'), wwwAuth('Basic')] };
}
