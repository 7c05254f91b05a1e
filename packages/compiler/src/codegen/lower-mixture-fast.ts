// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the specialised path of a mixture fitter: where `emforge fit` runs the model on the
 * runtime's specialised mixture executor (runtime/src/fast: `specialiseMixture` recognises it),
 * the generated `fit` drives the same pieces — one arena holding the data (`prepareFast`), per
 * iteration one pass of the same block kernel over the rows (the WebAssembly SIMD kernels where
 * the runtime uses them) and the closed-form M-step from the summed statistics (`mStepFast`), with
 * the initialisation of fast/fit-fast.ts — so its result has the same bits as `emforge fit`.
 * `fit(data, { specialise: false })` runs the generated general E- and M-steps instead (the
 * runtime's general executor, bit for bit). The recognition is asked of the runtime itself at
 * compile time (on the declared shapes) and again at run time (on the data).
 */
import {
  type BoundData,
  type BoundVariable,
  type FastFamily,
  type FastSpec,
  specialiseMixture,
} from '@emforge/runtime';
import type { Code, StatementStructure } from './fitter-source.js';
import { freeCount as freeCountOf } from './lower-mixture-api.js';
import { eStepName } from './lower-mixture-e-step.js';
import { paramDocs } from './lower-mixture-m-step.js';
import { destructureNames } from './lower-mixture-types.js';
import { type MixtureContext, pascalCase, use } from './mixture-context.js';

/**
 * The runtime's fast spec of the program on data of the declared shapes (every size a distinct
 * value, so that no two shapes agree by accident; declared defaults kept), or undefined when
 * `emforge fit` runs the general executor on it.
 */
export function fastSpecOf(ctx: MixtureContext): FastSpec | undefined {
  if (ctx.numeric) return undefined;
  const distinct = [3, 5, 7, 11, 13, 17, 19, 23, 29, 31];
  const sizes: Record<string, number> = {};
  ctx.schema.sizes.forEach((s, i) => {
    sizes[s.name] = typeof s.default === 'number' ? s.default : (distinct[i % distinct.length] ?? 3);
  });
  const resolve = (d: string | number) => (typeof d === 'number' ? d : sizes[d]);
  const variables: Record<string, BoundVariable> = {};
  for (const v of ctx.schema.data) {
    const shape = [...v.dims, ...v.shape].map((d) => resolve(d as string | number));
    if (shape.some((d) => d === undefined)) return undefined;
    const lengths = shape as number[];
    const itemSize = v.shape.map((d) => resolve(d as string | number)!).reduce((a, b) => a * b, 1);
    variables[v.name] = {
      name: v.name,
      schema: v,
      shape: lengths,
      values: new Float64Array(lengths.reduce((a, b) => a * b, 1)),
      itemSize,
    };
  }
  const data: BoundData = { sizes, raggedSizes: {}, variables };
  // The recognition itself, not EMFORGE_GENERAL: the generated text must not depend on the compiler's environment.
  const general = process.env.EMFORGE_GENERAL;
  delete process.env.EMFORGE_GENERAL;
  try {
    const spec = specialiseMixture(ctx.program, data, {});
    // The generated M-step writes a Dirichlet prior's concentration as one number.
    return spec?.alpha && spec.weights.prior?.args[0]?.kind !== 'number' ? undefined : spec;
  } finally {
    if (general !== undefined) process.env.EMFORGE_GENERAL = general;
  }
}

/** What each family's block kernel computes per pass, for the comments. */
const kernelSays: Readonly<Record<FastFamily, string>> = {
  'gaussian-full':
    'per row r_k ∝ w_k N(x | mu_k, Sigma_k), and per component Σ r, Σ r d, Σ r d dᵀ (d = x − mu_k), Σ log p(x), Σ −r log r',
  'gaussian-tied':
    'per row r_k ∝ w_k N(x | mu_k, Sigma), and per component Σ r, Σ r d, Σ r d dᵀ (d = x − mu_k), Σ log p(x), Σ −r log r',
  'gaussian-diag':
    'per row r_k ∝ w_k Π_j N(x_j | mu_kj, s_kj), and per component Σ r, Σ r d, Σ r d² (d = x − mu_k), Σ log p(x), Σ −r log r',
  'gaussian-spherical':
    'per row r_k ∝ w_k Π_j N(x_j | mu_kj, s_k), and per component Σ r, Σ r d, Σ r d² (d = x − mu_k), Σ log p(x), Σ −r log r',
  poisson:
    'per row r_k ∝ w_k Π_j Poisson(x_j | rate_k), and per component Σ r, Σ r x, Σ log p(x) (without log x!), Σ −r log r',
  bernoulli: 'per row r_k ∝ w_k Π_j Bernoulli(x_j | p_k), and per component Σ r, Σ r x, Σ log p(x), Σ −r log r',
  categorical:
    'per row r_k ∝ w_k theta_k[x], and per component Σ r, the expected counts per category, Σ log p(x), Σ −r log r',
};

/** What `writeConstants` tables per component, for the comments. */
const constantsSay: Readonly<Record<FastFamily, string>> = {
  'gaussian-full': 'log w_k + log |U_k| − D/2 log 2π, mu_k and U_k = L_k⁻ᵀ (Sigma_k = L_k L_kᵀ)',
  'gaussian-tied': 'log w_k + log |U| − D/2 log 2π, mu_k and U = L⁻ᵀ (Sigma = L Lᵀ)',
  'gaussian-diag': 'log w_k − Σ_j log s_kj − D/2 log 2π, mu_k and 1 / s_kj',
  'gaussian-spherical': 'log w_k − D log s_k − D/2 log 2π, mu_k and 1 / s_k',
  poisson: 'log w_k − Σ_j rate_kj and log rate_kj',
  bernoulli: 'log w_k, log p_kj and log(1 − p_kj)',
  categorical: 'log w_k and log theta_kc',
};

/** The statements of the specialised path: the runtime's view of the model and data, the fit, its steps. */
export function lowerFastPath(ctx: MixtureContext, spec: FastSpec, hasPrior: boolean): StatementStructure[] {
  const T = ctx.typePrefix;
  const names = ctx.program.params.map((p) => p.name);
  const w = spec.weights.name;
  const loc = spec.location.name;
  const scale = spec.scale?.name;
  const gaussian = spec.family.startsWith('gaussian');
  const runEm = use(ctx, 'runEm');
  const criteria = use(ctx, 'computeCriteria');
  const NEG_INF = use(ctx, 'NEG_INF');
  use(ctx, 'FitProgram');
  use(ctx, 'FastSpec');
  use(ctx, 'nodeGlobals');
  use(ctx, 'FastMixture');
  use(ctx, 'FastStats');
  use(ctx, 'FastMStepOptions');
  use(ctx, 'EmStepContext');
  const prepare = use(ctx, 'prepareFast');
  const writeConstants = use(ctx, 'writeConstants');
  const runBlocks = use(ctx, 'runBlocksSerial');
  const runWith = use(ctx, 'runSerialWithResponsibilities');
  const plate = ctx.program.plate.size;
  const z = ctx.program.latents[0]!.name;
  const eStep = `${eStepName(ctx)}Blocks`;
  const sizeNames = ctx.schema.sizes.map((s) => s.name);
  const values = `Readonly<Record<string, Float64Array>>`;

  const program: StatementStructure = {
    kind: 'raw',
    name: 'PROGRAM',
    text: [
      "/** The model as the runtime's executors take it (the lowered program `emforge fit` runs), for its specialised path. */",
      `const PROGRAM: FitProgram = ${JSON.stringify(ctx.program, null, 2)};`,
    ].join('\n'),
  };

  const lengthOf = (dims: readonly (string | number)[]) =>
    dims.length === 0 ? '1' : dims.map((d) => (typeof d === 'number' ? String(d) : `bound.${d}`)).join(' * ');
  const paramIndex = (name: string) => ctx.program.params.findIndex((p) => p.name === name);
  const child = ctx.schema.data.find((v) => v.name === spec.child)!;
  const locationShape = ctx.program.params[paramIndex(loc)]!.shape;
  const fastSpec: StatementStructure = {
    kind: 'function',
    name: 'fastSpec',
    docs: [
      "The model as the runtime's specialised executor takes it (runtime fast/specialise.ts recognised it at compile time:",
      `${spec.family}), over these data (their rows in place).`,
    ],
    parameters: [{ name: 'bound', type: 'Bound' }],
    returnType: 'FastSpec',
    statements: [
      'return {',
      [
        `family: '${spec.family}',`,
        'program: PROGRAM,',
        `n: bound.${plate},`,
        `d: ${lengthOf(child.shape as (string | number)[])},`,
        `k: ${lengthOf([ctx.program.latents[0]!.states])},`,
        `c: ${spec.family === 'categorical' ? lengthOf([child.categories!]) : '0'},`,
        `latent: '${spec.latent}',`,
        `statesName: ${spec.statesName === undefined ? 'undefined' : `'${spec.statesName}'`},`,
        `weights: PROGRAM.params[${paramIndex(w)}]!,`,
        `location: PROGRAM.params[${paramIndex(loc)}]!,`,
        ...(scale ? [`scale: PROGRAM.params[${paramIndex(scale)}]!,`] : []),
        `pooled: ${
          spec.family === 'poisson' || spec.family === 'bernoulli'
            ? lengthOf(locationShape as (string | number)[]) === '1'
              ? `${lengthOf(child.shape as (string | number)[])} > 1`
              : 'false'
            : 'false'
        },`,
        `child: '${spec.child}',`,
        `x: bound.${spec.child},`,
      ],
      '};',
    ],
  };

  const flatOf: StatementStructure = {
    kind: 'function',
    name: 'flatOf',
    docs: ["Param values by name (as the runtime's executors hold them) as `Flat`."],
    parameters: [{ name: 'values', type: values }],
    returnType: 'Flat',
    statements: [`return { ${names.map((n) => `${n}: values.${n}!`).join(', ')} };`],
  };

  const stats: StatementStructure = {
    kind: 'function',
    name: 'blockStats',
    docs: [
      "The summed statistics of the last pass (a copy) as the E-step's result: log-likelihood Σ log p(x)",
      `(plus the constant the kernel leaves out), the objective${hasPrior ? ' (plus the log prior)' : ''}, and the entropy Σ −r log r.`,
    ],
    parameters: [
      { name: 'fm', type: 'FastMixture' },
      { name: 'values', type: values },
      { name: 'logPriorOf', type: `(values: ${values}) => number` },
    ],
    returnType: '{ objective: number; stats: FastStats }',
    statements: [
      'const { total, statSize } = fm.job;',
      '// a plain array (as the runtime copies them): a typed copy of over 8 entries has its store allocated off the heap, every iteration',
      'const { f64 } = fm.arena;',
      'const totals = new Array<number>(statSize);',
      'for (let j = 0; j < statSize; j++) totals[j] = f64[total + j]!;',
      'const logLik = totals[0]! + fm.logLikConstant;',
      'const logPrior = logPriorOf(values);',
      'const objective = logLik + logPrior;',
      `const stats = { values, totals, centres: values.${loc}!.slice(), logLik, logPrior, entropy: totals[1]! };`,
      `return { objective: Number.isNaN(objective) ? ${NEG_INF} : objective, stats };`,
    ],
  };

  const eStepFn: StatementStructure = {
    kind: 'function',
    name: eStep,
    docs: [
      `E-step for ${z} on the runtime's block kernel (${spec.family}), fused with the sufficient statistics:`,
      `  ${kernelSays[spec.family]},`,
      'summed block by block in a fixed order (the same bits as `emforge fit` with any number of threads).',
    ],
    parameters: [
      { name: 'fm', type: 'FastMixture' },
      { name: 'values', type: values },
      { name: 'logPriorOf', type: `(values: ${values}) => number` },
    ],
    returnType: '{ objective: number; stats: FastStats }',
    statements: [
      `// per component: ${constantsSay[spec.family]}`,
      `${writeConstants}(fm, values);`,
      `// every block of rows through the kernel (${spec.family}), then the slots summed in block order`,
      `${runBlocks}(fm.arena, fm.kernel, fm.job);`,
      'return blockStats(fm, values, logPriorOf);',
    ],
  };

  const mSteps = lowerFastMSteps(ctx, spec);
  const nearestSeed: StatementStructure = {
    kind: 'function',
    name: 'nearestSeed',
    docs: ['The seed nearest to row i (squared distance; the first on ties), as fast/fit-fast.ts.'],
    parameters: [
      { name: 'x', type: 'Float64Array' },
      { name: 'd', type: 'number' },
      { name: 'i', type: 'number' },
      { name: 'seeds', type: 'readonly number[]' },
    ],
    returnType: 'number',
    statements: [
      'let best = 0;',
      'let bestDistance = Number.POSITIVE_INFINITY;',
      'for (let s = 0; s < seeds.length; s++) {',
      [
        'let dist = 0;',
        'for (let j = 0; j < d; j++) dist += (x[i * d + j]! - x[seeds[s]! * d + j]!) ** 2;',
        'if (dist < bestDistance) {',
        ['bestDistance = dist;', 'best = s;'],
        '}',
      ],
      '}',
      'return best;',
    ],
  };

  const identity: Code[] = !scale
    ? []
    : spec.family === 'gaussian-full' || spec.family === 'gaussian-tied'
      ? [
          `const identity = new Float64Array(current.${scale}!.length);`,
          `for (let e = 0; e < identity.length / (d * d); e++) for (let j = 0; j < d; j++) identity[e * d * d + j * d + j] = 1;`,
        ]
      : [`const identity = new Float64Array(current.${scale}!.length).fill(1);`];
  const seeding: Code[] = gaussian
    ? [
        "const seeder = method === 'kmeans++' ? kmeansPlusPlus : method === 'random-points' ? randomPoints : undefined;",
        'if (seeder && n >= k) {',
        [
          '// k seeds, each row to its nearest seed (responsibility 1)',
          'const seeds = seeder(x, n, d, k, ctx.rng);',
          'for (let j = 0; j < k; j++) centres.set(x.subarray(seeds[j]! * d, (seeds[j]! + 1) * d), j * d);',
          'fill = (i0, i1, out) => {',
          ['out.fill(0);', 'for (let i = i0; i < i1; i++) out[(i - i0) * k + nearestSeed(x, d, i, seeds)] = 1;'],
          '};',
        ],
        '} else {',
        [
          '// Dirichlet(1) responsibilities per row, moments about the first row',
          'for (let j = 0; j < k; j++) centres.set(x.subarray(0, d), j * d);',
          'fill = dirichletRows;',
        ],
        '}',
      ]
    : ['// Dirichlet(1) responsibilities per row', 'fill = dirichletRows;'];
  if (gaussian) {
    use(ctx, 'kmeansPlusPlus');
    use(ctx, 'randomPoints');
  }
  const sampleDirichlet = use(ctx, 'sampleDirichlet');
  const start = gaussian
    ? `{ ...current, ${loc}: centres, ${w}: new Float64Array(k).fill(1 / k)${scale ? `, ${scale}: identity` : ''} }`
    : `{ ...current, ${w}: new Float64Array(k).fill(1 / k), ${loc}: new Float64Array(current.${loc}!.length).fill(0.5) }`;
  const initialize: StatementStructure = {
    kind: 'function',
    name: 'initializeBlocks',
    docs: [
      "The first params, as fast/fit-fast.ts makes them (the general path's draws): given values kept; else",
      gaussian
        ? 'k-means++ (or random-points) seeds and each row to its nearest seed, or Dirichlet(1) responsibilities,'
        : 'Dirichlet(1) responsibilities per row,',
      'then one kernel pass with those responsibilities and the M-step from its sums.',
    ],
    parameters: [
      { name: 'fm', type: 'FastMixture' },
      { name: 'bound', type: 'Bound' },
      { name: 'ctx', type: 'EmStepContext' },
      { name: 'settings', type: 'FastMStepOptions' },
      { name: 'method', type: "'kmeans++' | 'random' | 'random-points'" },
      { name: 'given', type: 'Partial<Flat>' },
      { name: 'logPriorOf', type: `(values: ${values}) => number` },
    ],
    returnType: values,
    statements: [
      'const zeros = allocateParams(bound);',
      `const current: Record<string, Float64Array> = { ${names.map((n) => `${n}: given.${n}?.slice() ?? zeros.${n}`).join(', ')} };`,
      `if (${names.map((n) => `given.${n}`).join(' && ')}) return current;`,
      'const { n, d, k, x } = fm.spec;',
      'const row = new Float64Array(k);',
      'const dirichletRows = (i0: number, i1: number, out: Float64Array) => {',
      [`for (let i = i0; i < i1; i++) {`, [`${sampleDirichlet}(ctx.rng, 1, row);`, 'out.set(row, (i - i0) * k);'], '}'],
      '};',
      'let fill: (i0: number, i1: number, out: Float64Array) => void;',
      '// the centres the moments are taken at',
      'const centres = new Float64Array(k * d);',
      ...seeding,
      ...identity,
      `const start: Record<string, Float64Array> = ${start};`,
      `${writeConstants}(fm, start);`,
      '// one pass with the given responsibilities (the kernel only accumulates)',
      `${runWith}(fm, fill);`,
      'const { stats } = blockStats(fm, start, logPriorOf);',
      `const next = mStepBlocks(fm, { ...stats${gaussian ? ', centres' : ''} }, current, ctx, settings);`,
      'for (const [name, v] of Object.entries(given) as [string, Float64Array][]) next[name] = v.slice();',
      'return next;',
    ],
  };

  const fit: StatementStructure = {
    kind: 'function',
    name: 'fitSpecialised',
    docs: [
      `Fits ${ctx.program.model} as \`emforge fit\` does: on the runtime's specialised mixture executor (${spec.family}),`,
      'one arena holding the data, per iteration one kernel pass and the M-step from its sums (1 thread).',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'options', type: `${T}FitOptions` },
    ],
    returnType: 'FitResult',
    statements: [
      'const spec = fastSpec(bound);',
      ...destructureNames(sizeNames, 'bound'),
      "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
      "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
      'const settings: FastMStepOptions = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(options.fixed ?? {})) };',
      "const method = typeof options.init === 'string' ? options.init : 'kmeans++';",
      ...(hasPrior
        ? [
            'const work = allocateWork(bound);',
            `const logPriorOf = (values: ${values}) => logPrior(bound, flatOf(values), work);`,
          ]
        : ['const logPriorOf = () => 0;']),
      `const fm = ${prepare}(spec, 1);`,
      `const { best } = ${runEm}<${values}, FastStats>(`,
      [
        '{',
        [
          'initialize: (ctx) => initializeBlocks(fm, bound, ctx, settings, method, given, logPriorOf),',
          `eStep: (values) => ${eStep}(fm, values, logPriorOf),`,
          'mStep: (stats, ctx) => mStepBlocks(fm, stats, stats.values, ctx, settings),',
        ],
        '},',
        '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
      ],
      ');',
      "// the best run's last E-step ran at exactly its params: its sums give the log-likelihood and the entropy",
      'const logLik = best.stats.totals[0]! + fm.logLikConstant;',
      'const entropy = best.stats.totals[1]!;',
      `const free: Record<string, number> = { ${ctx.program.params.map((p) => `${p.name}: ${freeCountOf(ctx, p.name)}`).join(', ')} };`,
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
        'params: nestParams(bound, flatOf(best.params)),',
        `...${criteria}(logLik, nParams, ${plate}, entropy),`,
        'nParams,',
        `nObs: ${plate},`,
        'history: best.history,',
        'warnings: best.warnings,',
      ],
      '};',
    ],
  };
  return [fit, eStepFn, ...mSteps, initialize, nearestSeed, stats, flatOf, fastSpec, program];
}

