// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a linear-Gaussian fitter of the `chain` form (the runtime's
 * linear-gaussian/chain-model.ts, specialised): a linear dynamical system over several
 * (possibly ragged) sequences, f[s][0] ~ MvNormal(m0, P0), f[s][t] ~ MvNormal(A f[s][t−1], Q),
 * x[s][t] ~ MvNormal(C f[s][t], R). The E-step runs the Kalman filter and RTS smoother
 * (inlined from the runtime, lower-linear-gaussian-kalman.ts) per sequence and accumulates the
 * expected statistics of each statement's child on (parent, 1); the M-step is the regression
 * of each child on its parent and the covariance of the expected residuals (Shumway & Stoffer
 * 1982); the initial values come from the data's leading eigenvectors, as in the runtime. The
 * same floating-point operations in the same order, so that fits agree bit for bit. Handled:
 * every matrix and covariance a param (full covariances), no added offsets in the transition
 * and the emission; anything else is an E5001.
 */
import type { DataSchema, FitProgram, LgTerm, LinearGaussianChainProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code, FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { lowerLgFitOptions, lowerLgPosteriorType } from './lower-linear-gaussian-api.js';
import { factorHelpers } from './lower-linear-gaussian-helpers.js';
import { kalmanHelpers } from './lower-linear-gaussian-kalman.js';
import { freeCount } from './lower-mixture-api.js';
import {
  destructureNames,
  lowerBind,
  lowerFlatTypes,
  lowerParamConversions,
  lowerPublicTypes,
} from './lower-mixture-types.js';
import { CodegenUnsupported, dim, type MixtureContext, makeMixtureContext, use } from './mixture-context.js';
import { cap, lines } from './scale-mixture-context.js';

interface ChainLgContext {
  readonly program: LinearGaussianChainProgram;
  readonly full: MixtureContext;
  /** Sizes as locals, and as the model writes them (for comments). */
  readonly S: string;
  readonly D: string;
  readonly L: string;
  readonly names: { readonly S: string; readonly T: string; readonly D: string; readonly L: string };
  readonly x: string;
  readonly f: string;
  /** The params: initial mean and covariance, transition matrix and noise, emission matrix and noise. */
  readonly m0: string;
  readonly P0: string;
  readonly A: string;
  readonly Q: string;
  readonly C: string;
  readonly R: string;
}

function param(v: LgTerm['matrix'], what: string): string {
  if (v?.kind !== 'param' || v.selected) throw new CodegenUnsupported(`${what} that is not a param`);
  return v.name;
}

function makeContext(
  program: LinearGaussianChainProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): ChainLgContext {
  const v = schema.data.find((d) => d.name === program.data);
  if (!v || schema.data.length !== 1 || v.dims.length !== 2 || v.shape.length !== 1)
    throw new CodegenUnsupported(`data besides the sequences '${program.data}[S][T]: real[D]'`);
  const [seq, steps] = v.dims as [string | number, string | number];
  if (schema.sizes.some((s) => s.over !== undefined && (s.name !== steps || s.over !== seq)))
    throw new CodegenUnsupported('ragged sizes other than the lengths of the sequences');
  const { initial, transition, emission } = program;
  for (const term of [initial, transition, emission])
    if (term.noise.form !== 'full')
      throw new CodegenUnsupported(`a noise that is not a full covariance in '${term.text}'`);
  if (initial.matrix) throw new CodegenUnsupported(`a matrix in '${initial.text}'`);
  if (transition.offset || emission.offset) throw new CodegenUnsupported('an offset in the transition or the emission');
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }));
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: { index: 's', size: seq },
    latents: [],
    factors: [],
    params: declared,
    objective: 'log-likelihood',
    strategy: program.strategy,
  } as unknown as FitProgram;
  // The public sizes: the lengths of the sequences are measured from the data.
  const publicSchema: DataSchema = { ...schema, sizes: schema.sizes.filter((s) => s.over === undefined) };
  return {
    program,
    full: makeMixtureContext(asMixture, publicSchema, plan, source),
    S: dim(seq),
    D: dim(v.shape[0]!),
    L: dim(program.latent.size),
    names: { S: String(seq), T: String(steps), D: String(v.shape[0]!), L: String(program.latent.size) },
    x: program.data,
    f: program.latent.name,
    m0: param(initial.offset, `a mean in '${initial.text}'`),
    P0: param(initial.noise.value, `a covariance in '${initial.text}'`),
    A: param(transition.matrix, `a matrix in '${transition.text}'`),
    Q: param(transition.noise.value, `a covariance in '${transition.text}'`),
    C: param(emission.matrix, `a matrix in '${emission.text}'`),
    R: param(emission.noise.value, `a covariance in '${emission.text}'`),
  };
}

