/**
 * The layer, cycle and edge-import rules of `npm run lint` (tools/lint/layers.js) reject what they
 * should: each case lints a probe source at a path in some layer with ESLint's Node API and the
 * project's own eslint.config.js. Only the import rules run (ruleFilter), without type information,
 * so a probe need not exist on disk.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { LAYER_EXCEPTIONS } from '../../../tools/lint/layers.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const IMPORT_RULES = new Set(['import-x/no-restricted-paths', 'import-x/no-cycle', 'no-restricted-imports']);

function eslint(ignoreExceptions = false): ESLint {
  return new ESLint({
    cwd: root,
    ruleFilter: ({ ruleId }) => IMPORT_RULES.has(ruleId),
    overrideConfig: [
      { languageOptions: { parserOptions: { projectService: false, project: null } } },
      // Re-enable the layer rule where an exception turned it off, to check the exception is still needed.
      ...(ignoreExceptions ? LAYER_EXCEPTIONS.map((e) => ({ files: [e.file], rules: { 'import-x/no-restricted-paths': 'error' as const } })) : []),
    ],
  });
}

async function problems(filePath: string, code: string, lint = eslint()): Promise<string[]> {
  const [result] = await lint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

// The first lint walks the whole import graph (no-cycle) and takes several seconds.
describe('layer rules', { timeout: 60_000 }, () => {
  it('refuses an import of a higher layer', async () => {
    const found = await problems('src/domain/probe.ts', "import { main } from '../cli/main.js';\nexport const m = main;\n");
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^import-x\/no-restricted-paths: .*layer 'domain' must not import a higher layer/);
  });

  it('refuses store importing producers, and migrate importing the CLI', async () => {
    expect(await problems('src/store/probe.ts', "import { createPinProducer } from '../../producers/index.js';\nexport const p = createPinProducer;\n")).toEqual([
      expect.stringMatching(/layer 'store\/kafka' must not import/),
    ]);
    expect(await problems('src/migrate/probe.ts', "import { EXIT } from '../cli/context.js';\nexport const e = EXIT;\n")).toEqual([
      expect.stringMatching(/layer 'migrate\/bench' must not import/),
    ]);
  });

  it('allows imports of the same and lower layers', async () => {
    const code = "import { parseCid } from '../domain/cid.js';\nimport { createStore } from '../store/store.js';\nimport { PinstateError } from '../errors.js';\nexport const all = [parseCid, createStore, PinstateError];\n";
    expect(await problems('src/service/probe.ts', code)).toEqual([]);
  });

  it('refuses kafkajs and cassandra-driver outside their edge modules, types included', async () => {
    expect(await problems('src/api/probe.ts', "import type { Kafka } from 'kafkajs';\nexport type K = Kafka;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*kafkajs only in its edge modules/)]);
    expect(await problems('src/kafka/probe.ts', "import { Client } from 'cassandra-driver';\nexport const c = Client;\n")).toEqual([expect.stringMatching(/cassandra-driver only in its edge modules/)]);
    expect(await problems('src/kafka/probe.ts', "import { Kafka } from 'kafkajs';\nexport const k = Kafka;\n")).toEqual([]);
    expect(await problems('src/store/probe.ts', "import { Client } from 'cassandra-driver';\nexport const c = Client;\n")).toEqual([]);
  });

  it('refuses an import cycle', async () => {
    // src/domain/cid.ts is imported by src/domain/pin.ts; a cid.ts that imported pin.ts back would close a cycle.
    const found = await problems('src/domain/cid.ts', "import { validatePeerId } from './pin.js';\nexport const v = validatePeerId;\n");
    expect(found).toEqual([expect.stringMatching(/^import-x\/no-cycle: /)]);
  });

  it('keeps no stale exception: each excepted file still breaks the rule it is excused from', async () => {
    const lint = eslint(true);
    for (const exception of LAYER_EXCEPTIONS) {
      const [result] = await lint.lintFiles([`${root}${exception.file}`]);
      expect(result?.messages.map((m) => m.ruleId), exception.file).toContain('import-x/no-restricted-paths');
    }
  });
});
