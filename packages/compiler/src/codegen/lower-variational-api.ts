/**
 * Lowers the exported functions of a variational (Poisson–lognormal) fitter: `fit(data, options)`
 * (the runtime's driver `runEm` with this model's moment start / E-step / M-step, and the same
 * `FitResult` as `emforge fit`: variational/fit-variational.ts, `approximate: true`),
 * `logLik(data, params)` (the ELBO), `posterior(data, params)` (the variational means and
 * variances of the latent per item), and assembles the whole fitter (`lowerVariationalFitter`,
 * the kind's row of emit-fitter.ts).
 */
import type { DataSchema, VariationalProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code, FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { freeCount } from './lower-mixture-api.js';
import {
  destructureNames,
  lowerBind,
  lowerFlatTypes,
  lowerParamConversions,
  lowerPublicTypes,
} from './lower-mixture-types.js';
import { lowerVariationalSteps, lowerVariationalWork, variationalEStepName } from './lower-variational-steps.js';
import { use } from './mixture-context.js';
import { makeVariationalContext, type VariationalContext } from './variational-context.js';

function quoted(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}

function lowerFit(ctx: VariationalContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  const eStep = variationalEStepName(ctx);
  const { program, N } = ctx;
  const body: Code[] = [
    'const bound = bind(data, options.sizes);',
    "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
    "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
    'const held: ReadonlySet<string> = new Set(Object.keys(fixed));',
    'const params = allocateParams(bound);',
    'const work = allocateWork(bound);',
    `const { best } = ${runEm}<Flat, null>(`,
    [
      '{',
      [
        'initialize: () => {',
        ['momentStart(bound, params);', 'loadParams(params, given);', 'return copyParams(params);'],
        '},',
        'eStep: (values) => {',
        ['loadParams(params, values);', `return { objective: ${eStep}(bound, params, work), stats: null };`],
        '},',
        'mStep: () => {',
        ['mStep(bound, params, work, held);', 'return copyParams(params);'],
        '},',
      ],
      '},',
      '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
    ],
    ');',
    '// q at the returned params, for the ELBO reported as logLik',
    'loadParams(params, best.params);',
    `const elbo = ${eStep}(bound, params, work);`,
    `const free: Record<string, number> = { ${program.params.map((p) => `${quoted(p.name)}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
    'let nParams = 0;',
    'for (const [name, count] of Object.entries(free)) if (!held.has(name)) nParams += count;',
    'return {',
    [
      `model: '${program.model}',`,
      `strategy: '${program.strategy}',`,
      'logLik: elbo,',
      'objective: best.objective,',
      'iterations: best.iterations,',
      'emSteps: best.emSteps,',
      'converged: best.converged,',
      'params: nestParams(bound, best.params),',
      `...${criteria}(elbo, nParams, ${N}, 0),`,
      'nParams,',
      `nObs: ${N},`,
      'history: best.history,',
      'warnings: best.warnings,',
      'approximate: true,',
    ],
    '};',
  ];
  const sizes = ctx.full.schema.sizes.map((s) => s.name).filter((s) => new RegExp(`\\b${s}\\b`).test(N));
  return {
    kind: 'function',
    name: 'fit',
    isExported: true,
    docs: [
      `Fits ${program.model} to \`data\` by variational EM (a Gaussian q per item); the same result as \`emforge fit\``,
      'with the same options. Its `logLik` is the ELBO, a lower bound on the log-likelihood (`approximate: true`).',
      'Throws an Error when the data or the given param values do not match the model.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'options', type: `${T}FitOptions`, initializer: '{}' },
    ],
    returnType: `${T}FitResult`,
    statements: [body[0]!, ...destructureNames(sizes, 'bound'), ...body.slice(1)],
  };
}

function lowerEvaluate(ctx: VariationalContext): FunctionStructure[] {
  const T = ctx.full.typePrefix;
  const eStep = variationalEStepName(ctx);
  const { program, names } = ctx;
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'const flat = allocateParams(bound);',
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
  ];
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  return [
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: [
        `The ELBO of \`data\` at \`params\` (what \`fit\` reports as logLik): the maximum over q(${names.eta}[n]) = N(m, v)`,
        `of E_q[log p(${names.y}, ${names.eta})] + H(q), a lower bound on the log-likelihood (${names.eta} has no closed-form posterior).`,
      ],
      parameters,
      returnType: 'number',
      statements: [...setup, `return ${eStep}(bound, flat, work);`],
    },
    {
      kind: 'function',
      name: 'posterior',
      isExported: true,
      docs: [
        `The variational posterior at \`params\`: q(${names.eta}[n]) = N(means[n], variances[n]) per item`,
        '(`means` as `emforge fit --posteriors` writes them; the variances besides).',
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        `${eStep}(bound, flat, work);`,
        'return {',
        [
          'latents: [],',
          'states: [],',
          'responsibilities: [],',
          `means: { ${quoted(names.eta)}: Array.from(work.m) },`,
          `variances: { ${quoted(names.eta)}: Array.from(work.v) },`,
        ],
        '};',
      ],
    },
  ];
}

