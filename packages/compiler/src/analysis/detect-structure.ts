/**
 * Structure analysis: for each latent variable (and each data variable with missing entries)
 * decide which row of DESIGN.md's E-step table applies. Family knowledge comes only from the
 * distribution registry (`gaussian`, `conjugatePriors`, `scaleMixture`); this pass reads the
 * graph and returns a fact table keyed by variable name. Approximations get W4001 at the
 * sub-expression that forces them; a latent nothing covers gets E4001.
 */
import { type Diagnostic, makeDiagnostic, type PhaseResult, planMessages } from '@emforge/dsl';
import type { Factor, ModelGraph, RandomVariable } from '../graph/model-graph.js';
import { childOccurrences, isDiscrete, type Occurrence, ownFactors, parentOccurrences } from './graph-queries.js';
import { findProductSpaces } from './product-space.js';
import type { LatentFacts, LatentStructure, StructureReport } from './structure-report.js';

type Facts = { -readonly [K in keyof LatentFacts]: LatentFacts[K] };

export function detectStructure(graph: ModelGraph): PhaseResult<StructureReport> {
  const diagnostics: Diagnostic[] = [];
  const latents = new Map<string, Facts>();
  const variables = [...graph.variables.values()];
  // Continuous latents first: a discrete latent whose distribution depends on one (LDA's z on
  // theta) takes its structure from it.
  for (const v of variables)
    if (v.role === 'latent' && !isDiscrete(v)) latents.set(v.name, continuousFacts(graph, v, diagnostics));
  for (const v of variables)
    if (v.role === 'latent' && isDiscrete(v)) latents.set(v.name, discreteFacts(graph, v, latents, diagnostics));
  for (const v of variables) {
    const facts = v.role === 'data' && v.optional ? missingFacts(graph, v) : undefined;
    if (facts) latents.set(v.name, facts);
  }
  for (const [name, partners] of findProductSpaces(graph, latents)) {
    const facts = latents.get(name);
    if (facts) facts.jointWith = partners;
  }

  const ordered = new Map<string, LatentFacts>();
  for (const v of variables) {
    const facts = latents.get(v.name);
    if (facts) ordered.set(v.name, facts);
  }
  const scaleMixtureCandidates = variables
    .filter((v) => v.role === 'data' && ownFactors(graph, v.name).some((f) => f.distribution.scaleMixture))
    .map((v) => v.name);
  return { value: { latents: ordered, scaleMixtureCandidates }, diagnostics };
}

function baseFacts(graph: ModelGraph, v: RandomVariable, structure: LatentStructure): Facts {
  const own = ownFactors(graph, v.name);
  const children = childOccurrences(graph, v.name).map((o) => o.factor.id);
  const facts: Facts = {
    name: v.name,
    structure,
    plates: v.plates.map((p) => p.index),
    jointWith: [],
    factors: [...new Set([...own.map((f) => f.id), ...children])],
  };
  if (v.categories !== undefined) facts.states = v.categories;
  return facts;
}

// ------------------------------------------------------------------ discrete latents

function discreteFacts(
  graph: ModelGraph,
  v: RandomVariable,
  known: ReadonlyMap<string, LatentFacts>,
  diagnostics: Diagnostic[],
): Facts {
  const own = ownFactors(graph, v.name);
  const chainStep = own.flatMap((f) =>
    f.args.flatMap((a) => a.uses.filter((u) => u.variable === v.name && u.kind === 'previous-step')),
  );
  const latentParents = own
    .flatMap(parentOccurrences)
    .filter((o) => graph.variables.get(o.use.variable)?.role === 'latent');

  if (chainStep.length > 0) {
    const facts = baseFacts(graph, v, 'discrete-chain');
    const along = own.flatMap((f) => f.plates).find((p) => p.offset);
    const lastPlate = v.plates[v.plates.length - 1];
    facts.chain = { along: along?.index ?? lastPlate?.index ?? '?', ragged: v.plates.some((p) => p.ragged) };
    // Coupled through the chain's own transition (`trans[a[t-1]][b[t-1]]`), or through a shared
    // child (`x[t] ~ Normal(mu[a[t]][b[t]], s)`: explaining away couples the posteriors).
    const coupled =
      latentParents.find((o) => o.use.kind === 'selector' || o.use.kind === 'previous-step') ??
      coChainInChildren(graph, v.name);
    if (coupled) {
      return approximate(
        facts,
        'mean-field',
        coupled,
        {
          latent: v.name,
          why: `the chain of ${v.name} is coupled to latent ${coupled.use.variable}`,
          fallback: 'structured mean-field EM (forward–backward per chain given the other chains)',
        },
        diagnostics,
      );
    }
    return facts;
  }

  const continuousParent = latentParents.find(
    (o) => !isDiscrete(graph.variables.get(o.use.variable) as RandomVariable),
  );
  if (continuousParent) {
    const parentFacts = known.get(continuousParent.use.variable);
    const facts = baseFacts(graph, v, 'mean-field');
    if (parentFacts?.structure === 'mean-field') return facts;
    return approximate(
      facts,
      'variational',
      continuousParent,
      {
        latent: v.name,
        why: `its distribution depends on continuous latent ${continuousParent.use.variable} through a non-conjugate pair`,
        fallback: 'variational EM',
      },
      diagnostics,
    );
  }
  return baseFacts(graph, v, 'finite-independent');
}

