/**
 * Bearer-token auth for the write endpoints. Tokens are compared in constant time: both sides are
 * hashed to 32 bytes first (so lengths never leak) and every configured token is checked, even
 * after a match.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined when absent or another scheme. */
export function bearerToken(header: string | undefined | null): string | undefined {
  if (header === undefined || header === null) return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

/** True when `presented` equals one of `tokens`. Constant time in the presented token's content. */
export function tokenMatches(presented: string, tokens: readonly string[]): boolean {
  const given = digest(presented);
  let ok = false;
  for (const token of tokens) {
    // The comparison is on the left, so every token is compared even after a match.
    ok = timingSafeEqual(given, digest(token)) || ok;
  }
  return ok;
}

/** Why a request is refused, or null when it may go on. Auth is off when `tokens` is empty. */
export function checkAuthorization(header: string | undefined | null, tokens: readonly string[]): ApiError | null {
  if (tokens.length === 0) return null;
  const token = bearerToken(header);
  if (token === undefined) return new ApiError(401, 'UNAUTHORIZED', 'authorization', 'authorization: a bearer token is required (Authorization: Bearer <token>)');
  if (!tokenMatches(token, tokens)) return new ApiError(401, 'UNAUTHORIZED', 'authorization', 'authorization: the bearer token is not valid');
  return null;
}

/** Middleware refusing requests without a configured bearer token (401 + WWW-Authenticate). */
export function requireToken(tokens: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const refused = checkAuthorization(c.req.header('authorization'), tokens);
    if (refused !== null) {
      c.header('WWW-Authenticate', 'Bearer realm="pinstate"');
      throw refused;
    }
    await next();
  };
}
