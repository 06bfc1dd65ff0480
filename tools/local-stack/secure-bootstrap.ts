/**
 * Roles of the secure local Cassandra node (PasswordAuthenticator + TLS), run by stack.sh once
 * after the node's first start (`node --import tsx`). No cqlsh: the project's cassandra-driver.
 *
 * 1. Log in as the built-in superuser cassandra/cassandra (created by the node
 *    superuser_setup_delay_ms after start) and create our own superuser (SECURE_ADMIN_USER).
 * 2. As that superuser: create the application role (SECURE_APP_USER: LOGIN, not a superuser)
 *    with only CREATE ON ALL KEYSPACES (a role owns what it creates, so it can apply the schema,
 *    use and drop its own keyspaces, and nothing else), then give the built-in superuser a random
 *    password and disable its login.
 * Idempotent: when our superuser already logs in, step 1 is skipped and step 2 re-asserted.
 *
 * Environment (all set by stack.sh): SECURE_HOST SECURE_PORT SECURE_DC SECURE_CA_FILE
 * SECURE_ADMIN_USER SECURE_ADMIN_PASSWORD SECURE_APP_USER SECURE_APP_PASSWORD
 * SECURE_DEFAULT_PASSWORD SECURE_TIMEOUT_S. Passwords are never printed.
 */
import { readFileSync } from 'node:fs';
import cassandra from 'cassandra-driver';
import { sleep } from '../../src/sleep.js';

function env(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') {
    console.error(`secure-bootstrap: ${name} is not set`);
    process.exit(2);
  }
  return v;
}

const host = env('SECURE_HOST');
const port = Number(env('SECURE_PORT'));
const dc = env('SECURE_DC');
const ca = readFileSync(env('SECURE_CA_FILE'));
const admin = { user: env('SECURE_ADMIN_USER'), password: env('SECURE_ADMIN_PASSWORD') };
const app = { user: env('SECURE_APP_USER'), password: env('SECURE_APP_PASSWORD') };
const defaultPassword = env('SECURE_DEFAULT_PASSWORD');
const deadline = Date.now() + Number(process.env['SECURE_TIMEOUT_S'] ?? '120') * 1000;

const quote = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`;

async function login(user: string, password: string): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: [`${host}:${port}`],
    localDataCenter: dc,
    protocolOptions: { port, maxVersion: cassandra.types.protocolVersion.v4 },
    authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
    sslOptions: { ca: [ca], rejectUnauthorized: true },
    socketOptions: { connectTimeout: 5000, readTimeout: 20000 },
  });
  try {
    await client.connect();
    return client;
  } catch (err: unknown) {
    await client.shutdown().catch(() => undefined);
    throw err;
  }
}

/** The first host's reason (the driver's own message embeds a stack trace). */
function reason(err: unknown): string {
  const inner = (err as { innerErrors?: Record<string, unknown> } | undefined)?.innerErrors;
  const first = inner ? Object.values(inner)[0] : undefined;
  if (first instanceof Error) return first.message;
  return err instanceof Error ? err.message : String(err);
}

// Role statements take no bind markers for their options; every value here is ours (generated
// hex passwords, fixed role names), quoted anyway.
async function run(client: cassandra.Client, cql: string): Promise<void> {
  await client.execute(cql, [], { prepare: false });
}

async function main(): Promise<void> {
  let superuser: cassandra.Client | undefined;
  while (superuser === undefined) {
    let lastError: string;
    try {
      superuser = await login(admin.user, admin.password);
      break;
    } catch (err: unknown) {
      lastError = `${admin.user}: ${reason(err)}`;
    }
    try {
      const builtin = await login('cassandra', 'cassandra');
      try {
        await run(builtin, `CREATE ROLE IF NOT EXISTS ${ident(admin.user)} WITH SUPERUSER = true AND LOGIN = true AND PASSWORD = ${quote(admin.password)}`);
        console.log(`secure-bootstrap: created superuser role ${admin.user}`);
      } finally {
        await builtin.shutdown();
      }
      continue;
    } catch (err: unknown) {
      lastError += `; cassandra: ${reason(err)}`;
    }
    if (Date.now() > deadline) {
      console.error(`secure-bootstrap: cannot log in to ${host}:${port} (${lastError})`);
      console.error('secure-bootstrap: if .local/secure/secrets.env was recreated after the node was set up, delete .local/cassandra/secure and run stack.sh up again.');
      process.exit(1);
    }
    await sleep(500);
  }

  try {
    await run(superuser, `CREATE ROLE IF NOT EXISTS ${ident(app.user)} WITH LOGIN = true AND SUPERUSER = false AND PASSWORD = ${quote(app.password)}`);
    await run(superuser, `GRANT CREATE ON ALL KEYSPACES TO ${ident(app.user)}`);
    await run(superuser, `ALTER ROLE cassandra WITH PASSWORD = ${quote(defaultPassword)} AND LOGIN = false`);
    console.log(`secure-bootstrap: role ${app.user} (login, CREATE ON ALL KEYSPACES); built-in superuser 'cassandra' disabled`);
  } finally {
    await superuser.shutdown();
  }
}

await main();
