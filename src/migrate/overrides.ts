/**
 * `--rmin N --rmax N --allocs p1,p2`: the per-pin overrides of `ipfs-cluster-service state import`
 * (cmdutils/state.go importState): a factor > 0 replaces the pin's, a non-empty peer list
 * replaces `allocations`. Unlike Go, the result is validated again (an override can make
 * min > max); such a pin is rejected like any bad record, naming the JSON key. Pure.
 */
import type { ClusterPin } from '../cluster/index.js';
import { validatePeerId, validatePeers, validatePinSpec, validateReplication } from '../domain/pin.js';
import { PinstateError, ValidationError } from '../errors.js';

export interface PinOverrides {
  /** > 0 replaces replication_factor_min. */
  readonly rmin?: number;
  /** > 0 replaces replication_factor_max. */
  readonly rmax?: number;
  /** Non-empty: replaces allocations (sorted, distinct). */
  readonly allocs?: readonly string[];
}

export const NO_OVERRIDES: PinOverrides = Object.freeze({});

/** Parses the CLI flags; throws a ValidationError naming the flag. */
export function parseOverrides(flags: { rmin?: string | undefined; rmax?: string | undefined; allocs?: string | undefined }): PinOverrides {
  const out: { rmin?: number; rmax?: number; allocs?: string[] } = {};
  const rmin = parseFactor(flags.rmin, '--rmin');
  const rmax = parseFactor(flags.rmax, '--rmax');
  if (rmin !== undefined) out.rmin = rmin;
  if (rmax !== undefined) out.rmax = rmax;
  if (flags.allocs !== undefined && flags.allocs.trim() !== '') {
    const peers = flags.allocs.split(',').map((p) => p.trim()).filter((p) => p !== '');
    peers.forEach((p, i) => validatePeerId(p, `--allocs[${i}]`));
    out.allocs = validatePeers(peers, '--allocs');
  }
  return Object.freeze(out);
}

function parseFactor(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim())) throw new ValidationError('INVALID_FIELD', flag, `expected an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  // Go applies only values > 0; 0 or less leaves the pin's own factor, as there.
  return n > 0 ? n : undefined;
}

export function hasOverrides(o: PinOverrides): boolean {
  return o.rmin !== undefined || o.rmax !== undefined || (o.allocs !== undefined && o.allocs.length > 0);
}

/** A stable text form, stored in the import checkpoint: a resume must use the same overrides. */
export function overridesKey(o: PinOverrides): string {
  return JSON.stringify({ rmin: o.rmin ?? null, rmax: o.rmax ?? null, allocs: o.allocs ?? [] });
}

/** Applies the overrides to one pin; throws a ValidationError naming the JSON key when the result is invalid. */
export function applyOverrides(pin: ClusterPin, o: PinOverrides, where?: string): ClusterPin {
  if (!hasOverrides(o)) return pin;
  const min = o.rmin ?? pin.spec.replicationFactorMin;
  const max = o.rmax ?? pin.spec.replicationFactorMax;
  try {
    validateReplication(min, max);
  } catch (err: unknown) {
    if (!(err instanceof PinstateError)) throw err;
    const field = err.field === 'replicationFactorMin' ? 'replication_factor_min' : 'replication_factor_max';
    const inner = err.message.slice(err.message.indexOf(': ') + 2);
    throw new ValidationError(err.code, field, `after --rmin/--rmax overrides (${min}/${max}): ${inner}${where === undefined ? '' : ` (${where})`}`, { cause: err });
  }
  const spec = min === pin.spec.replicationFactorMin && max === pin.spec.replicationFactorMax ? pin.spec : validatePinSpec({ ...pin.spec, replicationFactorMin: min, replicationFactorMax: max });
  const allocations = o.allocs !== undefined && o.allocs.length > 0 ? o.allocs : pin.allocations;
  return Object.freeze({ spec, allocations, userAllocations: pin.userAllocations });
}
