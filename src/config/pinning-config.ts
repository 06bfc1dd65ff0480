/**
 * The `pinning` block: the Pinning Services API's bearer tokens, each mapped to the owner whose
 * pins it may see and remove, and the bound on how much one listing may read. Kept in its own
 * file so the main schema gains one line.
 */
import { z } from 'zod';
import { LIMITS } from '../domain/pin.js';

const utf8 = new TextEncoder();

const tokenEntry = z.strictObject(
  {
    token: z.string({ error: 'expected a non-empty token' }).min(1, { error: 'expected a non-empty token' }).max(4096, { error: 'expected a token of at most 4096 characters' }),
    owner: z
      .string({ error: 'expected an owner name' })
      .min(1, { error: 'expected a non-empty owner name' })
      .refine((s) => utf8.encode(s).length <= LIMITS.ownerBytes, { error: `expected an owner name of at most ${LIMITS.ownerBytes} bytes` }),
  },
  { error: 'expected { "token": "…", "owner": "…" }' },
);

export const pinningSchema = z
  .strictObject({
    tokens: z
      .array(tokenEntry, { error: 'expected a list of { "token", "owner" } objects' })
      .superRefine((entries, ctx) => {
        const seen = new Set<string>();
        entries.forEach((e, i) => {
          // The message never shows the token itself: it is a secret.
          if (seen.has(e.token)) ctx.addIssue({ code: 'custom', path: [i, 'token'], message: 'this token is listed twice' });
          seen.add(e.token);
        });
      })
      .prefault([]),
    max_scan: z.int({ error: 'expected an integer from 1000 to 100000000' }).min(1000, { error: 'expected an integer from 1000 to 100000000' }).max(100_000_000, { error: 'expected an integer from 1000 to 100000000' }).prefault(100_000),
  })
  .prefault({});

export interface PinningToken {
  readonly token: string;
  readonly owner: string;
}

export interface PinningConfig {
  /** `pinning.tokens`: bearer token → owner. Empty (the default) = every /pinning request is refused with 401. */
  readonly tokens: readonly PinningToken[];
  /** `pinning.max_scan`, default 100000: request rows one `GET /pinning/pins` may read before it is refused as too broad. */
  readonly maxScan: number;
}

export function toPinningConfig(file: z.output<typeof pinningSchema>): PinningConfig {
  return { tokens: file.tokens.map((t) => ({ token: t.token, owner: t.owner })), maxScan: file.max_scan };
}
