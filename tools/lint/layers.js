// The architecture as lint rules: which layer may import which, and which modules may touch the
// Kafka and CQL drivers. CONTRIBUTING.md explains the map; change both together.
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';

/**
 * Layers, lowest first. A file may import its own layer and the layers before it, never one after
 * it. Paths are relative to the repository root; a directory covers everything under it.
 */
export const LAYERS = [
  { name: 'base', paths: ['src/errors.ts', 'src/paths.ts', 'src/random.ts', 'src/sleep.ts', 'src/retry.ts', 'src/part-lifecycle.ts', 'src/readiness-report.ts'] },
  { name: 'config', paths: ['src/config', 'src/log.ts', 'src/metrics.ts', 'src/prom-text.ts'] },
  { name: 'domain', paths: ['src/domain'] },
  { name: 'codec', paths: ['src/codec', 'src/cluster'] },
  { name: 'store/kafka', paths: ['src/store', 'src/kafka'] },
  { name: 'adapter', paths: ['src/adapter'] },
  { name: 'producers/consumers', paths: ['producers', 'consumers'] },
  { name: 'peers/allocator/agent', paths: ['src/peers', 'src/allocator', 'src/agent'] },
  { name: 'api', paths: ['src/api'] },
  { name: 'service', paths: ['src/service'] },
  { name: 'migrate/bench', paths: ['src/migrate', 'src/bench'] },
  { name: 'cli', paths: ['src/cli', 'bin'] },
];

/** Where each driver may be imported: its edge modules (types included: the rest of the code sees pinstate's own interfaces). */
export const EDGES = {
  kafkajs: ['src/kafka/**', 'producers/kafka-transport.ts', 'producers/pin-producer.ts', 'consumers/**'],
  'cassandra-driver': ['src/store/**'],
};

function layerZones() {
  const zones = [];
  LAYERS.forEach((layer, i) => {
    const higher = LAYERS.slice(i + 1);
    if (higher.length === 0) return;
    for (const target of layer.paths) {
      zones.push({
        target: `./${target}`,
        from: higher.flatMap((h) => h.paths.map((p) => `./${p}`)),
        message: `layer '${layer.name}' must not import a higher layer (${higher.map((h) => h.name).join(', ')}); see CONTRIBUTING.md "Layers"`,
      });
    }
  });
  return zones;
}

/**
 * Temporary exceptions for files this round's owner could not edit: each names the file and the
 * import it still makes. Remove an entry when its file is fixed; the lint test checks none is stale.
 */
export const LAYER_EXCEPTIONS = [
  // consumers/writer/main.ts (the writer's standalone entry) runs the CLI's `main`; its owner moves
  // the entry under src/cli or bin, then this goes.
  { file: 'consumers/writer/main.ts', import: '../../src/cli/main.js', rules: { 'import-x/no-restricted-paths': 'off' } },
  // The pinning block checks owners against the store's own bound (LIMITS.ownerBytes) so a bad
  // owner fails at start naming the key; the limits table belongs below config (src/limits.ts).
  { file: 'src/config/pinning-config.ts', import: '../domain/pin.js', rules: { 'import-x/no-restricted-paths': 'off' } },
];

const sourceFiles = ['src/**/*.ts', 'producers/**/*.ts', 'consumers/**/*.ts', 'bin/**/*.js'];

const edgeRule = (except) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: Object.entries(EDGES)
        .filter(([name]) => !except.includes(name))
        .map(([name, allowed]) => ({ name, message: `import ${name} only in its edge modules (${allowed.join(', ')}); use pinstate's own interface` })),
    },
  ],
});

export const layerConfigs = [
  {
    files: sourceFiles,
    plugins: { 'import-x': importX },
    settings: {
      // The plugin's TypeScript settings (which files it parses to follow imports), with the resolver below.
      ...Object.fromEntries(Object.entries(importX.flatConfigs.typescript.settings).filter(([k]) => k !== 'import-x/resolver')),
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { zones: layerZones() }],
      ...edgeRule([]),
    },
  },
  // Inside each driver's edge, that driver is allowed (the other still is not).
  ...Object.entries(EDGES).map(([name, allowed]) => ({ files: allowed.map((p) => (p.endsWith('**') ? `${p}/*.ts` : p)), rules: edgeRule([name]) })),
  ...LAYER_EXCEPTIONS.map((e) => ({ files: [e.file], rules: e.rules })),
];

