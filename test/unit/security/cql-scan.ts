/**
 * A static check that no CQL is built from values: the TypeScript sources are parsed (the
 * compiler's own parser, no type checking) and two kinds of places are inspected.
 *
 * 1. Query arguments: the first argument of `.execute(` / `.eachRow(` / `.stream(` /
 *    `executeDdl(`, and the statements of `.batch(` / `.batchLogged(` / `.batchUnlogged(`. A
 *    string literal is fine. A template literal or `+` concatenation may only interpolate
 *    allow-listed expressions. A local `const` is followed to its initializer; anything else
 *    (a parameter, a property like `CQL.selectPin`) is a reference whose text is checked where
 *    it is built, by rule 2.
 * 2. CQL text anywhere: every template literal, `+` concatenation and `[...].join()` whose
 *    literal parts look like CQL (SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE … FROM,
 *    CREATE/ALTER/DROP TABLE|KEYSPACE|…, TRUNCATE, BEGIN BATCH, GRANT, REVOKE; any case) may
 *    only interpolate allow-listed expressions.
 *
 * An allow-listed expression is one whose value is known not to come from a user: a constant
 * column list, or an identifier validated before it is used. Each entry names its file and why.
 */
import ts from 'typescript';

export interface AllowedInterpolation {
  /** Path relative to the repository root, `/`-separated. */
  readonly file: string;
  /** The interpolated expression's source text, whitespace-normalised. */
  readonly expr: string;
  /** Why its value cannot carry user input. */
  readonly why: string;
}

export interface Violation {
  readonly file: string;
  readonly line: number;
  /** The offending expression (interpolation or operand). */
  readonly expr: string;
  /** The start of the string it is spliced into. */
  readonly context: string;
  readonly rule: 'query-argument' | 'cql-text';
}

const QUERY_METHODS = new Set(['execute', 'eachRow', 'stream', 'executeDdl']);
const BATCH_METHODS = new Set(['batch', 'batchLogged', 'batchUnlogged']);

