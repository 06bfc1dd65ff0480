// Types of layers.js for the lint test (test/unit/lint/layers.test.ts).
import type { Linter } from 'eslint';

export interface Layer {
  readonly name: string;
  readonly paths: readonly string[];
}
export interface LayerException {
  readonly file: string;
  readonly import: string;
  readonly rules: Linter.RulesRecord;
}
export declare const LAYERS: readonly Layer[];
export declare const EDGES: Readonly<Record<string, readonly string[]>>;
export declare const LAYER_EXCEPTIONS: readonly LayerException[];
export declare const layerConfigs: Linter.Config[];
