// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the exported functions of a mixture fitter: `fit(data, options)` (the runtime's driver
 * `runEm` with this model's initialize / E-step / M-step, and the same `FitResult` as `emforge
 * fit`: em/fit.ts), `logLik(data, params)`, `posterior(data, params)` and `sample(params, sizes,
 * seed)` (ancestral sampling in the runtime's order and with its samplers, as `emforge sample`:
 * sample/sample-program.ts).
 */
import type { FitFactor, ValueSource } from '@emforge/runtime';
import type { Code, FunctionStructure } from './fitter-source.js';
import { argViews, declareS, eStepName, stateLoops, statesName } from './lower-mixture-e-step.js';
import { destructureNames, drawnData } from './lower-mixture-types.js';
import {
  argEntry,
  CodegenUnsupported,
  dim,
  dims,
  entry,
  id,
  type MixtureContext,
  product,
  sum,
  use,
  viewOf,
} from './mixture-context.js';

/** Free values of one element of each param (em/criteria.ts), times its elements. */
export function freeCount(ctx: MixtureContext, name: string): string {
  const p = ctx.program.params.find((q) => q.name === name)!;
  const elements = dims(p.dims);
  const perElement =
    p.element === 'simplex'
      ? `Math.max(0, ${dim(p.shape[0] ?? 1)} - 1)`
      : p.element === 'cov'
        ? `(${dim(p.shape[0] ?? 1)} * (${dim(p.shape[0] ?? 1)} + 1)) / 2`
        : dims(p.shape);
  return elements === '1' ? perElement : `${perElement} * ${/^\w+$/.test(elements) ? elements : `(${elements})`}`;
}

function objectiveCode(ctx: MixtureContext, hasPrior: boolean): string[] {
  const NEG_INF = use(ctx, 'NEG_INF');
  return [
    `const objective = logLik${hasPrior ? ' + logPrior(bound, params, work)' : ''};`,
    `return { objective: Number.isNaN(objective) ? ${NEG_INF} : objective, stats: logLik };`,
  ];
}

export function lowerFit(ctx: MixtureContext, hasPrior: boolean): FunctionStructure {
  const T = ctx.typePrefix;
  const runEm = use(ctx, 'runEm');
  const criteria = use(ctx, 'computeCriteria');
  use(ctx, 'FitResult');
  const eStep = eStepName(ctx);
  const plate = dim(ctx.program.plate.size);
  return {
    kind: 'function',
    name: 'fit',
    isExported: true,
    docs: [
      `Fits ${ctx.program.model} to \`data\` by EM (${ctx.program.strategy}); the same result as \`emforge fit\` with the same options.`,
      'Throws an Error when the data or the given param values do not match the model.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'options', type: `${T}FitOptions`, initializer: '{}' },
    ],
    returnType: 'FitResult',
    statements: [
      'const bound = bind(data, options.sizes);',
      ...(ctx.specialised
        ? [
            `// \`emforge fit\` runs ${ctx.program.model} on the runtime's specialised ${ctx.specialised} executor: so does this fitter`,
            'if (options.specialise !== false) return fitSpecialised(bound, options);',
          ]
        : []),
      ...destructureNames(
        ctx.schema.sizes.map((s) => s.name),
        'bound',
      ),
      "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
      "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
      'const settings: MStepSettings = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(options.fixed ?? {})) };',
      "const method = typeof options.init === 'string' ? options.init : 'kmeans++';",
      'const params = allocateParams(bound);',
      'const work = allocateWork(bound);',
      `const { best } = ${runEm}<Flat, number>(`,
      [
        '{',
        [
          'initialize: (ctx) => {',
          ['loadParams(params, given);', 'return initialize(bound, params, work, ctx, settings, method, given);'],
          '},',
          'eStep: (values) => {',
          [
            'loadParams(params, values);',
            `const logLik = ${eStep}(bound, params, work);`,
            ...objectiveCode(ctx, hasPrior),
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
      '// the responsibilities at the returned params, for the log-likelihood and ICL',
      'loadParams(params, best.params);',
      `const logLik = ${eStep}(bound, params, work);`,
      'let entropy = 0;',
      'for (const r of work.resp) if (r > 0) entropy -= r * Math.log(r);',
      `const free: Record<string, number> = { ${ctx.program.params.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : `'${p.name}'`}: ${freeCount(ctx, p.name)}`).join(', ')} };`,
      'let nParams = 0;',
      'for (const [name, count] of Object.entries(free)) if (!settings.fixed.has(name)) nParams += count;',
      'return {',
      [
        `model: '${ctx.program.model}',`,
        `strategy: '${ctx.program.strategy}',`,
        'logLik,',
        'objective: best.objective,',
        'iterations: best.iterations,',
        'emSteps: best.emSteps,',
        'converged: best.converged,',
        'params: nestParams(bound, best.params),',
        `...${criteria}(logLik, nParams, ${plate}, entropy),`,
        'nParams,',
        `nObs: ${plate},`,
        'history: best.history,',
        'warnings: best.warnings,',
      ],
      '};',
    ],
  };
}

/** `logLik` and `posterior`: one E-step at given params. */
export function lowerEvaluate(ctx: MixtureContext): FunctionStructure[] {
  const T = ctx.typePrefix;
  const eStep = eStepName(ctx);
  const S = statesName(ctx);
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    'const flat = allocateParams(bound);',
    ...ctx.program.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
  ];
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  const names =
    ctx.latents.length === 0 ? ["'item'"] : [`\`${ctx.latents.map((l) => `${l.name}=\${${l.loopVar}}`).join(',')}\``];
  return [
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: ['The observed-data log-likelihood of `data` at `params` (without the log prior).'],
      parameters,
      returnType: 'number',
      statements: [...setup, `return ${eStep}(bound, flat, work);`],
    },
    {
      kind: 'function',
      name: 'posterior',
      isExported: true,
      docs: ['The responsibilities p(joint latent state | item) of every item at `params`.'],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        `${eStep}(bound, flat, work);`,
        ...destructureNames(
          ctx.schema.sizes.map((s) => s.name),
          'bound',
        ),
        ...declareS(ctx),
        'const states: string[] = [];',
        ...stateLoops(ctx, [`states.push(${names[0]});`]),
        'return {',
        [
          `latents: [${ctx.latents.map((l) => `'${l.name}'`).join(', ')}],`,
          'states,',
          `responsibilities: Array.from({ length: ${dim(ctx.program.plate.size)} }, (_, n) => Array.from(work.resp.subarray(n * ${S}, (n + 1) * ${S}))),`,
        ],
        '};',
      ],
    },
  ];
}

