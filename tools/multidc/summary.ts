/**
 * Prints the multi-DC suite's summary (tools/multidc/run.sh): one line per scenario from the
 * JSON lines the tests appended, then the cluster's memory. Exit 1 when a scenario failed or none ran.
 *
 *   node --import tsx tools/multidc/summary.ts <summary.jsonl> [<rss file: "nodeN MB" lines>]
 */
import { existsSync, readFileSync } from 'node:fs';

interface Line {
  readonly scenario: string;
  readonly passed: boolean;
  readonly line: string;
}

const [summaryFile, rssFile] = process.argv.slice(2);
if (!summaryFile) {
  process.stderr.write('usage: summary.ts <summary.jsonl> [<rss file>]\n');
  process.exit(2);
}
const lines: Line[] = existsSync(summaryFile)
  ? readFileSync(summaryFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Line)
  : [];
process.stdout.write('\n==== multi-DC scenarios ====\n');
for (const s of lines) process.stdout.write(`${s.line}\n`);
if (lines.length === 0) process.stdout.write('no scenario ran\n');
if (rssFile && existsSync(rssFile)) {
  const nodes = readFileSync(rssFile, 'utf8')
    .split('\n')
    .map((l) => /^(node\d) (\d+)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null);
  const total = nodes.reduce((n, m) => n + Number(m[2]), 0);
  process.stdout.write(`cluster: peak RSS during the suite: ${nodes.map((m) => `${m[1]} ${m[2]} MB`).join('; ')}; total ${total} MB\n`);
}
process.exitCode = lines.length > 0 && lines.every((s) => s.passed) ? 0 : 1;