function sizes(ctx: ChainLgContext): string[] {
  return destructureNames([...ctx.full.schema.sizes.map((s) => s.name), 'steps', 'start', ctx.x], 'bound');
}

function eStepName(ctx: ChainLgContext): string {
  return `eStep${cap(ctx.f)}`;
}

function lowerEStep(ctx: ChainLgContext): FunctionStructure {
  const { D, S, A, Q, C, R, m0, P0, x, f } = ctx;
  return {
    kind: 'function',
    name: eStepName(ctx),
    docs: [
      `E-step for ${f} (${ctx.program.strategy}): per sequence the Kalman filter (its innovations log-likelihood is the objective)`,
      `and the RTS smoother, giving E[${f}[t] | x], Cov[${f}[t] | x] and Cov(${f}[t], ${f}[t−1] | x); then the expected statistics of`,
      `  ${f}[0] on (1), ${f}[t] on (${f}[t−1], 1) and x[t] on (${f}[t], 1) (accumulateSequence).`,
      'Returns the observed-data log-likelihood (−∞ when a covariance is singular).',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'number',
    statements: [
      ...sizes(ctx),
      `const kalman: KalmanParams = { m0: params.${m0}, p0: params.${P0}, a: params.${A}, aOffset: work.aOffset, q: params.${Q}, c: params.${C}, cOffset: work.cOffset, r: params.${R} };`,
      'for (const st of [work.initial, work.transition, work.emission]) {',
      ['st.syy.fill(0);', 'st.syz.fill(0);', 'st.szz.fill(0);', 'st.n = 0;'],
      '}',
      'let logLik = 0;',
      `for (let s = 0; s < ${S}; s++) {`,
      [
        'const first = start[s]!;',
        'const T = start[s + 1]! - first;',
        `logLik += work.kalman.filter(kalman, ${x}, first * ${D}, T);`,
        'if (!Number.isFinite(logLik)) break;',
        'work.kalman.smooth(kalman, T);',
        'accumulateSequence(bound, work, first, T);',
      ],
      '}',
      'return logLik;',
    ],
  };
}

function lowerAccumulate(ctx: ChainLgContext): FunctionStructure {
  const { D, L, x, f } = ctx;
  return {
    kind: 'function',
    name: 'accumulateSequence',
    docs: [
      "Adds one smoothed sequence's moments to the three statements' statistics, and its smoothed means to `work.means`:",
      `  initial     ${f}[0] on (1):              E[${f}0 ${f}0ᵀ], E[${f}0]`,
      `  transition  ${f}[t] on (${f}[t−1], 1):    E[${f}t ${f}tᵀ], E[${f}t ${f}t−1ᵀ] = Cov(${f}t, ${f}t−1 | x) + m_t m_t−1ᵀ, E[${f}t−1 ${f}t−1ᵀ]`,
      `  emission    x[t] on (${f}[t], 1):       x xᵀ, x E[${f}t]ᵀ, E[${f}t ${f}tᵀ]`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'work', type: 'Work' },
      { name: 'first', type: 'number' },
      { name: 'T', type: 'number' },
    ],
    returnType: 'void',
    statements: lines(`
const { ${D === 'D' ? 'D' : `${ctx.names.D}: ${D}`}, ${L === 'L' ? 'L' : `${ctx.names.L}: ${L}`}, ${x} } = bound;
const { initial, transition, emission, means } = work;
const { ms, ps, cross } = work.kalman;
const ll = ${L} * ${L};
const p = ${L} + 1;
// initial state: y = ${f}[0], regressor (1)
for (let i = 0; i < ${L}; i++) {
  for (let k = 0; k < ${L}; k++) initial.syy[i * ${L} + k]! += ps[i * ${L} + k]! + ms[i]! * ms[k]!;
  initial.syz[i]! += ms[i]!;
}
initial.szz[0]! += 1;
initial.n += 1;
for (let t = 0; t < T; t++) {
  const mt = t * ${L};
  const pt = t * ll;
  const row = (first + t) * ${D};
  for (let i = 0; i < ${L}; i++) means[(first + t) * ${L} + i] = ms[mt + i]!;
  // emission: y = x[t], regressor (${f}[t], 1)
  for (let i = 0; i < ${D}; i++) {
    const xi = ${x}[row + i]!;
    for (let k = 0; k < ${D}; k++) emission.syy[i * ${D} + k]! += xi * ${x}[row + k]!;
    for (let k = 0; k < ${L}; k++) emission.syz[i * p + k]! += xi * ms[mt + k]!;
    emission.syz[i * p + ${L}]! += xi;
  }
  for (let i = 0; i < ${L}; i++) {
    for (let k = 0; k < ${L}; k++) emission.szz[i * p + k]! += ps[pt + i * ${L} + k]! + ms[mt + i]! * ms[mt + k]!;
    emission.szz[i * p + ${L}]! += ms[mt + i]!;
    emission.szz[${L} * p + i]! += ms[mt + i]!;
  }
  emission.szz[${L} * p + ${L}]! += 1;
  emission.n += 1;
  if (t === 0) continue;
  // transition: y = ${f}[t], regressor (${f}[t−1], 1)
  const mq = (t - 1) * ${L};
  const pq = (t - 1) * ll;
  for (let i = 0; i < ${L}; i++) {
    for (let k = 0; k < ${L}; k++) {
      transition.syy[i * ${L} + k]! += ps[pt + i * ${L} + k]! + ms[mt + i]! * ms[mt + k]!;
      transition.syz[i * p + k]! += cross[pt + i * ${L} + k]! + ms[mt + i]! * ms[mq + k]!;
      transition.szz[i * p + k]! += ps[pq + i * ${L} + k]! + ms[mq + i]! * ms[mq + k]!;
    }
    transition.syz[i * p + ${L}]! += ms[mt + i]!;
    transition.szz[i * p + ${L}]! += ms[mq + i]!;
    transition.szz[${L} * p + i]! += ms[mq + i]!;
  }
  transition.szz[${L} * p + ${L}]! += 1;
  transition.n += 1;
}`),
  };
}

