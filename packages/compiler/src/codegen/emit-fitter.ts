/**
 * `emforge compile`: a planned, lowered model → the TypeScript source of its fitter. The
 * program kind picks the lowering (`fitterLowerers`: one row per kind — the mixture kind, the
 * chain (HMM) kind, the scale-mixture (Student-t) kind, the missing-gaussian kind and the
 * linear-Gaussian kind (FA, PPCA, mixtures of factor analysers, the Kalman chain) today; another kind adds
 * its own `lower-<kind>-*.ts` files and one row); the
 * lowering builds a `FitterSource` (fitter-source.ts), the runtime helpers it asked for are
 * imported from @emforge/runtime or, with `standalone`, inlined (runtime-inline.ts), and
 * print-fitter.ts prints it once with ts-morph. Every kind's fitter exports `sample`, drawing what
 * `emforge sample` draws (the `lower-*-sample.ts` files; `withSample` places it). What cannot be
 * generated yet is one E5001 diagnostic.
 */
import { type Diagnostic, lowerMessages, makeDiagnostic, type PhaseResult } from '@emforge/dsl';
import {
  type ChainProgram,
  type DataSchema,
  type FitProgram,
  type LinearGaussianProgram,
  type MeanFieldProgram,
  type MissingGaussianProgram,
  missingAsFitProgram,
  type Program,
  runtimeVersion,
  type ScaleMixtureProgram,
  type VariationalProgram,
} from '@emforge/runtime';
import type { PlanOutcome } from '../pipeline.js';
import type { InferencePlan } from '../plan/inference-plan.js';
import { makeChainContext } from './chain-context.js';
import type {
  FitterSource,
  FunctionStructure,
  ImportStructure,
  InterfaceStructure,
  StatementStructure,
} from './fitter-source.js';
import { makeFactorContext } from './linear-gaussian-context.js';
import {
  lowerChainBind,
  lowerChainEvaluate,
  lowerChainFit,
  lowerChainFlatTypes,
  lowerChainPublicTypes,
} from './lower-chain-api.js';
import { lowerChainEStep, lowerForwardBackward, lowerImpossible, lowerViterbi } from './lower-chain-e-step.js';
import { fastEmissionOf, lowerChainFastPath } from './lower-chain-fast.js';
import { lowerChainInitialize, lowerChainMStep } from './lower-chain-m-step.js';
import { lowerChainSample, lowerChainSampleType } from './lower-chain-sample.js';
import { lowerHeader } from './lower-header.js';
import { lowerLinearGaussianChainFitter } from './lower-linear-gaussian-chain.js';
import { lowerLinearGaussianFactorFitter } from './lower-linear-gaussian-factor.js';
import { lowerFactorSample, lowerLgChainSample } from './lower-linear-gaussian-sample.js';
import { lowerMeanFieldFitter } from './lower-mean-field-api.js';
import { lowerLdaSample, lowerPoissonLognormalSample } from './lower-mean-field-sample.js';
import { lowerMissingGaussianFitter } from './lower-missing-gaussian.js';
import { lowerEvaluate, lowerFit, lowerSample } from './lower-mixture-api.js';
import { lowerEStep, lowerLogPrior } from './lower-mixture-e-step.js';
import { fastSpecOf, lowerFastPath } from './lower-mixture-fast.js';
import { lowerInitialize, lowerWork } from './lower-mixture-init.js';
import { lowerMStep } from './lower-mixture-m-step.js';
import { lowerBind, lowerFlatTypes, lowerParamConversions, lowerPublicTypes } from './lower-mixture-types.js';
import { attachNumeric } from './lower-numeric-m-step.js';
import { lowerScaleMixtureFitter } from './lower-scale-mixture-api.js';
import { lowerScaleSample, lowerScaleSampleType } from './lower-scale-mixture-sample.js';
import { lowerVariationalFitter } from './lower-variational-api.js';
import { makeMeanFieldContext } from './mean-field-context.js';
import { CodegenUnsupported, dims, makeMixtureContext } from './mixture-context.js';
import { printFitter } from './print-fitter.js';
import { resolveHelpers } from './runtime-inline.js';
import { makeScaleMixtureContext } from './scale-mixture-context.js';
import { makeVariationalContext } from './variational-context.js';

