/**
 * The logger's safety net: wherever a password, token or Authorization header sits in a logged
 * object (a whole config, a nested client option, request headers), pino's redaction replaces it
 * before the line is written. redactConfig() is the first line of defence (tested in
 * test/unit/config/load.test.ts); this is the second, for objects logged by mistake.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, redactConfig } from '../../../src/config/index.js';
import { createLogger } from '../../../src/log.js';

const DB_PASSWORD = 'db-pass-5d1f0c';
const KAFKA_PASSWORD = 'kafka-pass-9b7e21';
const TOKEN = 'api-token-3a6c44';
const SECRETS = [DB_PASSWORD, KAFKA_PASSWORD, TOKEN];

function capture(): { logger: ReturnType<typeof createLogger>; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  // pino writes synchronously to a plain stream: every line is in `chunks` after the call.
  return { logger: createLogger({ level: 'trace', destination }), lines: () => chunks.join('').split('\n').filter((l) => l.length > 0) };
}

const config = loadConfig({
  env: {
    SCYLLA_USERNAME: 'pinstate',
    SCYLLA_PASSWORD: DB_PASSWORD,
    KAFKA_SASL_USERNAME: 'pinstate',
    KAFKA_SASL_PASSWORD: KAFKA_PASSWORD,
    PINSTATE_API_TOKENS: TOKEN,
  },
});

describe('pino redaction of secrets in logged objects', () => {
  const shapes: Array<[string, Record<string, unknown>]> = [
    ['a whole config, logged raw', { config }],
    ['a whole config at the top level', { ...config }],
    ['the scylla block', { scylla: config.scylla }],
    ['the kafka block', { kafka: config.kafka }],
    ['kafka sasl options', { sasl: config.kafka.sasl }],
    ['a client options object', { options: { sasl: config.kafka.sasl, ssl: true } }],
    ['the api block', { api: config.api }],
    ['a bare password', { password: DB_PASSWORD }],
    ['a bare token and token list', { token: TOKEN, tokens: [TOKEN] }],
    ['request headers', { req: { headers: { authorization: `Bearer ${TOKEN}` } } }],
    ['headers', { headers: { authorization: `Bearer ${TOKEN}` } }],
    ['an authorization field', { authorization: `Bearer ${TOKEN}` }],
    ['request headers inside a context object', { ctx: { req: { headers: { authorization: `Bearer ${TOKEN}` } } } }],
    ['a nested token list', { deps: { api: { tokens: [TOKEN] } } }],
  ];

  for (const [name, obj] of shapes) {
    it(`${name}: no secret in the line`, () => {
      const { logger, lines } = capture();
      logger.info(obj, 'logged');
      const out = lines();
      expect(out).toHaveLength(1);
      for (const secret of SECRETS) expect(out[0], `${name} leaks ${secret}`).not.toContain(secret);
    });
  }

  it('keeps what is not secret (user names, hosts) readable', () => {
    const { logger, lines } = capture();
    logger.info({ config }, 'config');
    const line = JSON.parse(lines()[0]!) as { config: { scylla: { username: string; password: string; hosts: string[] } } };
    expect(line.config.scylla.username).toBe('pinstate');
    expect(line.config.scylla.password).toBe('***');
    expect(line.config.scylla.hosts).toEqual(['127.0.0.1']);
  });

  it('redactConfig output logged as is: no secret, secrets shown as ***', () => {
    const { logger, lines } = capture();
    logger.info({ config: redactConfig(config) }, 'config');
    const line = lines()[0]!;
    for (const secret of SECRETS) expect(line).not.toContain(secret);
    expect(line).toContain('"password":"***"');
  });
});
