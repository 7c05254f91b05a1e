// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the exported functions of a scale-mixture fitter (a Student-t, or a mixture of them):
 * `fit(data, options)` (the runtime's driver `runEm` with this model's initialize / E-step /
 * M-step, and the same `FitResult` as `emforge fit`: scale-mixture/fit-scale-mixture.ts),
 * `logLik(data, params)` and `posterior(data, params)` (responsibilities and E[u[n] | x[n]]),
 * and assembles the whole fitter (`lowerScaleMixtureFitter`, the kind's row of emit-fitter.ts).
 */
import type { DataSchema, ScaleMixtureProgram } from '@emforge/runtime';
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
import { lowerScaleEStep, lowerScaleWork, lowerSetMixing, scaleEStepName } from './lower-scale-mixture-e-step.js';
import { lowerScaleInit, lowerScaleMStep } from './lower-scale-mixture-m-step.js';
import { use } from './mixture-context.js';
import { lines, makeScaleMixtureContext, type ScaleMixtureContext } from './scale-mixture-context.js';

/** After binding: the data's mixing Gammas (ν known), checked as the runtime checks them. */
function mixingSetup(ctx: ScaleMixtureContext): string[] {
  return lines(`
${ctx.nu ? `params.${ctx.names.nu}.fill(NU_START);\nsetMixing(bound, params, work);` : 'setMixing(bound, work);'}
for (let k = 0; k < ${ctx.K}; k++) {
  const a = work.alpha[k]!;
  const b = work.beta[k]!;
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b)))
    throw new Error(\`the degrees of freedom must be positive and finite: component \${k} has Gamma(\${a}, \${b}) as its precision\`);
}`);
}

function lowerFit(ctx: ScaleMixtureContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  use(ctx.full, 'FitResult');
  const eStep = scaleEStepName(ctx);
  const { program, N } = ctx;
  const body: Code[] = [
    'const bound = bind(data, options.sizes);',
    "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
    "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
    'const settings: MStepSettings = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(options.fixed ?? {})) };',
    "const method = typeof options.init === 'string' ? options.init : 'kmeans++';",
    'const params = allocateParams(bound);',
    ...(ctx.w ? [`params.${ctx.names.w}.fill(1 / bound.${ctx.K});`] : []),
    'const work = allocateWork(bound);',
    ...mixingSetup(ctx),
    `const { best } = ${runEm}<Flat, number>(`,
    [
      '{',
      [
        'initialize: (ctx) => initialize(bound, params, work, ctx, settings, method, given),',
        'eStep: (values) => {',
        [
          'loadParams(params, values);',
          `const logLik = ${eStep}(bound, params, work);`,
          'return { objective: logLik, stats: logLik };',
        ],
        '},',
        'mStep: (_logLik, ctx) => {',
        [
          'mStep(bound, params, work, ctx, settings);',
          ...(ctx.nu
            ? [
                `if (!settings.fixed.has('${program.degreesOfFreedom!.name}')) update${capName(program.degreesOfFreedom!.name)}(bound, params, work);`,
              ]
            : []),
          'return copyParams(params);',
        ],
        '},',
      ],
      '},',
      '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
    ],
    ');',
    '// the responsibilities at the returned params, for the log-likelihood and ICL',
    'loadParams(params, best.params);',
    `const logLik = ${eStep}(bound, params, work);`,
    'let entropy = 0;',
    ...(ctx.z ? ['for (const r of work.resp) if (r > 0) entropy -= r * Math.log(r);'] : []),
    `const free: Record<string, number> = { ${program.params.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : `'${p.name}'`}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
    'let nParams = 0;',
    'for (const [name, count] of Object.entries(free)) if (!settings.fixed.has(name)) nParams += count;',
    'return {',
    [
      `model: '${program.model}',`,
      `strategy: '${program.strategy}',`,
      'logLik,',
      'objective: best.objective,',
      'iterations: best.iterations,',
      'emSteps: best.emSteps,',
      'converged: best.converged,',
      'params: nestParams(bound, best.params),',
      `...${criteria}(logLik, nParams, ${N}, entropy),`,
      'nParams,',
      `nObs: ${N},`,
      'history: best.history,',
      'warnings: best.warnings,',
    ],
    '};',
  ];
  const sizes = ctx.full.schema.sizes.map((s) => s.name);
  return {
    kind: 'function',
    name: 'fit',
    isExported: true,
    docs: [
      `Fits ${program.model} to \`data\` by EM (${program.strategy}); the same result as \`emforge fit\` with the same options.`,
      'Throws an Error when the data or the given param values do not match the model.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'options', type: `${T}FitOptions`, initializer: '{}' },
    ],
    returnType: 'FitResult',
    statements: [body[0]!, ...destructureNames(sizes, 'bound'), ...body.slice(1)],
  };
}

