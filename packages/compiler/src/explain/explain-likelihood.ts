/**
 * The "complete-data log-likelihood" section: one log-density per `~` statement, nested in
 * sums over the plates the statements sit in, exactly as the model is written
 * (`Σ_n [ log Categorical(z[n] | weights) + log MvNormal(x[n] | mu[z[n]], Sigma[z[n]]) ]`),
 * then the log prior of a MAP model and the ranges of the indices.
 */
import type { NodeId } from '@emforge/dsl';
import type { Factor, Plate } from '../graph/model-graph.js';
import type { ExplainContext } from './explain-context.js';
import { densityText, rangeText, sumOver } from './math-text.js';

/** A plate and the terms inside it, in source order. */
interface PlateNode {
  readonly plate?: Plate;
  readonly terms: (Factor | PlateNode)[];
}

function isFactor(t: Factor | PlateNode): t is Factor {
  return 'stmt' in t;
}

/** Groups factors by their plates (loops), keeping source order. */
function plateTree(factors: readonly Factor[]): PlateNode {
  const root: PlateNode = { terms: [] };
  const nodes = new Map<NodeId, PlateNode>();
  for (const f of factors) {
    let at = root;
    for (const p of f.plates) {
      let node = nodes.get(p.id);
      if (!node) {
        node = { plate: p, terms: [] };
        nodes.set(p.id, node);
        at.terms.push(node);
      }
      at = node;
    }
    at.terms.push(f);
  }
  return root;
}

function printTerm(t: Factor | PlateNode): string {
  if (isFactor(t)) return `log ${densityText(t, new Map())}`;
  const inner = t.terms.map(printTerm);
  const body = inner.length === 1 ? (inner[0] ?? '') : `[ ${inner.join(' + ')} ]`;
  return t.plate ? `${sumOver(t.plate)} ${body}` : body;
}

/** The sum of the log-densities of `factors`, nested by plate. */
export function logDensitySum(factors: readonly Factor[]): string {
  const root = plateTree(factors);
  return root.terms.map(printTerm).join(' + ') || '0';
}

/** The full-range plates of the factors, one per index letter (offset loops show their range in the sum). */
export function platesOf(factors: readonly Factor[]): Plate[] {
  const seen = new Map<string, Plate>();
  for (const f of factors) for (const p of f.plates) if (!p.offset && !seen.has(p.index)) seen.set(p.index, p);
  return [...seen.values()];
}

export function explainLikelihood(ctx: ExplainContext): string {
  const likelihood = ctx.factors.filter((f) => !f.prior);
  const priors = ctx.factors.filter((f) => f.prior);
  const observed = [...ctx.graph.variables.values()].filter((v) => v.role !== 'param' && v.factors.length > 0);
  const params = ctx.plan.params.map((p) => p.name);
  const lines = ['## Complete-data log-likelihood', ''];
  const missing = observed.filter((v) => v.optional).map((v) => v.name);
  lines.push(
    `With θ = (${params.join(', ')}), the log-density of the data and the latent variables together is one term per \`~\` statement:`,
    '',
    '```',
    `log p(${observed.map((v) => v.name).join(', ')} | θ) = ${logDensitySum(likelihood)}`,
    '```',
  );
  if (missing.length > 0) {
    lines.push(
      '',
      `${missing.map((m) => `\`${m}\``).join(', ')} may have missing entries: the complete data includes them, and the E-step fills them in.`,
    );
  }
  if (priors.length > 0) {
    lines.push(
      '',
      'The prior statements add the log prior density (MAP estimation):',
      '',
      '```',
      `log p(θ) = ${logDensitySum(priors)}`,
      '```',
    );
  }
  const ranges = platesOf(ctx.factors).map(rangeText);
  if (ranges.length > 0) lines.push('', `Indices: ${ranges.join('; ')}.`);
  return lines.join('\n');
}