function lowerOwnTypes(ctx: VariationalContext): InterfaceStructure[] {
  const T = ctx.full.typePrefix;
  const fitResult = use(ctx.full, 'FitResult');
  const eta = `'${ctx.names.eta}'`;
  return [
    {
      kind: 'interface',
      name: `${T}FitOptions`,
      isExported: true,
      docs: ["The options of `fit`, with `emforge fit`'s defaults."],
      properties: [
        { name: 'seed', type: 'number', docs: ['Seed of the random streams (default 1).'] },
        {
          name: 'restarts',
          type: 'number',
          docs: ['Independent EM runs, the best kept (default 10; the moment start is the same in each).'],
        },
        { name: 'maxIter', type: 'number', docs: ['Maximum number of iterations per run (default 1000).'] },
        {
          name: 'tol',
          type: 'number',
          docs: ['Converged when the relative change of the ELBO is below this (default 1e-8).'],
        },
        { name: 'init', type: `Partial<${T}Params>`, docs: ['Initial values of some or all params.'] },
        { name: 'fixed', type: `Partial<${T}Params>`, docs: ['Params held at these values (not estimated).'] },
        { name: 'sizes', type: `Partial<${T}Sizes>`, docs: ['Sizes given or overridden (like `--size N=100`).'] },
      ].map((p) => ({ ...p, isReadonly: true, hasQuestionToken: true })),
    },
    {
      kind: 'interface',
      name: `${T}Posterior`,
      isExported: true,
      docs: [
        `The variational posterior q(${ctx.names.eta}[n]) = N(means[n], variances[n]); no discrete latents (the empty lists).`,
      ],
      properties: [
        { name: 'latents', type: 'readonly string[]', isReadonly: true },
        { name: 'states', type: 'readonly string[]', isReadonly: true },
        { name: 'responsibilities', type: 'readonly (readonly number[])[]', isReadonly: true },
        { name: 'means', type: `{ readonly ${eta}: readonly number[] }`, isReadonly: true, docs: ['shape [N]'] },
        { name: 'variances', type: `{ readonly ${eta}: readonly number[] }`, isReadonly: true, docs: ['shape [N]'] },
      ],
    },
    {
      kind: 'interface',
      name: `${T}FitResult extends ${fitResult}`,
      isExported: true,
      docs: ['The result of `fit`: its `logLik` and `objective` are the ELBO, a lower bound on the log-likelihood.'],
      properties: [{ name: 'approximate', type: 'true', isReadonly: true }],
    },
  ];
}

export interface LoweredVariational {
  readonly statements: readonly StatementStructure[];
  readonly helpers: ReadonlySet<string>;
}

/** The whole variational fitter, in reading order. */
export function lowerVariationalFitter(
  program: VariationalProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): LoweredVariational {
  const ctx = makeVariationalContext(program, schema, plan, source);
  const steps = lowerVariationalSteps(ctx);
  const work = lowerVariationalWork(ctx);
  const fit = lowerFit(ctx);
  const evaluate = lowerEvaluate(ctx);
  const [data, params, sizes] = lowerPublicTypes(ctx.full);
  const own = lowerOwnTypes(ctx);
  const conversions = lowerParamConversions(ctx.full);
  const bind = lowerBind(ctx.full);
  return {
    statements: [
      data!,
      params!,
      sizes!,
      ...own,
      fit,
      ...evaluate,
      ...steps,
      ...lowerFlatTypes(ctx.full),
      ...work,
      ...bind,
      ...conversions,
    ],
    helpers: ctx.full.helpers,
  };
}
