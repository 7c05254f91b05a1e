/** Small read-only questions about a model graph that structure detection and planning share. */
import type { Factor, FactorArgument, ModelGraph, RandomVariable, VariableUse } from '../graph/model-graph.js';

/** One appearance of a variable in an argument of a factor. */
export interface Occurrence {
  readonly factor: Factor;
  readonly arg: FactorArgument;
  readonly use: VariableUse;
}

/** The factors whose child is `name`, in source order. */
export function ownFactors(graph: ModelGraph, name: string): Factor[] {
  return [...graph.factors.values()].filter((f) => f.child === name);
}

/** Where `name` appears in the arguments of factors of OTHER variables (its children). */
export function childOccurrences(graph: ModelGraph, name: string): Occurrence[] {
  const out: Occurrence[] = [];
  for (const factor of graph.factors.values()) {
    if (factor.child === name) continue;
    for (const arg of factor.args)
      for (const use of arg.uses) if (use.variable === name) out.push({ factor, arg, use });
  }
  return out;
}

/** Where variables other than the child appear in a factor's arguments. */
export function parentOccurrences(factor: Factor): Occurrence[] {
  return factor.args.flatMap((arg) =>
    arg.uses.filter((u) => u.variable !== factor.child).map((use) => ({ factor, arg, use })),
  );
}

export function isDiscrete(v: RandomVariable): boolean {
  return v.categories !== undefined;
}

export function roleOf(graph: ModelGraph, name: string): RandomVariable['role'] | undefined {
  return graph.variables.get(name)?.role;
}

/** The plate indices of a factor, outermost first (`['s', 't']`). */
export function plateIndices(factor: Factor): string[] {
  return factor.plates.map((p) => p.index);
}