/** One statement's update: the regression of its child on (parent, 1), then its covariance. */
function updateTerm(o: {
  stats: string;
  rows: string;
  q: string;
  matrix?: string;
  offset?: string;
  cov: string;
  text: string;
  condition?: string;
}): Code[] {
  // Z = [B b] has q + 1 columns; the initial state's has one (its mean)
  const p = o.q === '0' ? '1' : `${o.q} + 1`;
  const stride = o.q === '0' ? '' : `i * (${p}) + `;
  const fill: Code[] = [];
  if (o.matrix)
    fill.push(
      `for (let i = 0; i < ${o.rows}; i++) for (let j = 0; j < ${o.q}; j++) z[${stride}j] = ${o.matrix}[i * ${o.q} + j]!;`,
    );
  if (o.offset)
    fill.push(`for (let i = 0; i < ${o.rows}; i++) z[${stride}${o.q === '0' ? 'i' : o.q}] = ${o.offset}[i]!;`);
  const free = o.matrix
    ? `[...Array.from({ length: ${o.q} }, () => !settings.fixed.has('${o.matrix}')), false]`
    : `[!settings.fixed.has('${o.offset}')]`;
  const write = o.matrix
    ? `if (!settings.fixed.has('${o.matrix}')) for (let i = 0; i < ${o.rows}; i++) for (let j = 0; j < ${o.q}; j++) ${o.matrix}[i * ${o.q} + j] = z[${stride}j]!;`
    : `if (!settings.fixed.has('${o.offset}')) for (let i = 0; i < ${o.rows}; i++) ${o.offset}[i] = z[${stride}${o.q === '0' ? 'i' : o.q}]!;`;
  return [
    `// ${o.text}`,
    o.condition ? `if (${o.condition}) {` : '{',
    [
      `const z = new Float64Array(${o.rows} * ${o.q === '0' ? '1' : `(${p})`});`,
      ...fill,
      `regressFreeColumns(work.${o.stats}, z, ${free}, ${o.rows}, ${p});`,
      write,
      `if (!settings.fixed.has('${o.cov}')) {`,
      [
        `const scatter = new Float64Array(${o.rows} * ${o.rows});`,
        `addResidualScatter(work.${o.stats}, z, scatter, ${o.rows}, ${p});`,
        `if (covarianceFromScatter(scatter, work.${o.stats}.n, ${o.rows}, ${o.cov}, settings.regCovar)) floored(ctx, settings.regCovar);`,
      ],
      '}',
    ],
    '}',
  ];
}

