// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * The public part of a linear-Gaussian factor fitter: `fit` (the EM driver with the E- and
 * M-step of lower-linear-gaussian-factor.ts, the result as `emforge fit` reports it), `logLik`,
 * `posterior` (responsibilities and the factors' posterior means), and the exported option and
 * posterior types, which the chain fitter (lower-linear-gaussian-chain.ts) shares.
 */
import type { Code, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { at, eStepName, type FactorContext } from './linear-gaussian-context.js';
import { freeCount } from './lower-mixture-api.js';
import { destructureNames, lowerPublicTypes } from './lower-mixture-types.js';
import { use } from './mixture-context.js';

export function lowerFactorApi(ctx: FactorContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const { program, N, L, K } = ctx;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  use(ctx.full, 'FitResult');
  const eStep = eStepName(ctx);
  const sizeNames = ctx.full.schema.sizes.map((s) => s.name);
  const fitBody: Code[] = [
    'const bound = bind(data, options.sizes);',
    ...destructureNames(sizeNames, 'bound'),
    "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
    "const given: Partial<Flat> = { ...(options.init ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
    'const settings: MStepSettings = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(options.fixed ?? {})) };',
    'const params = allocateParams(bound);',
    'const work = allocateWork(bound);',
    `const { best } = ${runEm}<Flat, number>(`,
    [
      '{',
      [
        'initialize: (ctx) => {',
        ['const values = initialize(bound, ctx);', 'loadParams(values, given);', 'return values;'],
        '},',
        'eStep: (values) => {',
        [
          'loadParams(params, values);',
          `const logLik = ${eStep}(bound, params, work);`,
          'accumulateStats(bound, work);',
          'return { objective: Number.isFinite(logLik) ? logLik : NEG_INF, stats: logLik };',
        ],
        '},',
        'mStep: (_logLik, ctx) => {',
        ['mStep(bound, params, work, ctx, settings);', 'return copyParams(params);'],
        '},',
      ],
      '},',
      '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
    ],
    ');',
    `// the E-step at the returned params, for the log-likelihood${ctx.z ? ' and ICL' : ''}`,
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
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'const flat = allocateParams(bound);',
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
  ];
  const o = at(ctx);
  const means = ctx.z
    ? [
        `const means = Array.from({ length: ${N} }, (_, n) =>`,
        [
          `Array.from({ length: ${L} }, (_, a) => {`,
          [
            'let t = 0;',
            `for (let k = 0; k < ${K}; k++) t += work.resp[n * ${K} + k]! * work.ef[${o.ef('n')} + a]!;`,
            'return t;',
          ],
          '}),',
        ],
        ');',
      ]
    : [`const means = Array.from({ length: ${N} }, (_, n) => Array.from(work.ef.subarray(n * ${L}, (n + 1) * ${L})));`];
  const posterior = ctx.z
    ? [
        'return {',
        [
          `latents: ['${ctx.z}'],`,
          `states: Array.from({ length: ${K} }, (_, k) => \`${ctx.z}=\${k}\`),`,
          `responsibilities: Array.from({ length: ${N} }, (_, n) => Array.from(work.resp.subarray(n * ${K}, (n + 1) * ${K}))),`,
          `means: { ${ctx.f}: means },`,
        ],
        '};',
      ]
    : [`return { latents: [], states: [], responsibilities: [], means: { ${ctx.f}: means } };`];
  return [
    {
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
      statements: fitBody,
    },
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: [
        `The observed-data log-likelihood of \`data\` at \`params\` (${ctx.z ? `${ctx.z} and ` : ''}${ctx.f} integrated out).`,
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
        `The posterior at \`params\`: ${ctx.z ? `the responsibilities of ${ctx.z} and ` : ''}the posterior means E[${ctx.f}[n] | x[n]]${ctx.z ? ' (averaged over the states)' : ''}`,
        '(as `emforge fit --posteriors` writes them).',
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        ...destructureNames(sizeNames, 'bound'),
        `${eStep}(bound, flat, work);`,
        ...means,
        ...posterior,
      ],
    },
  ];
}

/** The options of a linear-Gaussian `fit` (no seeding methods: the initial values come from the data's moments). */
export function lowerLgFitOptions(T: string, exampleSize: string): InterfaceStructure {
  const optional = (name: string, type: string, doc: string) => ({
    name,
    type,
    isReadonly: true,
    hasQuestionToken: true,
    docs: [doc],
  });
  return {
    kind: 'interface',
    name: `${T}FitOptions`,
    isExported: true,
    docs: ["The options of `fit`, with `emforge fit`'s defaults."],
    properties: [
      optional('seed', 'number', 'Seed of the random streams (default 1).'),
      optional('restarts', 'number', 'Independent EM runs, the best kept (default 10).'),
      optional('maxIter', 'number', 'Maximum number of iterations per run (default 1000).'),
      optional('tol', 'number', 'Converged when the relative change of the objective is below this (default 1e-8).'),
      optional('init', `Partial<${T}Params>`, 'Initial values of some or all params.'),
      optional('fixed', `Partial<${T}Params>`, 'Params held at these values (not estimated).'),
      optional(
        'regCovar',
        'number',
        'The smallest noise variance, and the ridge of a singular noise covariance (default 1e-6).',
      ),
      optional('sizes', `Partial<${T}Sizes>`, `Sizes given or overridden (like \`--size ${exampleSize}=3\`).`),
    ],
  };
}

/** The posterior of a linear-Gaussian fitter: responsibilities (of a selector, if any) and the factors' posterior means. */
export function lowerLgPosteriorType(
  T: string,
  latent: string,
  responsibilities: string,
  means: string,
): InterfaceStructure {
  return {
    kind: 'interface',
    name: `${T}Posterior`,
    isExported: true,
    docs: ['The posterior (as `emforge fit --posteriors` writes it).'],
    properties: [
      { name: 'latents', type: 'readonly string[]', isReadonly: true },
      { name: 'states', type: 'readonly string[]', isReadonly: true },
      { name: 'responsibilities', type: 'readonly (readonly number[])[]', isReadonly: true, docs: [responsibilities] },
      { name: 'means', type: `{ readonly ${latent}: number[][] }`, isReadonly: true, docs: [means] },
    ],
  };
}

export function lowerFactorTypes(ctx: FactorContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const [data, params, sizesType] = lowerPublicTypes(ctx.full);
  const plate = String(ctx.program.plate.size);
  const posterior = lowerLgPosteriorType(
    T,
    ctx.f,
    ctx.z ? `shape [${plate}][${String(ctx.program.mixture?.states)}]` : 'empty: no finite latent',
    `E[${ctx.f}[n] | x[n]], shape [${plate}][${ctx.names.L}]`,
  );
  return [data!, params!, sizesType!, lowerLgFitOptions(T, ctx.names.L), posterior];
}