/** Another chain's selector in a factor that v also selects in (a factorial HMM's emission), as an occurrence of it. */
function coChainInChildren(graph: ModelGraph, name: string): Occurrence | undefined {
  for (const mine of childOccurrences(graph, name)) {
    if (mine.use.kind !== 'selector') continue;
    for (const arg of mine.factor.args) {
      const other = arg.uses.find((u) => u.kind === 'selector' && u.variable !== name && isChain(graph, u.variable));
      if (other) return { factor: mine.factor, arg, use: other };
    }
  }
  return undefined;
}

/** Whether a variable's own statements make it a discrete chain (`h[t] ~ f(h[t-1])`). */
function isChain(graph: ModelGraph, name: string): boolean {
  return ownFactors(graph, name).some((f) =>
    f.args.some((a) => a.uses.some((u) => u.variable === name && u.kind === 'previous-step')),
  );
}

// ------------------------------------------------------------------ continuous latents

/** How one appearance of a continuous latent in a child factor can be handled. */
type Fit = 'gaussian-affine' | 'gaussian-direct' | 'conjugate' | 'none';

function classifyOccurrence(o: Occurrence, ownFamily: string | undefined, ownIsGaussian: boolean): Fit {
  const spec = o.factor.distribution;
  const kind = o.use.kind;
  const plain = kind === 'direct' || kind === 'selected';
  if (ownIsGaussian && spec.gaussian && o.arg.name === spec.gaussian.mean) {
    if (plain) return 'gaussian-direct';
    if (kind === 'affine' || (kind === 'linear-predictor' && !o.use.link)) return 'gaussian-affine';
  }
  const conjugate = spec.conjugatePriors?.find((c) => c.parameter === o.arg.name && c.prior === ownFamily);
  if (conjugate?.as === 'value' && plain) return 'conjugate';
  if (conjugate?.as === 'precision' && kind === 'scale-divisor') return 'conjugate';
  return 'none';
}

function continuousFacts(graph: ModelGraph, v: RandomVariable, diagnostics: Diagnostic[]): Facts {
  const own = ownFactors(graph, v.name);
  const ownFamily = sameFamily(own);
  const ownIsGaussian = own.length > 0 && own.every((f) => f.distribution.gaussian !== undefined);
  const occurrences = childOccurrences(graph, v.name);
  const chained = own.some((f) =>
    f.args.some((a) => a.uses.some((u) => u.variable === v.name && u.kind === 'previous-step')),
  );
  const fits = occurrences.map((o) => ({ o, fit: classifyOccurrence(o, ownFamily, ownIsGaussian) }));

  if (v.type?.integer) {
    const at = own[0];
    diagnostics.push(
      makeDiagnostic(planMessages.uncoveredLatent, at?.stmt.span ?? v.span, {
        latent: v.name,
        at: at ? `${at.target} ~ ${at.family}(…)` : v.name,
        why: 'it is discrete with an unbounded support, so it can be neither enumerated nor given a Gaussian approximation',
      }),
    );
    return baseFacts(graph, v, 'variational');
  }

  const obstacle = fits.find((f) => f.fit === 'none');
  if (obstacle) {
    const o = obstacle.o;
    const why = o.factor.distribution.gaussian
      ? `continuous latent ${v.name} enters the ${o.arg.name} of ${o.factor.family} non-linearly (non-conjugate pair)`
      : `continuous latent ${v.name} feeds a non-Gaussian factor (${o.factor.family}) with no conjugate form`;
    return approximate(
      baseFacts(graph, v, 'variational'),
      'variational',
      o,
      {
        latent: v.name,
        why,
        fallback: 'variational EM with a Gaussian (Laplace) posterior family',
      },
      diagnostics,
    );
  }
  if (ownIsGaussian && fits.every((f) => f.fit === 'gaussian-affine' || f.fit === 'gaussian-direct')) {
    const affine = chained || fits.some((f) => f.fit === 'gaussian-affine');
    const facts = baseFacts(graph, v, affine ? 'linear-gaussian' : 'conjugate');
    if (chained) {
      const along = own.flatMap((f) => f.plates).find((p) => p.offset);
      facts.chain = { along: along?.index ?? '?', ragged: v.plates.some((p) => p.ragged) };
    }
    return facts;
  }
  const interacting = fits.find((f) => graph.variables.get(f.o.factor.child)?.role === 'latent');
  if (!interacting) return baseFacts(graph, v, 'conjugate');
  return approximate(
    baseFacts(graph, v, 'mean-field'),
    'mean-field',
    interacting.o,
    {
      latent: v.name,
      why: `conjugate-exponential latents ${v.name} and ${interacting.o.factor.child} interact, so their joint posterior has no closed form`,
      fallback: 'mean-field variational EM with closed-form coordinate updates',
    },
    diagnostics,
  );
}

function sameFamily(factors: readonly Factor[]): string | undefined {
  const first = factors[0]?.family;
  return first !== undefined && factors.every((f) => f.family === first) ? first : undefined;
}

// ------------------------------------------------------------------ missing data

function missingFacts(graph: ModelGraph, v: RandomVariable): Facts | undefined {
  const own = ownFactors(graph, v.name);
  if (own.length === 0 || !own.every((f) => f.distribution.gaussian)) return undefined;
  return baseFacts(graph, v, 'missing-gaussian');
}

function approximate(
  facts: Facts,
  structure: LatentStructure,
  at: Occurrence,
  args: { latent: string; why: string; fallback: string },
  diagnostics: Diagnostic[],
): Facts {
  diagnostics.push(makeDiagnostic(planMessages.approximateLatent, at.use.span, { ...args, at: at.use.text }));
  return { ...facts, structure, approximation: { why: args.why, at: at.use.span, text: at.use.text } };
}