/** Literal text that reads as a CQL statement (or a fragment of one). */
export const CQL_SHAPE =
  /\b(SELECT\b[\s\S]*\bFROM\b|INSERT\s+INTO\b|UPDATE\s+[\w."]+\s+(USING\b[\s\S]*?)?SET\b|DELETE\b[\s\S]*?\bFROM\b|(CREATE|ALTER|DROP)\s+(TABLE|KEYSPACE|SCHEMA|INDEX|CUSTOM\s+INDEX|TYPE|MATERIALIZED\s+VIEW|ROLE|USER|FUNCTION|AGGREGATE|TRIGGER)\b|TRUNCATE\s+(TABLE\s+)?[\w."]+|BEGIN\s+(UNLOGGED\s+|COUNTER\s+)?BATCH\b|(GRANT|REVOKE)\s+\w+\s+(ON|TO|FROM)\b|WHERE\s+[\w"]+\s*(=|<|>|IN\b))/i;

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim();

function lineOf(sf: ts.SourceFile, node: ts.Node): number {
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** The literal text of a template / concatenation / join, with a placeholder for each value. */
function literalParts(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => ` \u0000 ${s.literal.text}`).join('');
  if (ts.isParenthesizedExpression(node)) return literalParts(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return `${literalParts(node.left)}${literalParts(node.right)}`;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map(literalParts).join(' ');
  return ' \u0000 ';
}

export interface ScanResult {
  readonly violations: Violation[];
  /** Query arguments inspected (rule 1), to show the scan found the call sites at all. */
  readonly queryArguments: number;
  /** CQL-looking string-building expressions inspected (rule 2). */
  readonly cqlTexts: number;
}

/** Scans one source file against the allow-list (entries of other files are ignored). */
export function scanSource(file: string, text: string, allowed: readonly AllowedInterpolation[]): ScanResult {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const allow = new Set(allowed.filter((a) => a.file === file).map((a) => norm(a.expr)));
  const out: Violation[] = [];
  const reported = new Set<string>();
  let queryArguments = 0;
  let cqlTexts = 0;

  // Local `const name = <init>` declarations, to follow an identifier passed as a query.
  const consts = new Map<string, ts.Expression>();
  const collect = (node: ts.Node): void => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const d of node.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    }
    ts.forEachChild(node, collect);
  };
  collect(sf);

  const report = (rule: Violation['rule'], value: ts.Node, host: ts.Node): void => {
    const expr = norm(value.getText(sf));
    const key = `${value.getStart(sf)}:${expr}`;
    if (allow.has(expr) || reported.has(key)) return;
    reported.add(key);
    out.push({ file, line: lineOf(sf, value), expr, context: norm(host.getText(sf)).slice(0, 100), rule });
  };

  /** Values spliced into a string-building expression (interpolations, non-literal `+` operands, join elements). */
  const splicedValues = (node: ts.Node): ts.Node[] => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [];
    if (ts.isParenthesizedExpression(node)) return splicedValues(node.expression);
    if (ts.isTemplateExpression(node)) return node.templateSpans.map((s) => s.expression);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...splicedValues(node.left), ...splicedValues(node.right)];
    if (ts.isArrayLiteralExpression(node)) return node.elements.flatMap((e) => (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? [] : [e]));
    return [node];
  };
  const isBuilt = (node: ts.Node): boolean =>
    ts.isTemplateExpression(node) || (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) || (ts.isParenthesizedExpression(node) && isBuilt(node.expression));
  /** `[...].join(...)` or `'...'.concat(...)`: the array / receiver and arguments. */
  const joinParts = (node: ts.Node): ts.Node | undefined => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return undefined;
    const name = node.expression.name.text;
    if (name === 'join' && ts.isArrayLiteralExpression(node.expression.expression)) return node.expression.expression;
    if (name === 'concat' && (ts.isStringLiteral(node.expression.expression) || ts.isTemplateExpression(node.expression.expression))) {
      return ts.factory.createArrayLiteralExpression([node.expression.expression, ...node.arguments]);
    }
    return undefined;
  };

  /** Rule 1: a query argument, built in place or through a local const. */
  const checkQuery = (arg: ts.Node, host: ts.Node, seen = new Set<string>()): void => {
    if (ts.isParenthesizedExpression(arg)) return checkQuery(arg.expression, host, seen);
    if (ts.isConditionalExpression(arg)) {
      checkQuery(arg.whenTrue, host, seen);
      checkQuery(arg.whenFalse, host, seen);
      return;
    }
    if (ts.isIdentifier(arg)) {
      const init = consts.get(arg.text);
      if (init && !seen.has(arg.text)) checkQuery(init, host, new Set([...seen, arg.text]));
      return;
    }
    if (isBuilt(arg)) for (const v of splicedValues(arg)) report('query-argument', v, host);
    const joined = joinParts(arg);
    if (joined) for (const v of splicedValues(joined)) report('query-argument', v, host);
  };

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      const first = node.arguments[0];
      if (name !== undefined && first !== undefined) {
        if (QUERY_METHODS.has(name)) {
          queryArguments++;
          checkQuery(first, node);
        }
        if (BATCH_METHODS.has(name)) {
          const items = ts.isArrayLiteralExpression(first) ? first.elements : [];
          for (const item of items) {
            if (ts.isObjectLiteralExpression(item)) {
              for (const prop of item.properties) {
                if (ts.isPropertyAssignment(prop) && ts.isIdentifier(prop.name) && prop.name.text === 'query') {
                  queryArguments++;
                  checkQuery(prop.initializer, node);
                }
              }
            } else {
              queryArguments++;
              checkQuery(item, node);
            }
          }
        }
      }
      const joined = joinParts(node);
      if (joined && CQL_SHAPE.test(literalParts(joined))) {
        cqlTexts++;
        for (const v of splicedValues(joined)) report('cql-text', v, node);
      }
    }
    // Rule 2: CQL-looking text built with values, wherever it is.
    const isOuterPlus = ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken && !(ts.isBinaryExpression(node.parent) && node.parent.operatorToken.kind === ts.SyntaxKind.PlusToken);
    if ((ts.isTemplateExpression(node) || isOuterPlus) && CQL_SHAPE.test(literalParts(node))) {
      cqlTexts++;
      for (const v of splicedValues(node)) report('cql-text', v, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { violations: out, queryArguments, cqlTexts };
}
