/**
 * Finite latents of the same plate item that must be enumerated jointly (a product space):
 * two that select elements in the same factor (`table[a[n]][b[n]]`), or one whose
 * distribution is selected by the other (`b[n] ~ Categorical(trans[a[n]])`).
 */
import type { ModelGraph } from '../graph/model-graph.js';
import type { LatentFacts } from './structure-report.js';

export function findProductSpaces(graph: ModelGraph, latents: ReadonlyMap<string, LatentFacts>): Map<string, string[]> {
  const finite = (name: string) => latents.get(name)?.structure === 'finite-independent';
  const links = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b || !finite(a) || !finite(b)) return;
    links.set(a, new Set([...(links.get(a) ?? []), b]));
    links.set(b, new Set([...(links.get(b) ?? []), a]));
  };
  for (const f of graph.factors.values()) {
    const selectors = f.args.flatMap((a) => a.uses.filter((u) => u.kind === 'selector').map((u) => u.variable));
    for (const a of selectors) for (const b of selectors) link(a, b);
    for (const s of selectors) link(s, f.child);
  }
  // Close over chains of links (a with b, b with c → all three together).
  const out = new Map<string, string[]>();
  for (const name of links.keys()) {
    const group = new Set<string>([name]);
    const queue = [name];
    while (queue.length > 0) {
      const cur = queue.pop() as string;
      for (const n of links.get(cur) ?? []) {
        if (group.has(n)) continue;
        group.add(n);
        queue.push(n);
      }
    }
    group.delete(name);
    const order = [...graph.variables.keys()];
    out.set(
      name,
      [...group].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    );
  }
  return out;
}
