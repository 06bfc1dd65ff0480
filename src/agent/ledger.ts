/**
 * Which kubo pins the agent manages. The ledger is kept in kubo itself: every pin the agent adds
 * is named `<prefix>:<pin name>` (kubo's `pin add --name`), so it survives kubo restarts and the
 * agent's own crashes with nothing to write locally, and an operator sees it in
 * `ipfs pin ls --names`. A pin under any other name (or none) is the operator's: the agent never
 * removes it, and when the operator pinned a CID before pinstate placed it there, kubo keeps the
 * operator's pin (one recursive pin per CID) and the agent just reports the placement as pinned.
 * Pure.
 */
import type { KuboPin } from './kubo-client.js';

/** Kubo keeps pin names as given; pinstate cuts its part so a long pin name never makes `pin add` fail. */
const MAX_NAME_CHARS = 200;

/** The kubo pin name for a placement of a pin named `pinName`. */
export function managedPinName(prefix: string, pinName: string): string {
  return `${prefix}:${pinName}`.slice(0, MAX_NAME_CHARS);
}

export function isManagedName(prefix: string, name: string): boolean {
  return name === prefix || name.startsWith(`${prefix}:`);
}

/** What kubo holds for one CID, as far as a placement cares. */
export interface KuboHolding {
  /** Pinned recursively or directly (indirect pins do not count: they go when their parent goes). */
  readonly pinned: boolean;
  /** Pinned by the agent (under a managed name). */
  readonly managed: boolean;
  /** Pinned under a name that is not the agent's: the operator's pin, never touched. */
  readonly operator: boolean;
  /** The pin a managed unpin must remove, when managed. */
  readonly recursive: boolean;
}

export const NOT_HELD: KuboHolding = { pinned: false, managed: false, operator: false, recursive: false };

/** Folds kubo's pins of one CID into a holding. */
export function holdingOf(prefix: string, pins: readonly KuboPin[]): KuboHolding {
  let pinned = false;
  let managed = false;
  let recursive = false;
  let operator = false;
  for (const p of pins) {
    if (p.type === 'indirect') continue;
    pinned = true;
    if (isManagedName(prefix, p.name)) {
      managed = true;
      recursive ||= p.type === 'recursive';
    } else {
      operator = true;
    }
  }
  // `operator` pins are never re-added under pinstate's name either (kubo would turn a direct pin
  // into the new recursive one and pinstate's later unpin would take the operator's away).
  return { pinned, managed, operator, recursive };
}

/** Every recursive/direct pin of a full `pin ls`, by CID. */
export function holdingsByCid(prefix: string, pins: readonly KuboPin[]): Map<string, KuboHolding> {
  const grouped = new Map<string, KuboPin[]>();
  for (const p of pins) {
    if (p.type === 'indirect') continue;
    const list = grouped.get(p.cid);
    if (list === undefined) grouped.set(p.cid, [p]);
    else list.push(p);
  }
  const out = new Map<string, KuboHolding>();
  for (const [cid, list] of grouped) out.set(cid, holdingOf(prefix, list));
  return out;
}