function lowerMStep(ctx: ChainLgContext): FunctionStructure[] {
  const { L, D, A, Q, C, R, m0, P0, f } = ctx;
  const { initial, transition, emission } = ctx.program;
  return [
    {
      kind: 'function',
      name: 'mStep',
      docs: [
        'M-step (closed form), statement by statement: with Z = [B b] the free columns regress the child on (parent, 1),',
        '  Z_F = (syz_F − Z_K szz_KF) szz_FF⁻¹,',
        'and the covariance is the expected residual scatter at the new Z over the count, S / n, S = syy − syz Zᵀ − Z syzᵀ + Z szz Zᵀ:',
        `  ${m0} = E[${f}0] averaged over the sequences, ${P0} its scatter; ${A} = S10 S00⁻¹, ${Q} = S / Σ(T − 1); ${C} = Σ x E[${f}]ᵀ (Σ E[${f}${f}ᵀ])⁻¹, ${R} = S / Σ T.`,
      ],
      parameters: [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'work', type: 'Work' },
        { name: 'ctx', type: use(ctx.full, 'EmStepContext') },
        { name: 'settings', type: 'MStepSettings' },
      ],
      returnType: 'void',
      statements: [
        ...destructureNames(
          ctx.full.schema.sizes.map((s) => s.name),
          'bound',
        ),
        `const { ${[m0, P0, A, Q, C, R].join(', ')} } = params;`,
        ...updateTerm({ stats: 'initial', rows: L, q: '0', offset: m0, cov: P0, text: initial.text }),
        ...updateTerm({
          stats: 'transition',
          rows: L,
          q: L,
          matrix: A,
          cov: Q,
          text: `${transition.text} (when some sequence has two steps)`,
          condition: 'work.transition.n > 0',
        }),
        ...updateTerm({ stats: 'emission', rows: D, q: L, matrix: C, cov: R, text: emission.text }),
      ],
    },
    {
      kind: 'function',
      name: 'covarianceFromScatter',
      docs: [
        'The covariance S / n (symmetrised) into `out`; when it is not positive definite, regCovar is added to its diagonal.',
        '@returns whether it needed the ridge',
      ],
      parameters: [
        { name: 'scatter', type: 'Float64Array' },
        { name: 'n', type: 'number' },
        { name: 'd', type: 'number' },
        { name: 'out', type: 'Float64Array' },
        { name: 'floor', type: 'number' },
      ],
      returnType: 'boolean',
      statements: lines(`
for (let i = 0; i < d; i++)
  for (let j = 0; j < d; j++) out[i * d + j] = (scatter[i * d + j]! + scatter[j * d + i]!) / (2 * n);
const copy = Float64Array.from(out.subarray(0, d * d));
if (${use(ctx.full, 'cholesky')}(copy, d)) return false;
for (let i = 0; i < d; i++) out[i * d + i]! += floor;
return true;`),
    },
  ];
}