function capName(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function lowerEvaluate(ctx: ScaleMixtureContext): FunctionStructure[] {
  const T = ctx.full.typePrefix;
  const eStep = scaleEStepName(ctx);
  const { program, N, K, z, u } = ctx;
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'const flat = allocateParams(bound);',
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
    ...(ctx.nu ? ['setMixing(bound, flat, work);'] : ['setMixing(bound, work);']),
  ];
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  const sizes = ctx.full.schema.sizes.map((s) => s.name).filter((s) => new RegExp(`\\b${s}\\b`).test(`${N} ${K}`));
  return [
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: [
        `The observed-data log-likelihood of \`data\` at \`params\` (${u}${z ? ` and ${z}` : ''} integrated out).`,
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
        `The posterior at \`params\`: p(${z ? `${z}[n] = k` : 'item'} | x[n]) and E[${u}[n] | x[n]] = Σ_k r[n, k] E[${u} | x[n], k]`,
        '(as `emforge fit --posteriors` writes them).',
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        ...destructureNames(sizes, 'bound'),
        `${eStep}(bound, flat, work);`,
        'const { resp, eu } = work;',
        `const means = new Array<number>(${N});`,
        `for (let i = 0; i < ${N}; i++) {`,
        ['let s = 0;', `for (let k = 0; k < ${K}; k++) s += resp[i * ${K} + k]! * eu[i * ${K} + k]!;`, 'means[i] = s;'],
        '}',
        'return {',
        [
          `latents: [${z ? `'${z}'` : ''}],`,
          `states: Array.from({ length: ${K} }, (_, k) => ${z ? `\`${z}=\${k}\`` : "'item'"}),`,
          `responsibilities: Array.from({ length: ${N} }, (_, i) => Array.from(resp.subarray(i * ${K}, (i + 1) * ${K}))),`,
          `means: { '${u}': means },`,
        ],
        '};',
      ],
    },
  ];
}

function lowerPosteriorType(ctx: ScaleMixtureContext): InterfaceStructure {
  const T = ctx.full.typePrefix;
  return {
    kind: 'interface',
    name: `${T}Posterior`,
    isExported: true,
    docs: [
      `Responsibilities per item${ctx.z ? ` and state of ${ctx.z}` : ''}, and E[${ctx.u}[n] | x[n]] (as \`emforge fit --posteriors\` writes them).`,
    ],
    properties: [
      { name: 'latents', type: 'readonly string[]', isReadonly: true },
      { name: 'states', type: 'readonly string[]', isReadonly: true },
      { name: 'responsibilities', type: 'readonly (readonly number[])[]', isReadonly: true, docs: ['shape [N][K]'] },
      { name: 'means', type: `{ readonly '${ctx.u}': readonly number[] }`, isReadonly: true, docs: ['shape [N]'] },
    ],
  };
}

export interface LoweredScaleMixture {
  readonly statements: readonly StatementStructure[];
  readonly helpers: ReadonlySet<string>;
}

/** The whole scale-mixture fitter, in reading order. */
export function lowerScaleMixtureFitter(
  program: ScaleMixtureProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): LoweredScaleMixture {
  const ctx = makeScaleMixtureContext(program, schema, plan, source);
  const eStep = lowerScaleEStep(ctx);
  const setMixing = lowerSetMixing(ctx);
  const mStep = lowerScaleMStep(ctx);
  const init = lowerScaleInit(ctx);
  const fit = lowerFit(ctx);
  const evaluate = lowerEvaluate(ctx);
  const [data, params, sizes, options] = lowerPublicTypes(ctx.full);
  const conversions = lowerParamConversions(ctx.full);
  const bind = lowerBind(ctx.full);
  const settings: InterfaceStructure = {
    kind: 'interface',
    name: 'MStepSettings',
    properties: [
      { name: 'regCovar', type: 'number', isReadonly: true, docs: ['Added to scale diagonals and variances.'] },
      { name: 'fixed', type: 'ReadonlySet<string>', isReadonly: true, docs: ['Params held at their values.'] },
    ],
  };
  return {
    statements: [
      data!,
      params!,
      sizes!,
      options!,
      lowerPosteriorType(ctx),
      fit,
      ...evaluate,
      ...eStep,
      setMixing,
      ...mStep,
      ...init,
      ...lowerFlatTypes(ctx.full),
      settings,
      ...lowerScaleWork(ctx),
      ...bind,
      ...conversions,
    ],
    helpers: ctx.full.helpers,
  };
}
