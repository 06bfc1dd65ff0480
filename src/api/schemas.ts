/**
 * Every body of the main HTTP API, once, as zod schemas: each gives the TypeScript type (z.infer),
 * the shape check of request bodies (body.ts) and, through openapi.ts, the component schemas of
 * /openapi.json, so the document states what the server sends and enforces. Request schemas check
 * shapes only; values (ranges, byte sizes, CIDs, peer ids) are checked by the one validation step
 * in src/domain/pin.ts that every entry point runs. JSON keys are snake_case as in IPFS Cluster's
 * api.Pin; times are RFC 3339 text. Pure.
 */
import { z } from 'zod';
import { PIN_MODES, PIN_TYPES } from '../domain/pin.js';
import { PLACEMENT_STATES } from '../domain/placement-state.js';
import { ERROR_CODES } from '../errors.js';
import { API_ERROR_CODES } from './errors.js';

/**
 * The named components of /openapi.json. A registry of its own, not zod's global one, so these
 * names never collide with another API's schemas (the Pinning Services API has a `Pin` too).
 */
export const apiRegistry = z.registry<{ id: string }>();

/** RFC 3339 as the API accepts it: date, `T` (or a space), time, optional fraction, `Z` or an offset. */
export const RFC3339_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$';

const time = z.string().meta({ format: 'date-time' });
const strings = z.array(z.string());
const stringMap = z.record(z.string(), z.string());
const placementState = z.enum(PLACEMENT_STATES);

// ---- requests ----

export const PinOptionsSchema = z
  .strictObject({
    name: z.string().nullable(),
    owner: z.string().nullable(),
    type: z.enum(PIN_TYPES).nullable(),
    mode: z.enum(PIN_MODES).nullable(),
    max_depth: z.int().nullable().meta({ description: '-1 = recursive, 0 = direct, n > 0 = limited depth.' }),
    replication_factor_min: z.int().nullable().meta({ description: '0 = cluster default; -1 (with max -1) = every peer.' }),
    replication_factor_max: z.int().nullable(),
    tags: strings.nullable(),
    metadata: stringMap.nullable(),
    expire_at: z
      .string()
      // An empty string has always meant "never", like null.
      .regex(new RegExp(`^$|${RFC3339_PATTERN}`), { error: (issue) => `expected an RFC 3339 time such as "2030-01-02T15:04:05Z", got ${JSON.stringify(issue.input)}` })
      .nullable()
      .meta({ description: 'When the pin expires (RFC 3339); null, "" or absent: never.' }),
    shard_size: z.int().nullable(),
    reference: z.string().nullable(),
    origins: strings.nullable(),
    op_id: z.string().nullable().meta({ description: 'Op id to use (UUIDv7); pass the first one again when retrying.' }),
  })
  .partial()
  .meta({ description: 'Options of POST /pins/{cid}. Every key is optional, and null means the same as absent (the default). The CID is in the path.' })
  .register(apiRegistry, { id: 'PinOptions' });
export type PinOptions = z.infer<typeof PinOptionsSchema>;

export const PlacementRequestSchema = z
  .strictObject({
    peers: z
      .array(z.string(), { error: (issue) => (issue.input === undefined ? 'required: the full list of peer ids that should hold the pin' : 'expected an array of peer ids') })
      .meta({ description: 'The full set of peer ids that should hold the pin.' }),
    op_id: z.string().nullable().optional(),
  })
  .register(apiRegistry, { id: 'PlacementRequest' });
export type PlacementRequestJson = z.infer<typeof PlacementRequestSchema>;

// ---- responses ----

export const HealthSchema = z.object({ status: z.literal('ok') }).register(apiRegistry, { id: 'Health' });

export const AcceptedSchema = z.object({ op_id: z.string(), cid: z.string() }).register(apiRegistry, { id: 'Accepted' });
export type AcceptedJson = z.infer<typeof AcceptedSchema>;

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum([...ERROR_CODES, ...API_ERROR_CODES]),
      field: z.string().nullable().meta({ description: 'The input at fault (`cid`, `body`, `replication_factor_min`, `authorization`), or null.' }),
      message: z.string(),
    }),
  })
  .register(apiRegistry, { id: 'Error' });

export const PlacementSchema = z
  .object({
    desired: strings,
    actual: z.record(z.string(), placementState).meta({ description: 'Peer id → the state the peer reported (or was queued in).' }),
    errors: stringMap,
    updated_at: time,
  })
  .register(apiRegistry, { id: 'Placement' });
export type PlacementJson = z.infer<typeof PlacementSchema>;

export const PinSchema = z
  .object({
    cid: z.string(),
    name: z.string(),
    owner: z.string(),
    type: z.enum(PIN_TYPES),
    mode: z.enum(PIN_MODES),
    max_depth: z.int(),
    replication_factor_min: z.int(),
    replication_factor_max: z.int(),
    tags: strings,
    metadata: stringMap,
    expire_at: time.nullable(),
    shard_size: z.int(),
    reference: z.string().nullable(),
    pin_update: z.string().nullable(),
    origins: strings,
    timestamp: time.nullable(),
    created_at: time,
    updated_at: time,
    last_op_id: z.string(),
    placement: PlacementSchema.nullable(),
  })
  .register(apiRegistry, { id: 'Pin' });
export type PinJson = z.infer<typeof PinSchema>;

export const PeerPinSchema = z
  .object({ cid: z.string(), peer: z.string(), state: placementState, desired: z.boolean(), error: z.string().nullable(), updated_at: time })
  .register(apiRegistry, { id: 'PeerPin' });
export type PeerPinJson = z.infer<typeof PeerPinSchema>;

export const StatsSchema = z
  .object({ pins: z.int(), placements: z.record(z.string(), z.int()).meta({ description: 'Placements by state.' }), total_placements: z.int() })
  .register(apiRegistry, { id: 'Stats' });
export type StatsJson = z.infer<typeof StatsSchema>;

export const STATUS_PEER_STATES = [...PLACEMENT_STATES, 'remote'] as const;

export const PeerPinStatusSchema = z
  .object({
    status: z.enum(STATUS_PEER_STATES),
    error: z.string().nullable().meta({ description: "The peer's error text for *_error states, else null." }),
    desired: z.boolean().meta({ description: 'In the desired set.' }),
    live: z.boolean().nullable().meta({ description: 'Live by its heartbeats; null for a peer the registry has never heard of.' }),
    last_seen: time.nullable().meta({ description: 'Its newest heartbeat, or null.' }),
  })
  .register(apiRegistry, { id: 'PeerPinStatus' });

export const PinStatusSchema = z
  .object({
    cid: z.string(),
    name: z.string(),
    replication_factor_min: z.int(),
    replication_factor_max: z.int(),
    allocations: strings,
    peer_map: z.record(z.string(), PeerPinStatusSchema),
    summary: z.object({
      by_status: z.record(z.string(), z.int()).meta({ description: 'Peers per status.' }),
      pinned_live: z.int().meta({ description: 'Desired peers that are live and report pinned.' }),
      rf_min_met: z.boolean().meta({ description: 'pinned_live ≥ rf_min (-1: every live peer).' }),
      errors: z.int(),
    }),
  })
  .meta({ description: "IPFS Cluster's status (GlobalPinInfo): each peer's state for the pin, and a summary." })
  .register(apiRegistry, { id: 'PinStatus' });

export const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional(), state: z.string().optional() })),
  })
  .register(apiRegistry, { id: 'Readiness' });