/** Latents a source reads (selectors, or the state itself). */
function latentsOf(source: ValueSource): string[] {
  if (source.kind === 'param' || source.kind === 'data') return [...source.selectors];
  if (source.kind === 'state') return [source.latent];
  return [];
}

/** The factors in ancestral order (sample-program.ts `ancestralOrder`); `given` latents are drawn by the caller. */
export function ancestralOrder(ctx: MixtureContext, given: readonly string[] = []): FitFactor[] {
  const drawn = new Set(drawnData(ctx));
  const needs = ctx.program.factors.map((f) => ({
    f,
    latents: [...new Set(f.args.flatMap((a) => latentsOf(a.source)))],
    data: f.args.flatMap((a) =>
      a.source.kind === 'data' && a.source.atItem && drawn.has(a.source.name) ? [a.source.name] : [],
    ),
  }));
  const order: FitFactor[] = [];
  const haveLatents = new Set<string>(given);
  const haveData = new Set<string>();
  const left = [...needs];
  while (left.length > 0) {
    const k = left.findIndex((x) => x.latents.every((l) => haveLatents.has(l)) && x.data.every((d) => haveData.has(d)));
    if (k < 0) throw new CodegenUnsupported(`cannot order '${left[0]!.f.text}' for sampling`);
    const [x] = left.splice(k, 1) as [(typeof needs)[number]];
    if (x.f.child.kind === 'state') haveLatents.add(x.f.child.latent);
    if (x.f.child.kind === 'data') haveData.add(x.f.child.name);
    order.push(x.f);
  }
  return order;
}

