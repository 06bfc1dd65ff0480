import cassandra from 'cassandra-driver';

/** A bigint token as the driver's Long (bigint bind values). */
export function toLongBig(value: bigint): cassandra.types.Long {
  return cassandra.types.Long.fromString(value.toString());
}
