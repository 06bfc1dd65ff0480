/**
 * The Pinning Services API v1.0.0 shapes as zod schemas: one schema per shape gives the request
 * validation, the TypeScript types and (through openapi.ts) the OpenAPI document, so what the
 * document states is exactly what the server enforces. Where pinstate is stricter than the
 * published spec (lengths, a CID and multiaddr pattern) the document says so. Pure.
 */
import { z } from 'zod';

/**
 * The named components of the document. A registry of its own, not zod's global one, so these
 * names (Pin, Status, …) never collide with another API's schemas in the same process.
 */
export const psaRegistry = z.registry<{ id: string }>();

/** Bounds pinstate enforces; each appears in the served OpenAPI document. */
export const PSA_LIMITS = {
  /** Pin.name (the spec's own bound). */
  nameChars: 255,
  /** Pin.origins entries: 64, above the spec's 20, because kubo sends every address it listens on (often more than 20). */
  origins: 64,
  originChars: 1024,
  /** Pin.meta entries: pinstate keeps at most 64 (the spec allows 1000, a bound it never enforces itself). */
  metaEntries: 64,
  metaKeyChars: 255,
  metaValueChars: 1024,
  /** ?cid= entries (the spec's own bound). */
  cidFilter: 10,
  /** ?limit= (the spec's bounds and default). */
  limitMax: 1000,
  limitDefault: 10,
  /** Response delegates (the spec's own bound). */
  delegates: 20,
} as const;

export const PSA_STATUSES = ['queued', 'pinning', 'pinned', 'failed'] as const;
export type PsaStatus = (typeof PSA_STATUSES)[number];

export const MATCH_STRATEGIES = ['exact', 'iexact', 'partial', 'ipartial'] as const;
export type MatchStrategy = (typeof MATCH_STRATEGIES)[number];

/** CIDv0 (base58btc `Qm…`) or CIDv1 in base32 (`b…`), base36 (`k…`) or base58btc (`z…`). The hash must also be one pinstate supports (docs/api.md). */
export const CID_PATTERN = '^(Qm[1-9A-HJ-NP-Za-km-z]{44}|b[a-z2-7]{8,254}|k[0-9a-z]{8,254}|z[1-9A-HJ-NP-Za-km-z]{8,254})$';
/** A multiaddr ending in /p2p/<peer id>, as the spec requires of origins and delegates. */
export const P2P_MULTIADDR_PATTERN = '^/[!-~]*/p2p/[0-9A-Za-z]{40,128}$';

const cidText = z
  .string()
  .max(256)
  .regex(new RegExp(CID_PATTERN), { error: 'expected a CID (v0 Qm… or v1 b…/k…/z…)' })
  .meta({ description: 'Content Identifier (CID) to be pinned recursively; the hash function must be one pinstate supports (sha2-256, sha2-512, sha3-256, sha3-512, keccak-256, blake3, blake2b-256, blake2b-512)', example: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi' });

const multiaddr = z
  .string()
  .min(1)
  .max(PSA_LIMITS.originChars)
  .regex(new RegExp(P2P_MULTIADDR_PATTERN), { error: 'expected a multiaddr ending in /p2p/<peer id>' });

export const StatusSchema = z.enum(PSA_STATUSES).meta({ description: 'Status a pin object can have at a pinning service' }).register(psaRegistry, { id: 'Status' });
export const TextMatchingStrategySchema = z.enum(MATCH_STRATEGIES).meta({ description: 'Alternative text matching strategy', default: 'exact' }).register(psaRegistry, { id: 'TextMatchingStrategy' });

export const OriginsSchema = z
  .array(multiaddr)
  .max(PSA_LIMITS.origins)
  .refine((a) => new Set(a).size === a.length, { error: 'origins must be unique' })
  .meta({ description: 'Optional list of multiaddrs known to provide the data; each must end in /p2p/<peer id>', uniqueItems: true }).register(psaRegistry, { id: 'Origins' });

export const PinMetaSchema = z
  .record(z.string().min(1).max(PSA_LIMITS.metaKeyChars), z.string().max(PSA_LIMITS.metaValueChars))
  .refine((m) => Object.keys(m).length <= PSA_LIMITS.metaEntries, { error: `at most ${PSA_LIMITS.metaEntries} entries` })
  .meta({ description: `Optional metadata for pin object: string values; keys of 1 to ${PSA_LIMITS.metaKeyChars} characters; at most ${PSA_LIMITS.metaEntries} entries (pinstate's bound)`,
    maxProperties: PSA_LIMITS.metaEntries }).register(psaRegistry, { id: 'PinMeta' });

export const StatusInfoSchema = z.record(z.string(), z.string()).meta({ description: 'Optional info for PinStatus response: status_details, and per-peer errors when failed' }).register(psaRegistry, { id: 'StatusInfo' });

export const PinSchema = z
  .strictObject({
    cid: cidText,
    name: z.string().max(PSA_LIMITS.nameChars).optional().meta({ description: 'Optional name for pinned data; can be used for lookups later' }),
    origins: OriginsSchema.optional(),
    meta: PinMetaSchema.optional(),
  })
  .meta({ description: 'Pin object' }).register(psaRegistry, { id: 'Pin' });
export type PsaPin = z.infer<typeof PinSchema>;

export const DelegatesSchema = z
  .array(z.string())
  .max(PSA_LIMITS.delegates)
  .meta({ description:
      'Multiaddrs of the peers that hold or will fetch the pin. pinstate answers [] while it knows no multiaddr of those peers (the spec asks for at least one; see docs/api.md)',
    uniqueItems: true }).register(psaRegistry, { id: 'Delegates' });

/** RFC 3339 with microseconds, unique per request (so `before` pagination never skips a request). */
const createdText = z.string().meta({ format: 'date-time', description: 'When the request entered pinstate (RFC 3339, microseconds); unique per request', example: '2026-12-04T21:10:00.123456Z' });

export const PinStatusSchema = z
  .strictObject({
    requestid: z.string().meta({ description: 'Globally unique identifier of the pin request (a UUIDv7: the op_id of the UpsertPin intent it published)' }),
    status: StatusSchema,
    created: createdText,
    pin: PinSchema,
    delegates: DelegatesSchema,
    info: StatusInfoSchema.optional(),
  })
  .meta({ description: 'Pin object with status' }).register(psaRegistry, { id: 'PinStatus' });
export type PsaPinStatus = z.infer<typeof PinStatusSchema>;

export const PinResultsSchema = z
  .strictObject({
    count: z.int().min(0).max(2_147_483_647).meta({ description: 'The total number of pin objects that exist for passed query filters' }),
    results: z.array(PinStatusSchema).max(PSA_LIMITS.limitMax),
  })
  .meta({ description: 'Response used for listing pin objects matching request' }).register(psaRegistry, { id: 'PinResults' });
export type PsaPinResults = z.infer<typeof PinResultsSchema>;

export const FailureSchema = z
  .strictObject({
    error: z.strictObject({
      reason: z.string().meta({ description: 'Mandatory string identifying the type of error', example: 'BAD_REQUEST' }),
      details: z.string().optional().meta({ description: 'Optional, longer description of the error' }),
    }),
  })
  .meta({ description: 'Response for a failed request' }).register(psaRegistry, { id: 'Failure' });
export type PsaFailure = z.infer<typeof FailureSchema>;