/**
 * The M-step from the kernel's summed statistics, one function per param (weights, the location,
 * the scale) for this family only: the runtime's fast/fast-m-step.ts step for step (the same
 * operations in the same order, so the same bits), its empty-component re-seeding, regCovar and
 * warnings. The stats slot: [Σ log p(x), Σ −r log r, Σ r per component, then per component
 * `fm.statStride` sums] (fast/fast-mixture.ts and the kernel's header).
 */
function lowerFastMSteps(ctx: MixtureContext, spec: FastSpec): StatementStructure[] {
  const w = spec.weights.name;
  const loc = spec.location.name;
  const scale = spec.scale?.name;
  const gaussian = spec.family.startsWith('gaussian');
  const EMPTY = use(ctx, 'EMPTY');
  const firstTime = use(ctx, 'firstTime');
  const size = spec.statesName ?? 'the number of components';
  const prior = ctx.program.params.find((p) => p.name === w)?.prior;
  const alpha = spec.alpha?.[0];
  const withAlpha = prior !== undefined && alpha !== undefined;
  const notFinite = (name: string, e: string) =>
    `ctx.warn(\`iteration \${ctx.iteration}: the update of element \${${e}} of '${name}' is not finite; kept its previous value (raise regCovar or lower the number of components)\`);`;
  const common = [
    { name: 'fm', type: 'FastMixture' },
    { name: 'stats', type: 'FastStats' },
  ];
  const docsOf = (name: string, extra: string[]) => [
    ...paramDocs(ctx, [name]),
    ...extra,
    ...(name === scale ? [`@param means the new ${loc}`] : []),
    `@param next the values of ${name}, updated in place`,
  ];

  const weights: StatementStructure = {
    kind: 'function',
    name: `mStep${pascalCase(w)}`,
    docs: docsOf(w, [
      withAlpha
        ? `  from the sums: ${w}[m] = (Σ r_m + alpha − 1) / Σ_m' (Σ r_m' + alpha − 1), alpha = ${alpha}`
        : `  from the sums: ${w}[m] = Σ r_m / Σ_m' Σ r_m'`,
    ]),
    parameters: [...common, { name: 'next', type: 'Float64Array' }, { name: 'ctx', type: 'EmStepContext' }],
    returnType: 'void',
    statements: [
      'const { k } = fm.spec;',
      'const t = stats.totals;',
      // loops, not Array.from({ length }) (as in the runtime's fast M-step: it runs every iteration)
      'const counts = new Array<number>(k);',
      `for (let j = 0; j < k; j++) counts[j] = t[2 + j]!${withAlpha ? ` + ${alpha} - 1` : ''};`,
      'let sum = 0;',
      'for (let j = 0; j < k; j++) sum += counts[j]!;',
      'const value = new Float64Array(k);',
      'for (let j = 0; j < k; j++) value[j] = counts[j]! / sum;',
      'if (allFinite(value)) next.set(value);',
      `else ${notFinite(w, '0')}`,
    ],
  };

  const locationBody: Code[] =
    spec.family === 'categorical'
      ? [
          'let sum = 0;',
          'for (let m = 0; m < c; m++) sum += t[s + m]!;',
          'for (let m = 0; m < c; m++) value[m] = t[s + m]! / sum;',
        ]
      : [
          `if (w < ${EMPTY}) {`,
          [
            `if (!${firstTime}(ctx.rng, \`empty:${loc}:\${e}\`)) continue;`,
            '// an empty component: re-seeded from a random item, once per run',
            'const item = ctx.rng.uniformInt(n);',
            'const row = x.subarray(item * d, (item + 1) * d);',
            ...(spec.family === 'poisson' || spec.family === 'bernoulli'
              ? [
                  'if (pooled) {',
                  ['let sum = 0;', 'for (let j = 0; j < d; j++) sum += row[j]!;', 'value[0] = sum / d;'],
                  '} else value.set(row);',
                ]
              : ['value.set(row);']),
            `ctx.perturb(\`iteration \${ctx.iteration}: component \${e} of '${loc}' is empty (no item has weight on it): re-seeded from item \${item}; lower ${size}, or use more restarts\`);`,
          ],
          ...(gaussian
            ? [
                '} else {',
                [
                  '// the centre the sums were taken at, plus the weighted mean of d = x − centre',
                  'for (let j = 0; j < d; j++) value[j] = stats.centres[e * d + j]! + t[s + j]! / w;',
                ],
                '}',
              ]
            : [
                '} else if (pooled) {',
                ['let sum = 0;', 'for (let j = 0; j < d; j++) sum += t[s + j]!;', 'value[0] = sum / (d * w);'],
                '} else {',
                ['for (let j = 0; j < d; j++) value[j] = t[s + j]! / w;'],
                '}',
              ]),
        ];
  const location: StatementStructure = {
    kind: 'function',
    name: `mStep${pascalCase(loc)}`,
    docs: docsOf(loc, [
      gaussian
        ? `  from the sums: ${loc}[k] = centre_k + Σ r d / Σ r (d = x − centre_k, the centre being the ${loc} of the E-step)`
        : spec.family === 'categorical'
          ? `  from the sums: ${loc}[k][c] = Σ r 1{x = c} / Σ_c' Σ r 1{x = c'}`
          : `  from the sums: ${loc}[k] = Σ r x / Σ r (pooled over the coordinates when one value serves them all)`,
    ]),
    parameters: [...common, { name: 'next', type: 'Float64Array' }, { name: 'ctx', type: 'EmStepContext' }],
    returnType: 'void',
    statements: [
      spec.family === 'categorical'
        ? 'const { k, c } = fm.spec;'
        : `const { n, d, k, x${gaussian ? '' : ', pooled'} } = fm.spec;`,
      'const t = stats.totals;',
      `const size = ${spec.family === 'categorical' ? 'c' : gaussian ? 'd' : 'pooled ? 1 : d'};`,
      'const value = new Float64Array(size);',
      'for (let e = 0; e < k; e++) {',
      [
        'const w = t[2 + e]!;',
        'const s = 2 + k + e * fm.statStride;',
        ...locationBody,
        'if (allFinite(value)) next.set(value, e * size);',
        `else ${notFinite(loc, 'e')}`,
      ],
      '}',
    ],
  };

  const allFinite: StatementStructure = {
    kind: 'function',
    name: 'allFinite',
    docs: [
      'Whether every entry is finite (a loop: `every` with a callback costs more than the M-step at small sizes).',
    ],
    parameters: [{ name: 'v', type: 'Float64Array' }],
    returnType: 'boolean',
    statements: ['for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i]!)) return false;', 'return true;'],
  };
  const out: StatementStructure[] = [weights, location, allFinite];
  if (scale) {
    const tied = spec.family === 'gaussian-tied';
    const full = tied || spec.family === 'gaussian-full';
    const describeCollapse = use(ctx, 'describeCollapse');
    const pivots = use(ctx, 'pivots');
    const who = tied ? `'${scale}'` : `component \${e} of '${scale}'`;
    const lower = tied ? 'the number of components' : size;
    const perComponent: Code[] = [
      'const s = 2 + k + j * fm.statStride;',
      'const wj = t[2 + j]!;',
      'let q = s + d;',
      '// Σ r (d − δ)(d − δ)ᵀ from Σ r d and Σ r d dᵀ (packed upper triangle), δ = new mean − centre',
      'for (let a = 0; a < d; a++) {',
      [
        'const aa = t[s + a]! / (wj > 0 ? wj : 1);',
        'const ea = means[j * d + a]! - stats.centres[j * d + a]!;',
        'for (let b = a; b < d; b++) {',
        [
          'const ab = t[s + b]! / (wj > 0 ? wj : 1);',
          'const eb = means[j * d + b]! - stats.centres[j * d + b]!;',
          'cov[a * d + b]! += t[q++]! - wj * (aa * eb + ea * ab - ea * eb);',
        ],
        '}',
      ],
      '}',
    ];
    const fullBody: Code[] = [
      'const cov = empty ? pooledScatter(x, n, d, means.subarray(e * d, (e + 1) * d)) : new Float64Array(d * d);',
      'if (!empty) {',
      [
        ...(tied ? ['for (const j of members) {', perComponent, '}'] : ['const j = e;', ...perComponent]),
        'for (let a = 0; a < d; a++) {',
        [
          'for (let b = a; b < d; b++) {',
          ['const v = cov[a * d + b]! / weight;', 'cov[a * d + b] = v;', 'cov[b * d + a] = v;'],
          '}',
        ],
        '}',
      ],
      '}',
      'const variances = new Array<number>(d);',
      'for (let j = 0; j < d; j++) variances[j] = cov[j * d + j]!;',
      `const singular = ${pivots}(cov, d).some((v) => !(v > regCovar));`,
      'for (let j = 0; j < d; j++) cov[j * d + j]! += regCovar;',
      'value = cov;',
      `collapse = ${describeCollapse}(variances, singular, regCovar);`,
    ];
    const diagBody: Code[] = [
      'const squares = new Float64Array(d);',
      'if (empty) {',
      [
        'const pooled = pooledScatter(x, n, d, means.subarray(e * d, (e + 1) * d));',
        'for (let j = 0; j < d; j++) squares[j] = pooled[j * d + j]!;',
      ],
      '} else {',
      [
        'const s = 2 + k + e * fm.statStride;',
        '// Σ r (d_j − δ_j)² / Σ r from Σ r d and Σ r d², δ = new mean − centre',
        'for (let j = 0; j < d; j++) {',
        [
          'const a = t[s + j]! / weight;',
          'const dj = means[e * d + j]! - stats.centres[e * d + j]!;',
          'squares[j] = t[s + d + j]! / weight - 2 * dj * a + dj * dj;',
        ],
        '}',
      ],
      '}',
      spec.family === 'gaussian-diag'
        ? 'const sds = d > 1 ? Array.from(squares, (q) => Math.sqrt(q)) : [Math.sqrt(squares.reduce((a, b) => a + b, 0) / d)];'
        : 'const sds = [Math.sqrt(squares.reduce((a, b) => a + b, 0) / d)];',
      'value = Float64Array.from(sds, (v) => Math.sqrt(v * v + regCovar));',
      `collapse = ${describeCollapse}(sds.map((v) => v * v), false, regCovar);`,
    ];
    out.push({
      kind: 'function',
      name: `mStep${pascalCase(scale)}`,
      docs: docsOf(scale, [
        full
          ? `  from the sums, with the new ${loc} (ECM): ${scale}${tied ? '' : '[k]'} = Σ r (d − δ)(d − δ)ᵀ / Σ r + regCovar I, δ = ${loc}[k] − centre_k`
          : `  from the sums, with the new ${loc} (ECM): ${scale}[k]² = Σ r (d − δ)² / Σ r${spec.family === 'gaussian-spherical' ? ' averaged over the coordinates' : ''}, plus regCovar`,
        '  an empty component gets the scatter of all items about its mean.',
      ]),
      parameters: [
        ...common,
        { name: 'means', type: 'Float64Array' },
        { name: 'next', type: 'Float64Array' },
        { name: 'ctx', type: 'EmStepContext' },
        { name: 'regCovar', type: 'number' },
      ],
      returnType: 'void',
      statements: [
        'const { n, d, k, x } = fm.spec;',
        'const t = stats.totals;',
        `for (let e = 0; e < ${tied ? '1' : 'k'}; e++) {`,
        [
          ...(tied
            ? [
                'const members = Array.from({ length: k }, (_, j) => j);',
                'const weight = members.reduce((a, j) => a + t[2 + j]!, 0);',
              ]
            : ['const weight = t[2 + e]!;']),
          `const empty = weight < ${EMPTY};`,
          'let value: Float64Array;',
          'let collapse: string | undefined;',
          ...(full ? fullBody : diagBody),
          `if (collapse && !empty && ctx.iteration > 0 && ${firstTime}(ctx.rng, \`collapse:${scale}:\${e}\`)) {`,
          [
            `ctx.warn(\`iteration \${ctx.iteration}: ${who} \${collapse}; only regCovar = \${regCovar} keeps it positive definite, so the likelihood there is as large as regCovar lets it be: raise regCovar, or lower ${lower}\`);`,
          ],
          '}',
          'if (allFinite(value)) next.set(value, e * value.length);',
          `else ${notFinite(scale, 'e')}`,
        ],
        '}',
      ],
    });
    out.push({
      kind: 'function',
      name: 'pooledScatter',
      docs: [
        "Σ_i (x_i − m)(x_i − m)ᵀ / n over all items about m (an empty component's scale), as fast/fast-m-step.ts.",
      ],
      parameters: [
        { name: 'x', type: 'Float64Array' },
        { name: 'n', type: 'number' },
        { name: 'd', type: 'number' },
        { name: 'm', type: 'Float64Array' },
      ],
      returnType: 'Float64Array',
      statements: [
        '// the data mean g and the scatter Σ (x − g)(x − g)ᵀ, then shifted to m',
        'const mean = new Float64Array(d);',
        'for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]!;',
        'for (let j = 0; j < d; j++) mean[j]! /= n;',
        'const scatter = new Float64Array(d * d);',
        'const r = new Float64Array(d);',
        'for (let i = 0; i < n; i++) {',
        [
          'for (let j = 0; j < d; j++) r[j] = x[i * d + j]! - mean[j]!;',
          'for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) scatter[a * d + b]! += r[a]! * r[b]!;',
        ],
        '}',
        'const out = new Float64Array(d * d);',
        'for (let a = 0; a < d; a++) {',
        [
          'for (let b = 0; b < d; b++) out[a * d + b] = scatter[a * d + b]! / n + (mean[a]! - m[a]!) * (mean[b]! - m[b]!);',
        ],
        '}',
        'return out;',
      ],
    });
  }
  const names = ctx.program.params.map((p) => p.name);
  out.unshift({
    kind: 'function',
    name: 'mStepBlocks',
    docs: [
      `M-step from the summed statistics of one kernel pass, ${names.join(', ')} in order (ECM: ${scale ? `${scale} with the new ${loc}` : 'each from the same sums'});`,
      'a fixed param keeps its value; `current` are the values the new ones start from.',
    ],
    parameters: [
      ...common,
      { name: 'current', type: 'Readonly<Record<string, Float64Array>>' },
      { name: 'ctx', type: 'EmStepContext' },
      { name: 'settings', type: 'FastMStepOptions' },
    ],
    returnType: 'Record<string, Float64Array>',
    statements: [
      'const out: Record<string, Float64Array> = {};',
      'for (const name in current) out[name] = current[name]!.slice();',
      `if (!settings.fixed.has('${w}')) mStep${pascalCase(w)}(fm, stats, out.${w}!, ctx);`,
      `if (!settings.fixed.has('${loc}')) mStep${pascalCase(loc)}(fm, stats, out.${loc}!, ctx);`,
      ...(scale
        ? [
            `if (!settings.fixed.has('${scale}')) mStep${pascalCase(scale)}(fm, stats, out.${loc}!, out.${scale}!, ctx, settings.regCovar);`,
          ]
        : []),
      'return out;',
    ],
  });
  return out;
}
