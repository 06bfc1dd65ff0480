/**
 * Only prepared statements reach the database, with no CQL built from values: every TypeScript
 * file under src/, consumers/ and producers/ is parsed and its query arguments and CQL-looking
 * string building are checked (see cql-scan.ts for the rules). Values go in as bind parameters
 * (`?`); the only expressions that may be spliced into CQL text are the allow-listed constants
 * and validated identifiers below. The runtime half (every driver call has `prepare: true`) is
 * test/integration/security/prepared-statements.test.ts.
 *
 * A failure names the file, line and expression. Fix it with a bind marker; an identifier that
 * cannot be bound (a keyspace or table name) must be validated first and then listed here with
 * the reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scanSource, type AllowedInterpolation, type Violation } from './cql-scan.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SCANNED = ['src', 'consumers', 'producers'];

const ALLOWED: readonly AllowedInterpolation[] = [
  { file: 'src/store/cql.ts', expr: 'PIN_COLUMNS', why: 'a constant column list defined in the same file' },
  { file: 'src/store/cql.ts', expr: 'READ_PIN_COLUMNS', why: 'a constant column list defined in the same file' },
  { file: 'src/store/cql.ts', expr: 'READ_PLACEMENT_COLUMNS', why: 'a constant column list defined in the same file' },
  { file: 'src/store/cql.ts', expr: 'PIN_SPEC_COLUMNS', why: 'a constant column list defined in the same file' },
  { file: 'src/store/migrate.ts', expr: 'keyspace', why: 'keyspaceDdl() checks it against /^[a-z][a-z0-9_]{0,47}$/ first (and the config schema does too)' },
  { file: 'src/store/migrate.ts', expr: 'replicationClause(config.replication)', why: 'integers and data-center names that keyspaceDdl() checks against /^[A-Za-z0-9_.-]{1,64}$/ first' },
  { file: 'src/store/replication.ts', expr: 'keyspace', why: 'alterReplication() checks it against /^[a-z][a-z0-9_]{0,47}$/ first' },
  { file: 'src/store/replication.ts', expr: 'replicationClause(next)', why: 'integers and data-center names that alterReplication() checks (integer >= 0, /^[A-Za-z0-9_.-]{1,64}$/) first' },
  { file: 'src/bench/targets.ts', expr: 'target.config.scylla.keyspace', why: 'scylladb.keyspace, checked by the config schema (KEYSPACE_PATTERN) when the config is loaded' },
  { file: 'src/bench/targets.ts', expr: 'String(err)', why: 'the text of an error message ("drop keyspace <name>: <error>"), never executed' },
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const show = (v: Violation): string => `${v.file}:${v.line} [${v.rule}] \${${v.expr}} in ${v.context}`;

describe('no string-built CQL in src/, consumers/, producers/', () => {
  const files = SCANNED.flatMap((d) => sourceFiles(join(ROOT, d)));
  const results = files.map((f) => {
    const rel = relative(ROOT, f).split(sep).join('/');
    return { file: rel, ...scanSource(rel, readFileSync(f, 'utf8'), ALLOWED) };
  });

  it('finds the query call sites (the scan is not blind)', () => {
    expect(files.length).toBeGreaterThan(50);
    const calls = results.reduce((n, r) => n + r.queryArguments, 0);
    expect(calls).toBeGreaterThan(25);
    // The CQL constants with an interpolated column list are seen (and allowed).
    expect(results.find((r) => r.file === 'src/store/cql.ts')?.cqlTexts).toBeGreaterThanOrEqual(3);
  });

  it('every value spliced into a query or CQL text is an allow-listed constant or validated identifier', () => {
    expect(results.flatMap((r) => r.violations).map(show)).toEqual([]);
  });

  it('every allow-list entry names an existing file and explains itself', () => {
    for (const a of ALLOWED) {
      expect(results.some((r) => r.file === a.file), a.file).toBe(true);
      expect(a.why.length).toBeGreaterThan(10);
    }
  });
});

describe('the scanner catches string-built CQL (self-test on synthetic code)', () => {
  const scan = (code: string, allowed: readonly AllowedInterpolation[] = []): string[] => scanSource('x/sample.ts', code, allowed).violations.map((v) => v.expr);

  it('a value in a template literal passed to execute', () => {
    expect(scan('await session.execute(`SELECT * FROM pins WHERE cid = \'${cid}\'`);')).toEqual(['cid']);
  });

  it('string concatenation passed to execute', () => {
    expect(scan("await client.execute('SELECT name FROM pins WHERE owner = ' + owner, []);")).toEqual(['owner']);
  });

  it('a query built into a const first, then executed', () => {
    expect(scan('const q = `DELETE FROM pins_by_cid WHERE cid_bin = ${hex}`;\nawait session.execute(q);')).toEqual(['hex']);
  });

  it('a built statement inside a batch', () => {
    expect(scan("await client.batch([{ query: 'INSERT INTO t (a) VALUES (' + v + ')', params: [] }], { prepare: true });")).toEqual(['v']);
  });

  it('executeDdl with an identifier nobody validated', () => {
    expect(scan('await session.executeDdl(`DROP KEYSPACE IF EXISTS ${name}`);')).toEqual(['name']);
  });

  it('lower-case CQL, an array join and String.concat', () => {
    expect(scan('const q = `select * from pins where owner = ${owner}`;')).toEqual(['owner']);
    expect(scan("const q = ['SELECT a FROM t WHERE b =', value].join(' ');")).toEqual(['value']);
    expect(scan("const q = 'UPDATE pins SET name = '.concat(name);")).toEqual(['name']);
  });

  it('CQL text built anywhere, not only at the call', () => {
    expect(scan('export const CQL = { byOwner: (o: string) => `SELECT cid FROM pins WHERE owner = ${o}` };')).toEqual(['o']);
  });

  it('accepts bind markers, constants, references and non-CQL messages', () => {
    expect(scan("await session.execute('SELECT a FROM t WHERE b = ?', [b], { prepare: true });")).toEqual([]);
    expect(scan('await session.execute(CQL.selectPin, [key]);')).toEqual([]);
    expect(scan('await session.execute(query, params, { fetchSize });')).toEqual([]);
    expect(scan('throw new Error(`cannot connect to ${host}: ${reason}`);')).toEqual([]);
    expect(scan('log.info(`selected ${n} pins from the list`);')).toEqual([]);
  });

  it('allows exactly the listed expression in the listed file', () => {
    const code = 'const C = `SELECT ${COLS} FROM t WHERE k = ?`;';
    expect(scan(code, [{ file: 'x/sample.ts', expr: 'COLS', why: 'constant' }])).toEqual([]);
    expect(scan(code, [{ file: 'x/other.ts', expr: 'COLS', why: 'constant' }])).toEqual(['COLS']);
  });
});