/** The samplers of the scalar families (distributions/*.ts `numerics.sample`). */
const scalarSamplers: Readonly<Record<string, (ctx: MixtureContext, args: string[]) => string>> = {
  Poisson: (ctx, a) => `${use(ctx, 'samplePoisson')}(rng, ${a[0]})`,
  Normal: (ctx, a) => `${use(ctx, 'sampleNormal')}(rng, ${a[0]}, ${a[1]})`,
  Bernoulli: (ctx, a) => `${use(ctx, 'sampleBernoulli')}(rng, ${a[0]})`,
  Binomial: (ctx, a) => `${use(ctx, 'sampleBinomial')}(rng, ${a[0]}, ${a[1]})`,
  Exponential: (ctx, a) => `${use(ctx, 'sampleGamma')}(rng, 1, ${a[0]})`,
  Gamma: (ctx, a) => `${use(ctx, 'sampleGamma')}(rng, ${a[0]}, ${a[1]})`,
  Beta: (ctx, a) => `${use(ctx, 'sampleBeta')}(rng, ${a[0]}, ${a[1]})`,
  LogNormal: (ctx, a) => `Math.exp(${use(ctx, 'sampleNormal')}(rng, ${a[0]}, ${a[1]}))`,
};

/** One factor's draw for item n (a drawn latent's state goes to `<latent>Draws[n]`). */
export function drawFactor(ctx: MixtureContext, f: FitFactor): Code[] {
  const args = argViews(ctx, f);
  if (f.child.kind === 'state') {
    const l = ctx.latents.find((x) => x.name === (f.child as { latent: string }).latent)!;
    const p = args[0];
    if (f.family !== 'Categorical' || !p || p.scalar !== undefined) {
      throw new CodegenUnsupported(`sampling '${f.text}'`);
    }
    const offset = p.step === '0' ? p.offset : `${p.offset} + n * ${p.step}`;
    return [
      `const ${l.loopVar} = ${use(ctx, 'sampleCategorical')}(rng, ${p.array}, ${p.size}, ${offset});`,
      `${l.loopVar}Draws[n] = ${l.loopVar};`,
    ];
  }
  if (f.child.kind !== 'data' || !f.child.atItem) throw new CodegenUnsupported(`sampling '${f.text}'`);
  const child = viewOf(ctx, f.child);
  if (f.family === 'MvNormal') {
    const [mean, cov] = args as [typeof child, typeof child];
    const d = child.size;
    const chol = use(ctx, 'cholesky');
    const draw = use(ctx, 'sampleMvNormalChol');
    const at = (v: typeof child) => sum([v.offset, v.step === '0' ? '0' : product(['n', v.step])]);
    return [
      '{',
      [
        `const cov = ${cov.array}.slice(${at(cov)}, ${at(cov)} + ${d} * ${d});`,
        `for (let i = 0; i < ${d}; i++)`,
        [
          `for (let j = 0; j < i; j++)`,
          [
            `if (Math.abs(cov[i * ${d} + j]! - cov[j * ${d} + i]!) > 1e-9 * (Math.abs(cov[i * ${d} + j]!) + Math.abs(cov[j * ${d} + i]!)) + 1e-300)`,
            ["throw new RangeError('MvNormal: the covariance is not symmetric positive definite');"],
          ],
        ],
        `if (!${chol}(cov, ${d})) throw new RangeError('MvNormal: the covariance is not symmetric positive definite');`,
        `${draw}(rng, ${mean.array}.subarray(${at(mean)}, ${at(mean)} + ${d}), cov, ${d}, ${child.array}, new Float64Array(${d}), n * ${d});`,
      ],
      '}',
    ];
  }
  if (f.family === 'Categorical') {
    const p = args[0]!;
    if (child.size !== '1' || p.scalar !== undefined) throw new CodegenUnsupported(`sampling '${f.text}'`);
    const offset = p.step === '0' ? p.offset : `${p.offset} + n * ${p.step}`;
    return [
      `${entry(child, 'n', '0').replace(/!$/, '')} = ${use(ctx, 'sampleCategorical')}(rng, ${p.array}, ${p.size}, ${offset});`,
    ];
  }
  const sampler = scalarSamplers[f.family];
  if (!sampler) throw new CodegenUnsupported(`sampling the ${f.family} family`);
  const call = (j: string) =>
    sampler(
      ctx,
      args.map((a) => argEntry(a, 'n', j)),
    );
  if (child.size === '1') return [`${entry(child, 'n', '0').replace(/!$/, '')} = ${call('0')};`];
  return [`for (let j = 0; j < ${child.size}; j++) ${entry(child, 'n', 'j').replace(/!$/, '')} = ${call('j')};`];
}