function lowerInitialize(ctx: ChainLgContext): FunctionStructure {
  const { D, L, A, Q, C, R, P0, x } = ctx;
  return {
    kind: 'function',
    name: 'initialize',
    docs: [
      `Starting values: ${C} = U_L (Λ_L − σ² I)^½ from the leading eigenvectors of the covariance of every step (jittered by the run's stream),`,
      `${R} what ${C} leaves unexplained (diagonal), a stable transition ${A} = 0.9 I + jitter with ${Q} = 0.19 I (stationary covariance ≈ I), ${P0} = I.`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'ctx', type: 'EmStepContext' },
    ],
    returnType: 'Flat',
    statements: [
      ...sizes(ctx),
      'const params = allocateParams(bound);',
      `const { ${[A, Q, C, R, P0].join(', ')} } = params;`,
      `const all = moments(${x}, ${D}, steps, () => 1);`,
      `const { w: loadings } = leadingLoadings(all.cov, ${D}, ${L}, ctx.rng);`,
      `${C}.set(loadings);`,
      `for (let i = 0; i < ${D}; i++) ${R}[i * ${D} + i] = unexplained(all.cov, loadings, ${D}, ${L}, i);`,
      `for (let i = 0; i < ${L}; i++)`,
      [
        `for (let j = 0; j < ${L}; j++) ${A}[i * ${L} + j] = (i === j ? 0.9 : 0) + 0.05 * ${use(ctx.full, 'sampleStdNormal')}(ctx.rng);`,
      ],
      `for (let i = 0; i < ${L}; i++) ${Q}[i * ${L} + i] = 0.19;`,
      `for (let i = 0; i < ${L}; i++) ${P0}[i * ${L} + i] = 1;`,
      'return params;',
    ],
  };
}

