import { expect } from 'vitest';
export function diffDumps(a: Record<string, string[]>, b: Record<string, string[]>): string {
  const out: string[] = [];
  for (const t of Object.keys(a)) {
    const sa = new Set(a[t]); const sb = new Set(b[t]);
    const onlyA = a[t]!.filter((x) => !sb.has(x)); const onlyB = b[t]!.filter((x) => !sa.has(x));
    if (onlyA.length || onlyB.length) out.push(`${t}: onlyA=${onlyA.length} onlyB=${onlyB.length}\n A: ${onlyA.slice(0, 2).join('\n A: ')}\n B: ${onlyB.slice(0, 2).join('\n B: ')}`);
  }
  void expect;
  return out.join('\n');
}
