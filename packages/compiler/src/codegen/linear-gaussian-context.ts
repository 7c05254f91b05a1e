/**
 * The context of a linear-Gaussian factor fitter (FA, PPCA, mixtures of factor analysers): the
 * names and sizes the lowering (lower-linear-gaussian-factor.ts, lower-linear-gaussian-api.ts)
 * writes code with, checked once — what code generation handles is decided here, anything else
 * is an E5001 — and the small naming and indexing helpers both files share.
 */
import type { DataSchema, FitProgram, LgValue, LinearGaussianFactorProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import { destructureNames } from './lower-mixture-types.js';
import { CodegenUnsupported, dim, type MixtureContext, makeMixtureContext } from './mixture-context.js';
import { cap } from './scale-mixture-context.js';

export interface FactorContext {
  readonly program: LinearGaussianFactorProgram;
  readonly full: MixtureContext;
  readonly N: string;
  readonly D: string;
  readonly L: string;
  readonly K: string;
  /** The sizes as the model writes them, for comments. */
  readonly names: { readonly D: string; readonly L: string };
  /** Data, latent, loadings, mean, noise sd and (for a mixture) weights and selector names. */
  readonly x: string;
  readonly f: string;
  readonly W: string;
  readonly mu: string;
  readonly sd: string;
  readonly w?: string;
  readonly z?: string;
  readonly form: 'diagonal' | 'spherical';
  /** Loadings and means chosen by the selector (a mixture of factor analysers). */
  readonly selected: boolean;
}

/** Names the generated code uses for its own locals: a model name among them would be shadowed. */
const reserved = new Set(
  [
    'a',
    'b',
    'c',
    'e',
    'i',
    'j',
    'k',
    'n',
    'p',
    's',
    't',
    'u',
    'v',
    'z',
    'q1',
    'q2',
    'c0',
    'row',
    'max',
    'sum',
    'lse',
  ].concat(
    ['stats', 'alive', 'free', 'scatter', 'weight', 'floor', 'params', 'work', 'bound', 'global', 'member', 'seeds'],
    ['clusters', 'loadings', 'sigma2', 'logLik', 'logDetR', 'logDetM', 'entropy', 'settings', 'given', 'fixed', 'best'],
  ),
);

function paramName(v: LgValue | undefined, what: string): { name: string; selected: boolean } {
  if (v?.kind !== 'param') throw new CodegenUnsupported(`${what} that is not a param`);
  return { name: v.name, selected: v.selected };
}

function isFill(v: LgValue | undefined, fn: string): boolean {
  return v?.kind === 'constant' && v.value.kind === 'fill' && v.value.fn === fn;
}

export function makeFactorContext(
  program: LinearGaussianFactorProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): FactorContext {
  if (schema.sizes.some((s) => s.over !== undefined)) throw new CodegenUnsupported('ragged sizes');
  const v = schema.data.find((d) => d.name === program.data);
  if (!v || schema.data.length !== 1 || v.dims.length !== 1 || v.shape.length !== 1)
    throw new CodegenUnsupported(`data besides the rows '${program.data}[N]: real[D]'`);
  const prior = program.prior;
  if (!isFill(prior.offset, 'zeros') || prior.noise.form !== 'full' || !isFill(prior.noise.value, 'eye'))
    throw new CodegenUnsupported(`the factor prior '${prior.text}' (only MvNormal(zeros(L), eye(L)) is generated)`);
  const obs = program.observation;
  if (obs.noise.form === 'full') throw new CodegenUnsupported(`a full noise covariance in '${obs.text}'`);
  const W = paramName(obs.matrix, `loadings in '${obs.text}'`);
  const mu = paramName(obs.offset, `a mean in '${obs.text}'`);
  const sd = paramName(obs.noise.value, `a noise in '${obs.text}'`);
  if (sd.selected) throw new CodegenUnsupported(`a noise chosen by the selector in '${obs.text}'`);
  const mixture = program.mixture;
  const w = mixture ? paramName(mixture.weights, `weights of '${mixture.latent}'`) : undefined;
  if (mixture && !(W.selected && mu.selected))
    throw new CodegenUnsupported(`loadings and mean not both chosen by '${mixture.latent}' in '${obs.text}'`);
  const names = [program.data, ...program.params.map((p) => p.name)];
  const clash = names.find((name) => reserved.has(name));
  if (clash) throw new CodegenUnsupported(`the name '${clash}' (a local of the generated code)`);
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }));
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: program.plate,
    latents: mixture ? [{ name: mixture.latent, states: mixture.states }] : [],
    factors: [],
    params: declared,
    objective: 'log-likelihood',
    strategy: program.strategy,
  } as unknown as FitProgram;
  return {
    program,
    full: makeMixtureContext(asMixture, schema, plan, source),
    N: dim(program.plate.size),
    D: dim(v.shape[0]!),
    L: dim(program.latent.size),
    K: mixture ? dim(mixture.states) : '1',
    names: { D: String(v.shape[0]!), L: String(program.latent.size) },
    x: program.data,
    f: program.latent.name,
    W: W.name,
    mu: mu.name,
    sd: sd.name,
    ...(mixture && w ? { w: w.name, z: mixture.latent } : {}),
    form: obs.noise.form,
    selected: W.selected,
  };
}

export const BPW = [
  { name: 'bound', type: 'Bound' },
  { name: 'params', type: 'Flat' },
  { name: 'work', type: 'Work' },
];

/** The sizes and the data, destructured from `bound`. */
export function sizes(ctx: FactorContext): string[] {
  return destructureNames([...ctx.full.schema.sizes.map((s) => s.name), ctx.x], 'bound');
}

export function eStepName(ctx: FactorContext): string {
  return `eStep${ctx.z ? cap(ctx.z) : ''}${cap(ctx.f)}`;
}

/** Offsets of state k's loadings and mean (none without a mixture). */
export function at(ctx: FactorContext): { W: string; mu: string; ef: (n: string) => string; vf: string } {
  const { D, L, K } = ctx;
  return ctx.z
    ? { W: `k * ${D} * ${L} + `, mu: `k * ${D} + `, ef: (n) => `(${n} * ${K} + k) * ${L}`, vf: `k * ${L} * ${L} + ` }
    : { W: '', mu: '', ef: (n) => `${n} * ${L}`, vf: '' };
}

export function noiseSd(ctx: FactorContext, i: string): string {
  return ctx.form === 'diagonal' ? `${ctx.sd}[${i}]!` : `${ctx.sd}[0]!`;
}