function lowerApi(ctx: ChainLgContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const { program, L } = ctx;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  use(ctx.full, 'FitResult');
  const eStep = eStepName(ctx);
  const sizeNames = ctx.full.schema.sizes.map((s) => s.name);
  const fitBody: Code[] = [
    'const bound = bind(data, options.sizes);',
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
    '// the E-step at the returned params, for the log-likelihood',
    'loadParams(params, best.params);',
    `const logLik = ${eStep}(bound, params, work);`,
    ...destructureNames(sizeNames, 'bound'),
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
      `...${criteria}(logLik, nParams, bound.steps, 0),`,
      'nParams,',
      'nObs: bound.steps,',
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
  return [
    {
      kind: 'function',
      name: 'fit',
      isExported: true,
      docs: [
        `Fits ${program.model} to \`data\` by EM (${program.strategy}: Kalman smoothing); the same result as \`emforge fit\` with the same options.`,
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
        `The observed-data log-likelihood of \`data\` at \`params\` (${ctx.f} integrated out by the Kalman filter).`,
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
        `The smoothed means E[${ctx.f}[s][t] | x[s]] of every step of every sequence, in order, at \`params\``,
        '(as `emforge fit --posteriors` writes them).',
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        `${eStep}(bound, flat, work);`,
        ...destructureNames(sizeNames, 'bound'),
        `const means = Array.from({ length: bound.steps }, (_, t) => Array.from(work.means.subarray(t * ${L}, (t + 1) * ${L})));`,
        `return { latents: [], states: [], responsibilities: [], means: { ${ctx.f}: means } };`,
      ],
    },
  ];
}

function lowerInternals(ctx: ChainLgContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const { S, D, L, x, names } = ctx;
  const [, flat] = lowerFlatTypes(ctx.full);
  const [readNested] = lowerBind(ctx.full);
  const bound: InterfaceStructure = {
    kind: 'interface',
    name: `Bound extends ${T}Sizes`,
    docs: ['The sizes, and the sequences back to back.'],
    properties: [
      { name: 'steps', type: 'number', isReadonly: true, docs: ['Σ_s T[s]: every step of every sequence'] },
      {
        name: 'start',
        type: 'Int32Array',
        isReadonly: true,
        docs: ['sequence s holds steps start[s] … start[s + 1] − 1'],
      },
      { name: x, type: 'Float64Array', isReadonly: true, docs: [`shape [steps, ${names.D}]`] },
    ],
  };
  const work: InterfaceStructure = {
    kind: 'interface',
    name: 'Work',
    docs: ['The Kalman workspace and the buffers of one fit, allocated once.'],
    properties: [
      { name: 'kalman', type: 'KalmanWorkspace', isReadonly: true, docs: ['sized for the longest sequence'] },
      {
        name: 'initial',
        type: 'TermStats',
        isReadonly: true,
        docs: [`${ctx.program.initial.text}: ${ctx.f}[0] on (1)`],
      },
      {
        name: 'transition',
        type: 'TermStats',
        isReadonly: true,
        docs: [`${ctx.program.transition.text}: on (${ctx.f}[t−1], 1)`],
      },
      {
        name: 'emission',
        type: 'TermStats',
        isReadonly: true,
        docs: [`${ctx.program.emission.text}: on (${ctx.f}[t], 1)`],
      },
      {
        name: 'means',
        type: 'Float64Array',
        isReadonly: true,
        docs: [`shape [steps, ${names.L}]: the smoothed means`],
      },
      {
        name: 'aOffset',
        type: 'Float64Array',
        isReadonly: true,
        docs: [`shape [${names.L}]: zeros (the transition adds no offset)`],
      },
      {
        name: 'cOffset',
        type: 'Float64Array',
        isReadonly: true,
        docs: [`shape [${names.D}]: zeros (the emission adds no offset)`],
      },
    ],
  };
  const stats = (d: string, p: string) =>
    `{ syy: new Float64Array(${d} * ${d}), syz: new Float64Array(${d} * ${p}), szz: new Float64Array(${p} * ${p}), n: 0 }`;
  const allocate: FunctionStructure = {
    kind: 'function',
    name: 'allocateWork',
    parameters: [{ name: 'bound', type: 'Bound' }],
    returnType: 'Work',
    statements: [
      ...sizes(ctx),
      'let longest = 0;',
      `for (let s = 0; s < ${S}; s++) longest = Math.max(longest, start[s + 1]! - start[s]!);`,
      'return {',
      [
        `kalman: new KalmanWorkspace(${L}, ${D}, longest),`,
        `initial: ${stats(L, '1')},`,
        `transition: ${stats(L, `(${L} + 1)`)},`,
        `emission: ${stats(D, `(${L} + 1)`)},`,
        `means: new Float64Array(steps * ${L}),`,
        `aOffset: new Float64Array(${L}),`,
        `cOffset: new Float64Array(${D}),`,
      ],
      '};',
    ],
  };
  const settings: InterfaceStructure = {
    kind: 'interface',
    name: 'MStepSettings',
    properties: [
      { name: 'regCovar', type: 'number', isReadonly: true, docs: ['The ridge of a singular covariance.'] },
      { name: 'fixed', type: 'ReadonlySet<string>', isReadonly: true, docs: ['Params held fixed (not updated).'] },
    ],
  };
  const sizeSources = ctx.full.schema.sizes.map((s) => {
    const measured =
      s.name === names.S ? `data.${x}.length` : s.name === names.D ? `data.${x}[0]?.[0]?.length` : undefined;
    const sources = [`given.${s.name}`, measured, s.default === undefined ? undefined : String(s.default)];
    return `const ${dim(s.name)} = ${sources.filter((v) => v !== undefined).join(' ?? ')};`;
  });
  const bind: FunctionStructure = {
    kind: 'function',
    name: 'bind',
    docs: [`The sizes (given, measured from the data, or declared) and the sequences, read and checked.`],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'given', type: `Partial<${T}Sizes>`, initializer: '{}' },
    ],
    returnType: 'Bound',
    statements: [
      ...sizeSources,
      ...ctx.full.schema.sizes.map(
        (s) =>
          `if (${dim(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in options.sizes");`,
      ),
      ...lines(`
// the lengths ${names.T}[s] of the sequences; sequence s holds steps start[s] … start[s + 1] − 1
const problems: string[] = [];
const start = new Int32Array(${S} + 1);
for (let s = 0; s < ${S}; s++) {
  const rows: unknown = data.${x}[s];
  start[s + 1] = start[s]! + (Array.isArray(rows) ? rows.length : 0);
  if (start[s + 1] === start[s]) problems.push(\`sequence \${s} of ${x} is empty\`);
}
const steps = start[${S}]!;
const ${x} = new Float64Array(steps * ${D});
if (!Array.isArray(data.${x}) || data.${x}.length !== ${S}) problems.push(\`${x} should be an array of \${${S}} sequences\`);
else
  for (let s = 0; s < ${S}; s++)
    readNested(data.${x}[s], [start[s + 1]! - start[s]!, ${D}], ${x}, \`${x}[\${s}]\`, (v) => Number.isFinite(v), 'a real number', problems, start[s]! * ${D});
if (problems.length > 0) throw new Error(\`the data do not match the model:\\n  \${problems.join('\\n  ')}\`);`),
      `return { ${ctx.full.schema.sizes.map((s) => (dim(s.name) === s.name ? s.name : `${s.name}: ${dim(s.name)}`)).join(', ')}, steps, start, ${x} };`,
    ],
  };
  return [bound, flat!, work, settings, allocate, readNested!, bind];
}

