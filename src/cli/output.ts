/** Output helpers shared by commands: JSON lines for scripts, aligned text for people. */
import type { PinJson } from '../api/schemas.js';
import type { CliContext } from './context.js';

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(`${JSON.stringify(value)}\n`);
}

/** `key  value` lines with the keys padded to one width. */
export function printFields(ctx: CliContext, fields: ReadonlyArray<readonly [string, string]>): void {
  const width = Math.max(...fields.map(([k]) => k.length));
  ctx.out(fields.map(([k, v]) => `${k.padEnd(width)}  ${v}\n`).join(''));
}

/** A pin for people: the fields that are set, then its placement. */
export function pinFields(pin: PinJson): Array<readonly [string, string]> {
  const fields: Array<readonly [string, string]> = [
    ['cid', pin.cid],
    ['name', pin.name || '-'],
    ['owner', pin.owner || '-'],
    ['type', `${pin.type} (${pin.mode}, max_depth ${pin.max_depth})`],
    ['replication', `min ${pin.replication_factor_min}, max ${pin.replication_factor_max}`],
    ['tags', pin.tags.length === 0 ? '-' : pin.tags.join(', ')],
    ['metadata', Object.keys(pin.metadata).length === 0 ? '-' : Object.entries(pin.metadata).map(([k, v]) => `${k}=${v}`).join(', ')],
    ['expire_at', pin.expire_at ?? 'never'],
    ['updated_at', `${pin.updated_at} (op ${pin.last_op_id})`],
  ];
  const p = pin.placement;
  if (p === null) fields.push(['placement', '-']);
  else {
    fields.push(['desired', p.desired.length === 0 ? '-' : p.desired.join(', ')]);
    const actual = Object.entries(p.actual);
    fields.push(['actual', actual.length === 0 ? '-' : actual.map(([peer, state]) => `${peer}=${state}${p.errors[peer] ? ` (${p.errors[peer]})` : ''}`).join(', ')]);
  }
  return fields;
}
