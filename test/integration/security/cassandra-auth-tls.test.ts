/**
 * The database connection against a real Cassandra node that requires TLS and a password
 * (PasswordAuthenticator + CassandraAuthorizer, client_encryption_options optional: false; the
 * local stack's secure node). The app's own openSession / applySchema / createStore are used as
 * the service uses them, with `scylladb.username`, `scylladb.password` and `scylladb.tls`.
 *
 * The pinstate role is not a superuser: it holds only CREATE ON ALL KEYSPACES, so the schema
 * apply, the writes and the reads below also show that pinstate needs no more than that.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { PinstateConfig, ScyllaConfig } from '../../../src/config/types.js';
import { PinstateError } from '../../../src/errors.js';
import { applySchema } from '../../../src/store/migrate.js';
import { openSession } from '../../../src/store/session.js';
import { createStore, type PinStore } from '../../../src/store/store.js';
import { cidV1, opId, peerId } from '../../support/cids.js';
import { uniqueName } from '../../support/env.js';
import { describeSecure, secure, secureConfig, skipReason, untrustedCa } from './helpers.js';

/** Connect failures are not retried for long: fail fast instead of waiting out reconnection. */
const fast = { connect_timeout: '5s', retry_policy: { num_retries: 0, min_retry_delay: '10ms', max_retry_delay: '20ms' } };

let config: PinstateConfig;
let keyspace: string;
let store: PinStore | undefined;

/** openSession's error for a config, asserted to be a DB_UNAVAILABLE PinstateError. */
async function connectError(scylla: ScyllaConfig): Promise<PinstateError> {
  const err: unknown = await openSession({ config: scylla }).then(
    async (s) => {
      await s.shutdown();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err, 'openSession should have failed').toBeInstanceOf(PinstateError);
  const e = err as PinstateError;
  expect(e.code).toBe('DB_UNAVAILABLE');
  return e;
}

const where = (): string => `${secure().cassandra.hosts[0]}:${secure().cassandra.port}`;

describeSecure(`Cassandra with PasswordAuthenticator and required TLS${skipReason}`, () => {
  beforeAll(() => {
    keyspace = uniqueName('sec_cass');
    config = secureConfig({ scylladb: { keyspace, ...fast } });
  });
  afterAll(async () => {
    await store?.close();
    if (keyspace !== undefined && config !== undefined) {
      const admin = await openSession({ config: config.scylla });
      try {
        await admin.executeDdl(`DROP KEYSPACE IF EXISTS ${keyspace}`);
      } finally {
        await admin.shutdown();
      }
    }
  });

  it('as the pinstate role over TLS: applies the schema, writes a pin and reads it back', async () => {
    expect(config.scylla.username).toBe(secure().cassandra.username);
    expect(config.scylla.tls).toMatchObject({ enabled: true, caFile: secure().caFile, insecureSkipVerify: false });
    const report = await applySchema({ config: config.scylla });
    expect(report.keyspace).toBe(keyspace);
    expect(report.tables).toContain('pins_by_cid');
    store = await createStore({ config: config.scylla });
    const cid = cidV1('secure-cassandra');
    const peer = peerId('secure-cassandra');
    await store.upsertPin(opId('sec'), { cid, name: 'over-tls', replicationFactorMin: 1, replicationFactorMax: 1 });
    await store.setDesiredPlacement(opId('sec'), cid, [peer]);
    const pin = await store.get(cid);
    expect(pin.spec.cid).toBe(cid);
    expect(pin.spec.name).toBe('over-tls');
    expect((await store.getPlacement(cid))?.desired).toEqual([peer]);
    expect((await store.stats()).pins).toBe(1);
  });

  it('the pinstate role is not a superuser: it cannot create roles or read the password table', async () => {
    const session = await openSession({ config: config.scylla });
    try {
      await expect(session.executeDdl(`CREATE ROLE ${uniqueName('intruder')} WITH PASSWORD = 'x' AND LOGIN = true`)).rejects.toThrow(/Unauthorized|not have sufficient privileges|permission/i);
      await expect(session.execute('SELECT role, salted_hash FROM system_auth.roles')).rejects.toThrow(/Unauthorized|permission|SELECT/i);
    } finally {
      await session.shutdown();
    }
  });

  it('a wrong password: DB_UNAVAILABLE naming the host and the authentication failure, without the password', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const err = await connectError({ ...config.scylla, password: wrong });
    expect(err.message).toContain(where());
    expect(err.message).toMatch(new RegExp(`${where().replace(/\./g, '\\.')}: AuthenticationError: Provided username ${secure().cassandra.username} and/or password are incorrect`));
    // One line per host, no driver stack trace.
    expect(err.message).not.toMatch(/\n\s+at /);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(secure().cassandra.password);
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(wrong);
  });

  it('createStore with a wrong password fails the same way (nothing half-open)', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const err: unknown = await createStore({ config: { ...config.scylla, password: wrong } }).then(
      async (s) => {
        await s.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PinstateError);
    expect((err as PinstateError).code).toBe('DB_UNAVAILABLE');
    expect((err as PinstateError).message).not.toContain(wrong);
  });

  it('a user that does not exist, and the disabled built-in superuser cassandra/cassandra, are refused', async () => {
    for (const [username, password] of [[`nobody_${randomBytes(3).toString('hex')}`, 'whatever-pass'], ['cassandra', 'cassandra']] as const) {
      const err = await connectError({ ...config.scylla, username, password });
      expect(err.message).toMatch(/AuthenticationError|password are incorrect/);
      if (username !== 'cassandra') expect(err.message).not.toContain(password);
    }
  });

  it('no credentials: refused, the server requires authentication', async () => {
    const err = await connectError({ ...config.scylla, username: undefined, password: undefined });
    expect(err.message).toContain(where());
    expect(err.message).toMatch(/requires authentication/);
  });

  it('TLS with an untrusted CA: refused before any credential is sent', async () => {
    const ca = untrustedCa();
    try {
      const err = await connectError({ ...config.scylla, tls: { ...config.scylla.tls, caFile: ca.file } });
      expect(err.message).toContain(where());
      expect(err.message).toMatch(/self[- ]signed certificate|unable to (get|verify)|certificate/i);
    } finally {
      ca.dispose();
    }
  });

  it('TLS trusting only the system CAs: refused (the local CA is not one of them)', async () => {
    const err = await connectError({ ...config.scylla, tls: { ...config.scylla.tls, caFile: undefined } });
    expect(err.message).toMatch(/self[- ]signed certificate|unable to (get|verify)|certificate/i);
  });

  it('insecure_skip_verify (testing only) accepts the untrusted chain: the option is what turns verification off', async () => {
    const ca = untrustedCa();
    try {
      const session = await openSession({ config: { ...config.scylla, tls: { ...config.scylla.tls, caFile: ca.file, insecureSkipVerify: true } } });
      try {
        expect((await session.execute('SELECT release_version FROM system.local')).rows).toHaveLength(1);
      } finally {
        await session.shutdown();
      }
    } finally {
      ca.dispose();
    }
  });

  it('plaintext (tls.enabled false) with the right password: refused, TLS is required', async () => {
    const err = await connectError({ ...config.scylla, tls: { ...config.scylla.tls, enabled: false } });
    expect(err.message).toContain(where());
    expect(err.message).not.toContain(secure().cassandra.password);
  });
});
