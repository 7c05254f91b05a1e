/**
 * The model summary `emforge check` prints for a clean file: what the model declares (sizes,
 * data, params, latents) and which distribution each variable is given. It is read off the
 * AST; the inference plan (which E-step and M-steps the compiler picks) joins it in a later
 * version.
 *
 *     examples/gmm/model.em: ok — model gmm
 *       sizes    N, D, K = 3
 *       data     x[N]: real[D] ~ MvNormal
 *       params   weights: simplex[K], mu[K]: real[D], Sigma[K]: cov[D]
 *       latents  z[N]: cat[K] ~ Categorical
 */
import { type Expr, type Item, type Model, printExpr, type TypeExpr, type VarDecl, type VarRole } from '@emforge/dsl';

export interface SizeSummary {
  readonly name: string;
  /** `size K = 3`: the default, a number when written as one, else the expression's text. */
  readonly default?: number | string;
  /** `size T[S]`: the size this ragged size has one length per index of. */
  readonly over?: string;
}

export interface VariableSummary {
  readonly name: string;
  /** Array dimensions, outermost first, as written: `y[S][T]` → ["S", "T"]. */
  readonly dims: readonly string[];
  /** The element type as written, e.g. `real[D]`, `cat[K]`. */
  readonly type: string;
  /** `TYPE?`: entries may be missing. */
  readonly optional: boolean;
  /** Distributions stated for the variable (`~ Dist`), in order of first appearance; a param's is its prior. */
  readonly distributions: readonly string[];
}

/** The `model` object of `emforge check --json`. */
export interface ModelSummary {
  readonly name: string;
  readonly sizes: readonly SizeSummary[];
  readonly data: readonly VariableSummary[];
  readonly params: readonly VariableSummary[];
  readonly latents: readonly VariableSummary[];
}

/** Source-like text of an expression (dimensions, types and size defaults): the language printer's form. */
export function formatExpr(e: Expr): string {
  return printExpr(e);
}

function formatType(t: TypeExpr): string {
  return t.args.length === 0 ? t.name.name : `${t.name.name}[${t.args.map(formatExpr).join(', ')}]`;
}

/** The declared variable a sampling target refers to: `x[n]` → x, `h[s][t]` → h. */
function rootName(e: Expr): string | undefined {
  if (e.kind === 'NameRef') return e.name;
  if (e.kind === 'Index') return rootName(e.target);
  return undefined;
}

/** Distribution names per variable, from every `~` statement at any depth. */
function collectDistributions(items: readonly Item[], into: Map<string, string[]>): void {
  for (const item of items) {
    if (item.kind === 'For') collectDistributions(item.body, into);
    if (item.kind !== 'Sample') continue;
    const name = rootName(item.target);
    if (name === undefined) continue;
    const list = into.get(name) ?? [];
    if (!list.includes(item.dist.name)) list.push(item.dist.name);
    into.set(name, list);
  }
}

function summarizeVariable(d: VarDecl, dists: ReadonlyMap<string, readonly string[]>): VariableSummary {
  return {
    name: d.name.name,
    dims: d.dims.map(formatExpr),
    type: formatType(d.type),
    optional: d.optional,
    distributions: dists.get(d.name.name) ?? [],
  };
}

/** Sizes and variables are declared at the top level of the model block (only `let` may sit inside `for`). */
export function summarizeModel(model: Model): ModelSummary {
  const dists = new Map<string, string[]>();
  collectDistributions(model.body, dists);
  const sizes: SizeSummary[] = [];
  const vars: Record<VarRole, VariableSummary[]> = { data: [], param: [], latent: [] };
  for (const item of model.body) {
    if (item.kind === 'SizeDecl') {
      for (const s of item.items) {
        const size: { -readonly [K in keyof SizeSummary]: SizeSummary[K] } = { name: s.name.name };
        if (s.over) size.over = s.over.name;
        if (s.value) size.default = s.value.kind === 'NumberLit' ? s.value.value : formatExpr(s.value);
        sizes.push(size);
      }
    } else if (item.kind === 'VarDecl') {
      vars[item.role].push(summarizeVariable(item, dists));
    }
  }
  return { name: model.name.name, sizes, data: vars.data, params: vars.param, latents: vars.latent };
}

function formatSize(s: SizeSummary): string {
  const over = s.over === undefined ? '' : `[${s.over}]`;
  const value = s.default === undefined ? '' : ` = ${s.default}`;
  return `${s.name}${over}${value}`;
}

/** `mu[K]: real[D] ~ Normal` */
export function formatVariable(v: VariableSummary): string {
  const dims = v.dims.map((d) => `[${d}]`).join('');
  const dist = v.distributions.length === 0 ? '' : ` ~ ${v.distributions.join(' | ')}`;
  return `${v.name}${dims}: ${v.type}${v.optional ? '?' : ''}${dist}`;
}

/** The indented lines under a file's "ok" line. */
export function formatModelSummaryLines(m: ModelSummary, label: (s: string) => string = (s) => s): string[] {
  const list = (xs: readonly string[]): string => (xs.length === 0 ? 'none' : xs.join(', '));
  return [
    `  ${label('sizes  ')}  ${list(m.sizes.map(formatSize))}`,
    `  ${label('data   ')}  ${list(m.data.map(formatVariable))}`,
    `  ${label('params ')}  ${list(m.params.map(formatVariable))}`,
    `  ${label('latents')}  ${list(m.latents.map(formatVariable))}`,
  ];
}