/** A size's measurement from nested values: `params.mu.length`, `params.mu[0]?.length`. */
function measureFrom(
  object: string,
  name: string,
  full: readonly (string | number)[],
  size: string,
): string | undefined {
  const at = full.indexOf(size);
  if (at < 0) return undefined;
  let e = `${object}.${name}`;
  for (let k = 0; k < at; k++) e += k === 0 ? '[0]' : '?.[0]';
  return `${e}${at > 0 ? '?.' : '.'}length`;
}

/**
 * `sample(params, sizes, seed[, inputs])`. `boundExtras`: further fields of the fitter's `Bound`
 * (`missing: new Uint8Array(N * D)` where the fitter binds rows with missing entries).
 */
export function lowerSample(ctx: MixtureContext, boundExtras: readonly string[] = []): FunctionStructure {
  const T = ctx.typePrefix;
  const drawn = new Set(drawnData(ctx));
  const inputs = ctx.schema.data.filter((v) => !drawn.has(v.name));
  const nest = use(ctx, 'nestValues');
  const stream = use(ctx, 'RandomStream');
  const order = ancestralOrder(ctx);
  const plate = dim(ctx.program.plate.size);
  const body: Code[] = ['const problems: string[] = [];'];
  for (const s of ctx.schema.sizes) {
    const sources = [
      `sizes.${s.name}`,
      ...ctx.program.params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      ...inputs.map((v) => measureFrom('inputs', v.name, [...v.dims, ...v.shape], s.name)),
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${id(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of ctx.schema.sizes) {
    body.push(`if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`);
  }
  for (const v of ctx.schema.data) {
    const full = [...v.dims, ...v.shape];
    body.push(`const ${id(v.name)} = new Float64Array(${dims(full)});`);
    if (!drawn.has(v.name)) {
      body.push(
        `readNested(inputs.${v.name}, [${full.map(dim).join(', ')}], ${id(v.name)}, '${v.name}', Number.isFinite, 'a finite number', problems);`,
      );
    }
  }
  body.push(
    "if (problems.length > 0) throw new Error(`the inputs do not match the model:\\n  ${problems.join('\\n  ')}`);",
    `const bound: Bound = { ${[...[...ctx.schema.sizes.map((s) => s.name), ...ctx.schema.data.map((v) => v.name)].map((n) => (id(n) === n ? n : `${n}: ${id(n)}`)), ...boundExtras].join(', ')} };`,
    "const flat = flattenParams(bound, params, 'params');",
    ...ctx.program.params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${ctx.program.params.map((p) => (id(p.name) === p.name ? p.name : `${p.name}: ${id(p.name)}`)).join(', ')} } = flat as Flat;`,
    `const rng = ${stream}.fromSeed(seed);`,
    ...ctx.latents.map((l) => `const ${l.loopVar}Draws = new Array<number>(${plate});`),
    `for (let n = 0; n < ${plate}; n++) {`,
    order.flatMap((f) => [`// ${f.text}`, ...drawFactor(ctx, f)]),
    '}',
    'return {',
    [
      'data: {',
      [...drawn].map((name) => {
        const v = ctx.schema.data.find((x) => x.name === name)!;
        return `${name}: ${nest}(${id(name)}, [${[...v.dims, ...v.shape].map(dim).join(', ')}]) as ${T}Data['${name}'],`;
      }),
      '},',
      `latents: { ${ctx.latents.map((l) => `${l.name}: ${l.loopVar}Draws`).join(', ')} },`,
    ],
    '};',
  );
  const parameters = [
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>` },
    { name: 'seed', type: 'number', initializer: '1' },
    ...(inputs.length > 0
      ? [{ name: 'inputs', type: `Pick<${T}Data, ${inputs.map((v) => `'${v.name}'`).join(' | ')}>` }]
      : []),
  ];
  return {
    kind: 'function',
    name: 'sample',
    isExported: true,
    docs: [
      `Draws a data set of ${plate} items from ${ctx.program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
      'Sizes: `sizes`, then what the params (and inputs) measure, then the declared defaults.',
      ...(inputs.length > 0
        ? [`\`inputs\`: the data the model reads but does not draw (${inputs.map((v) => v.name).join(', ')}).`]
        : []),
    ],
    parameters,
    returnType: `${T}Sample`,
    statements: body,
  };
}