export interface EmitFitterOptions {
  /** Inline the runtime pieces instead of importing @emforge/runtime. */
  readonly standalone?: boolean;
}

/** What a kind's lowering gets: the plan, the program, the data schema and the model's source. */
export interface FitterInput {
  readonly plan: InferencePlan;
  readonly program: Program;
  readonly schema: DataSchema;
  readonly source: string;
}

/** A kind's lowering: its statements, in order, and the runtime helpers they use. */
export interface LoweredFitter {
  readonly statements: readonly StatementStructure[];
  readonly helpers: ReadonlySet<string>;
  readonly exports: readonly string[];
  /** Lines for the header after the exports (what is not generated, and why). */
  readonly notes?: readonly string[];
}

const RUNTIME = '@emforge/runtime';

function lowerMixtureFitter(input: FitterInput): LoweredFitter {
  const ctx = attachNumeric(makeMixtureContext(input.program as FitProgram, input.schema, input.plan, input.source));
  const fast = fastSpecOf(ctx);
  if (fast) ctx.specialised = `mixture (${fast.family})`;
  // Lowered in dependency order (the work buffers are known once the steps are), printed in reading order.
  const eStep = lowerEStep(ctx);
  const logPrior = lowerLogPrior(ctx);
  const mStep = lowerMStep(ctx);
  const initialize = lowerInitialize(ctx);
  const fit = lowerFit(ctx, logPrior !== undefined);
  const specialised = fast ? lowerFastPath(ctx, fast, logPrior !== undefined) : [];
  const evaluate = lowerEvaluate(ctx);
  if (ctx.numeric) ctx.numeric.sampling = true;
  const sample = lowerSample(ctx);
  const publicTypes = lowerPublicTypes(ctx);
  const conversions = lowerParamConversions(ctx);
  const bind = lowerBind(ctx);
  const work = lowerWork(ctx);
  return {
    statements: [
      ...publicTypes,
      fit,
      ...evaluate,
      sample,
      eStep,
      ...specialised,
      ...(logPrior ? [logPrior] : []),
      ...mStep,
      initialize,
      ...lowerFlatTypes(ctx),
      ...work,
      ...bind,
      ...conversions,
    ],
    helpers: ctx.helpers,
    exports: ['fit(data, options)', 'logLik(data, params)', 'posterior(data, params)', 'sample(params, sizes, seed)'],
    ...(fast ? { notes: specialisedNote(ctx.specialised!) } : {}),
  };
}

/** The header's word on the specialised path `fit` takes, as `emforge fit` does. */
function specialisedNote(executor: string): string[] {
  return [
    `\`fit\` runs the runtime's specialised ${executor} executor, as \`emforge fit\` does: the same block kernel`,
    'per iteration and the M-step from its sums (fitSpecialised), so the same bits; `specialise: false` runs the',
    "general E- and M-steps (the runtime's general executor, bit for bit).",
  ];
}

