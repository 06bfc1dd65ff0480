/** What `pinstate follow` prints: one JSON object per placement change, one per line (NDJSON). */
import type { PlacementChange } from '../../src/domain/messages.js';

/** The printed form: wire-style snake_case names, the time as ISO 8601. */
export interface ChangeLine {
  readonly cid: string;
  readonly peer: string;
  readonly desired: boolean;
  readonly state: string;
  readonly op_id: string;
  readonly ts: string;
}

export function changeLine(change: PlacementChange): ChangeLine {
  return { cid: change.cid, peer: change.peer, desired: change.desired, state: change.state, op_id: change.opId, ts: new Date(change.ts).toISOString() };
}

/** One NDJSON line for a change, ending in "\n" (JSON.stringify escapes any newline inside values). */
export function formatChangeNdjson(change: PlacementChange): string {
  return `${JSON.stringify(changeLine(change))}\n`;
}