/** The whole chain fitter, in reading order, and the helpers it uses. */
export function lowerLinearGaussianChainFitter(
  program: LinearGaussianChainProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): { statements: readonly StatementStructure[]; helpers: ReadonlySet<string> } {
  const ctx = makeContext(program, schema, plan, source);
  for (const helper of ['cholesky', 'choleskySolves', 'sampleStdNormal', 'RandomStream', 'EmStepContext'])
    use(ctx.full, helper);
  const eStep = lowerEStep(ctx);
  const accumulate = lowerAccumulate(ctx);
  const mStep = lowerMStep(ctx);
  const init = lowerInitialize(ctx);
  const api = lowerApi(ctx);
  const [data, params, sizesType] = lowerPublicTypes(ctx.full);
  const T = ctx.full.typePrefix;
  const posterior = lowerLgPosteriorType(
    T,
    ctx.f,
    'empty: no finite latent',
    `E[${ctx.f}[s][t] | x[s]] of every step of every sequence in order, shape [Σ_s ${ctx.names.T}[s]][${ctx.names.L}]`,
  );
  const internals = lowerInternals(ctx);
  return {
    statements: [
      { kind: 'variable', declarationKind: 'const', name: 'LOG_2PI', initializer: 'Math.log(2 * Math.PI)' },
      { kind: 'variable', declarationKind: 'const', name: 'NEG_INF', initializer: 'Number.NEGATIVE_INFINITY' },
      data!,
      params!,
      sizesType!,
      lowerLgFitOptions(T, ctx.names.L),
      posterior,
      ...api,
      eStep,
      accumulate,
      ...mStep,
      init,
      ...kalmanHelpers(),
      ...factorHelpers(),
      ...internals,
      ...lowerParamConversions(ctx.full),
    ],
    helpers: ctx.full.helpers,
  };
}