function lowerChainFitter(input: FitterInput): LoweredFitter {
  const ctx = makeChainContext(input.program as ChainProgram, input.schema, input.plan, input.source);
  const fast = fastEmissionOf(ctx);
  if (fast) ctx.full.specialised = `chain (${fast} emissions)`;
  // Lowered in dependency order (the work buffers are known once the steps are), printed in reading order.
  const eStep = lowerChainEStep(ctx);
  const forwardBackward = lowerForwardBackward(ctx);
  const viterbi = lowerViterbi(ctx);
  const mStep = lowerChainMStep(ctx);
  const initialize = lowerChainInitialize(ctx);
  const fit = lowerChainFit(ctx);
  const specialised = fast ? lowerChainFastPath(ctx, fast) : [];
  const evaluate = lowerChainEvaluate(ctx);
  const sample = [lowerChainSampleType(ctx), lowerChainSample(ctx)];
  const publicTypes = lowerChainPublicTypes(ctx);
  const conversions = lowerParamConversions(ctx.full);
  const [readNested] = lowerBind(ctx.full);
  const bind = lowerChainBind(ctx);
  const work = lowerWork(ctx.step);
  return {
    statements: [
      ...publicTypes,
      ...sample.slice(0, 1),
      fit,
      ...evaluate,
      ...sample.slice(1),
      eStep,
      ...specialised,
      forwardBackward,
      lowerImpossible(ctx),
      viterbi,
      ...mStep,
      initialize,
      ...lowerChainFlatTypes(ctx),
      ...work,
      readNested!,
      bind,
      ...conversions,
    ],
    helpers: ctx.step.helpers,
    exports: ['fit(data, options)', 'logLik(data, params)', 'posterior(data, params)', 'sample(params, sizes, seed)'],
    ...(fast ? { notes: specialisedNote(ctx.full.specialised!) } : {}),
  };
}

/** What every kind with `sample` exports. */
const SAMPLED_EXPORTS = [
  'fit(data, options)',
  'logLik(data, params)',
  'posterior(data, params)',
  'sample(params, sizes, seed)',
];

function lowerScaleFitter(input: FitterInput): LoweredFitter {
  const program = input.program as ScaleMixtureProgram;
  const ctx = makeScaleMixtureContext(program, input.schema, input.plan, input.source);
  return withSample(
    lowerScaleMixtureFitter(program, input.schema, input.plan, input.source),
    [lowerScaleSampleType(ctx), lowerScaleSample(ctx)],
    ctx.full.helpers,
    SAMPLED_EXPORTS,
  );
}

function lowerMissingFitter(input: FitterInput): LoweredFitter {
  const program = input.program as MissingGaussianProgram;
  // `sample` draws complete rows: the mixture's, over the program without its missing entries (as the runtime does).
  const publicSchema: DataSchema = {
    ...input.schema,
    data: input.schema.data.map((d) => ({ ...d, optional: false })),
  };
  const ctx = makeMixtureContext(missingAsFitProgram(program), publicSchema, input.plan, input.source);
  const row = publicSchema.data.find((d) => d.name === program.data)!;
  const sample = lowerSample(ctx, [`missing: new Uint8Array(${dims([...row.dims, ...row.shape])})`]);
  const sampleType = lowerPublicTypes(ctx).find((st) => st.name === `${ctx.typePrefix}Sample`) as InterfaceStructure;
  return withSample(
    lowerMissingGaussianFitter(program, input.schema, input.plan, input.source),
    [sampleType, sample],
    ctx.helpers,
    SAMPLED_EXPORTS,
  );
}

function lowerLinearGaussianFitter(input: FitterInput): LoweredFitter {
  const program = input.program as LinearGaussianProgram;
  if (program.form === 'factor') {
    const ctx = makeFactorContext(program, input.schema, input.plan, input.source);
    return withSample(
      lowerLinearGaussianFactorFitter(program, input.schema, input.plan, input.source),
      lowerFactorSample(ctx),
      ctx.full.helpers,
      SAMPLED_EXPORTS,
    );
  }
  const sample = lowerLgChainSample(input);
  return withSample(
    lowerLinearGaussianChainFitter(program, input.schema, input.plan, input.source),
    sample.statements,
    sample.helpers,
    SAMPLED_EXPORTS,
  );
}

/**
 * A kind's fitter with `sample` (lowered from its own context, the same names as the fitter's)
 * after `posterior` and its `…Sample` type after the `…Posterior` type; the helpers joined.
 */
function withSample(
  lowered: { readonly statements: readonly StatementStructure[]; readonly helpers: ReadonlySet<string> },
  [sampleType, sample]: [InterfaceStructure, FunctionStructure],
  helpers: ReadonlySet<string>,
  exports: readonly string[],
): LoweredFitter {
  const statements = [...lowered.statements];
  const after = (name: string) => statements.findIndex((st) => 'name' in st && st.name === name) + 1;
  statements.splice(after('posterior'), 0, sample);
  statements.splice(after(sampleType.name.replace(/Sample$/, 'Posterior')), 0, sampleType);
  return { statements, helpers: new Set([...lowered.helpers, ...helpers]), exports };
}

