/**
 * Every command's usage errors exit 2 with a message naming what was wrong, before anything
 * connects (no server is needed); --help works everywhere and exits 0.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from './capture.js';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const PEER = '12D3KooWAbCdEf';

const COMMANDS = [
  ['schema', 'apply'],
  ['topics', 'ensure'],
  ['stats'],
  ['start'],
  ['writer'],
  ['api'],
  ['sweep-ttl'],
  ['follow'],
  ['pin', 'add'],
  ['pin', 'rm'],
  ['pin', 'ls'],
  ['pin', 'get'],
  ['placement', 'set'],
  ['ack'],
  ['top'],
];

const USAGE_ERRORS: Array<[string, string[], RegExp]> = [
  ['schema apply: extra argument', ['schema', 'apply', 'now'], /too many arguments/],
  ['topics ensure: unknown option', ['topics', 'ensure', '--partitions', '3'], /unknown option '--partitions'/],
  ['stats: unknown option', ['stats', '--bogus'], /unknown option '--bogus'/],
  ['start: bad --sweep-interval', ['start', '--sweep-interval', 'often'], /--sweep-interval: expected a duration/],
  ['writer: extra argument', ['writer', 'two'], /too many arguments/],
  ['api: unknown option', ['api', '--port', '1'], /unknown option '--port'/],
  ['sweep-ttl: bad --interval', ['sweep-ttl', '--interval', '10'], /--interval: expected a duration/],
  ['follow: --peer missing', ['follow'], /required option '--peer <id>' not specified/],
  ['follow: bad peer', ['follow', '--peer', 'not a peer'], /--peer: peer id must be alphanumeric/],
  ['follow: bad --count', ['follow', '--peer', PEER, '--count', '0'], /--count: must be at least 1/],
  ['pin add: cid missing', ['pin', 'add'], /missing required argument 'cid'/],
  ['pin add: bad cid', ['pin', 'add', 'not-a-cid'], /^error: cid: /m],
  ['pin add: bad --rf-min', ['pin', 'add', CID, '--rf-min', 'two'], /--rf-min: expected an integer, got "two"/],
  ['pin add: --rf-min > --rf-max', ['pin', 'add', CID, '--rf-min', '3', '--rf-max', '2'], /--rf-min: min \(3\) is greater than max \(2\)/],
  ['pin add: bad --meta', ['pin', 'add', CID, '--meta', 'novalue'], /--meta: expected key=value/],
  ['pin add: bad --expire-at', ['pin', 'add', CID, '--expire-at', 'tomorrow'], /--expire-at: expected an RFC 3339 time/],
  ['pin add: past --expire-at', ['pin', 'add', CID, '--expire-at', '2001-01-01T00:00:00Z'], /--expire-at: .* is in the past/],
  ['pin add: oversized --name', ['pin', 'add', CID, '--name', 'x'.repeat(600)], /--name: longer than 512 bytes/],
  ['pin add: bad --wait-timeout', ['pin', 'add', CID, '--wait-timeout', 'soon'], /--wait-timeout: expected a duration/],
  ['pin rm: bad cid', ['pin', 'rm', 'Qmnope'], /^error: cid: /m],
  ['pin ls: bad --state', ['pin', 'ls', '--state', 'sleeping'], /--state: unknown placement state "sleeping"/],
  ['pin ls: bad --limit', ['pin', 'ls', '--limit', '0'], /--limit: must be at least 1/],
  ['pin ls: bad --peer', ['pin', 'ls', '--peer', 'a/b'], /--peer: peer id must be alphanumeric/],
  ['pin get: bad cid', ['pin', 'get', 'xyz'], /^error: cid: /m],
  ['pin: unknown subcommand', ['pin', 'list'], /unknown command 'list'/],
  ['placement set: no peers', ['placement', 'set', CID], /missing required argument 'peer'/],
  ['placement set: bad peer', ['placement', 'set', CID, PEER, 'bad-peer'], /peer\[1\]: peer id must be alphanumeric/],
  ['ack: bad state', ['ack', CID, PEER, 'done'], /state: unknown placement state "done"/],
  ['ack: missing state', ['ack', CID, PEER], /missing required argument 'state'/],
  ['top: bad --interval', ['top', '--interval', 'fast'], /--interval: expected a duration/],
  ['top: bad --url', ['top', '--url', 'nota url'], /--url: not a URL/],
  ['unknown command', ['pins'], /unknown command 'pins'/],
];

describe('usage errors exit 2 and name what was wrong', () => {
  it.each(USAGE_ERRORS)('%s', async (_name, argv, message) => {
    const r = await runCli(argv);
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
  });

  it('a missing config file names the file', async () => {
    const r = await runCli(['--config', '/nonexistent/pinstate.json', 'stats']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/config \/nonexistent\/pinstate.json: file not found/);
  });

  it('a bad environment variable names the variable', async () => {
    const r = await runCli(['stats'], { SCYLLA_PORT: 'ninety' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/config SCYLLA_PORT: expected an integer port number/);
  });
});

describe('--help', () => {
  it('the program lists every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const [cmd] of COMMANDS) expect(r.out).toContain(`  ${cmd}`);
  });

  it.each(COMMANDS)('pinstate %s %s --help', async (...cmd) => {
    const r = await runCli([...cmd.filter((c): c is string => typeof c === 'string'), '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: pinstate ${cmd.filter((c) => typeof c === 'string').join(' ')}`);
  });

  it('--version prints the package version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