const ELBO_EXPORTS = [
  'fit(data, options)',
  'logLik(data, params) (the ELBO)',
  'posterior(data, params)',
  'sample(params, sizes, seed)',
];

/** One row per program kind; a kind without a row cannot be compiled yet. */
const fitterLowerers: Readonly<Record<string, (input: FitterInput) => LoweredFitter>> = {
  mixture: lowerMixtureFitter,
  chain: lowerChainFitter,
  'scale-mixture': lowerScaleFitter,
  'missing-gaussian': lowerMissingFitter,
  'linear-gaussian': lowerLinearGaussianFitter,
  'mean-field': (input) => {
    const program = input.program as MeanFieldProgram;
    const ctx = makeMeanFieldContext(program, input.schema, input.plan, input.source);
    return withSample(
      lowerMeanFieldFitter(program, input.schema, input.plan, input.source),
      lowerLdaSample(ctx),
      ctx.full.helpers,
      ELBO_EXPORTS,
    );
  },
  variational: (input) => {
    const program = input.program as VariationalProgram;
    const ctx = makeVariationalContext(program, input.schema, input.plan, input.source);
    return withSample(
      lowerVariationalFitter(program, input.schema, input.plan, input.source),
      lowerPoissonLognormalSample(ctx),
      ctx.full.helpers,
      ELBO_EXPORTS,
    );
  },
};

/** The fitter's structure (before printing), for a planned model and its program. */
export function lowerFitter(input: FitterInput, options: EmitFitterOptions = {}): FitterSource {
  const kind = input.program.kind ?? 'mixture';
  const lower = fitterLowerers[kind];
  if (!lower) throw new CodegenUnsupported(`code generation for ${kind} programs is not written yet`);
  const lowered = lower(input);
  const standalone = options.standalone === true;
  const helpers = resolveHelpers(lowered.helpers, standalone, lowered.statements);
  const { values, types } = helpers.imports;
  const imports: ImportStructure[] =
    values.length + types.length === 0
      ? []
      : [{ moduleSpecifier: RUNTIME, namedImports: values, typeOnlyImports: types }];
  const header = lowerHeader({
    model: input.program.model,
    source: input.source,
    plan: input.plan,
    version: runtimeVersion,
    standalone,
    exports: lowered.exports,
    ...(lowered.notes ? { notes: lowered.notes } : {}),
  });
  return {
    header,
    imports,
    ...(standalone ? {} : { reExports: ['FitResult'] }),
    statements: [
      ...helpers.top,
      ...lowered.statements,
      ...(helpers.inlined.length > 0
        ? [
            {
              kind: 'raw' as const,
              name: 'inlined',
              text: '// ---- Inlined from @emforge/runtime (--standalone): the same code the runtime runs. ----',
            },
            ...helpers.inlined,
          ]
        : []),
    ],
  };
}

/** The fitter's source text, or one E5001 naming what code generation cannot handle yet. */
export function emitFitter(
  outcome: PlanOutcome,
  program: Program,
  schema: DataSchema,
  options: EmitFitterOptions = {},
): PhaseResult<string> {
  const plan = outcome.plan;
  if (!plan) return { diagnostics: [] };
  try {
    const source = lowerFitter({ plan, program, schema, source: outcome.source.text }, options);
    return { value: printFitter(source), diagnostics: [] };
  } catch (error) {
    if (!(error instanceof CodegenUnsupported)) throw error;
    const diagnostic: Diagnostic = makeDiagnostic(lowerMessages.unsupportedPlan, undefined, {
      why: `emforge compile cannot generate it yet: ${error.why}`,
    });
    return { diagnostics: [diagnostic] };
  }
}
