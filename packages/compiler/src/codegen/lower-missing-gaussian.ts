// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a missing-gaussian fitter (a Gaussian, or a Gaussian mixture, fitted to rows with
 * missing entries: the runtime's missing/*.ts, specialised): the E-step pattern by pattern
 * (the conditional-Gaussian kernels of missing/conditional-gaussian.ts, inlined as local
 * helpers), the M-step from the expected sufficient statistics, the mean-imputation
 * initialisation, `fit`, `logLik` and `posterior` (responsibilities and the imputed data). The
 * same floating-point operations in the same order as the runtime, so that fits agree bit for bit.
 */
import type { DataSchema, FitParam, FitProgram, MissingGaussianProgram } from '@emforge/runtime';
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
import { CodegenUnsupported, dim, type MixtureContext, makeMixtureContext, use } from './mixture-context.js';
import { cap, lines, localName, pick } from './scale-mixture-context.js';

interface MissingContext {
  readonly program: MissingGaussianProgram;
  readonly full: MixtureContext;
  readonly N: string;
  readonly D: string;
  readonly K: string;
  /** Field names of the data, mean, scale and weights, and their locals. */
  readonly x: string;
  readonly mu: string;
  readonly sigma: string;
  readonly w?: string;
  readonly z?: string;
  readonly form: 'full' | 'diagonal' | 'spherical';
  /** One value per item (`real?`, D = 1) rather than a row (`real[D]?`). */
  readonly scalar: boolean;
}

function makeContext(
  program: MissingGaussianProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): MissingContext {
  if (schema.sizes.some((s) => s.over !== undefined)) throw new CodegenUnsupported('ragged sizes');
  const v = schema.data.find((d) => d.name === program.data);
  if (!v || schema.data.length !== 1) throw new CodegenUnsupported('data besides the rows with missing entries');
  if (v.dims.length !== 1 || v.shape.length > 1)
    throw new CodegenUnsupported(`'${v.name}' not as rows real[D]? or values real?`);
  const scalar = v.shape.length === 0;
  const scale = program.params.find((p) => p.name === program.scale.param)!;
  const form =
    program.family === 'MvNormal' ? 'full' : scale.shape.length === 1 ? ('diagonal' as const) : ('spherical' as const);
  const latents = program.latent ? [{ name: program.latent.name, states: program.latent.states }] : [];
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }) as FitParam);
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: program.plate,
    latents,
    factors: [],
    params: declared,
    objective: 'log-likelihood',
    strategy: program.strategy,
  } as unknown as FitProgram;
  // The public types see the rows as required (the Data interface is this lowering's own).
  const publicSchema: DataSchema = { ...schema, data: schema.data.map((d) => ({ ...d, optional: false })) };
  return {
    program,
    full: makeMixtureContext(asMixture, publicSchema, plan, source),
    N: dim(program.plate.size),
    D: scalar ? '1' : dim(v.shape[0]!),
    scalar,
    K: program.latent ? dim(program.latent.states) : '1',
    x: program.data,
    mu: program.mean.param,
    sigma: program.scale.param,
    ...(program.latent ? { w: program.latent.weights, z: program.latent.name } : {}),
    form,
  };
}

function sizesOf(ctx: MissingContext, body: readonly Code[]): string[] {
  const text = JSON.stringify(body);
  const names = ctx.full.schema.sizes.map((s) => s.name).filter((n) => new RegExp(`\\b${n}\\b`).test(text));
  return names.length === 0 ? [] : destructureNames(names, 'bound');
}

function fn(
  ctx: MissingContext,
  s: Omit<FunctionStructure, 'kind' | 'statements'> & { prelude?: string[]; body: Code[] },
): FunctionStructure {
  const { prelude, body, ...rest } = s;
  return { kind: 'function', ...rest, statements: [...sizesOf(ctx, body), ...(prelude ?? []), ...body] };
}

const BPW = [
  { name: 'bound', type: 'Bound' },
  { name: 'params', type: 'Flat' },
  { name: 'work', type: 'Work' },
];

function eStepName(ctx: MissingContext): string {
  return `eStep${ctx.z ? cap(ctx.z) : ''}${cap(ctx.x)}`;
}

function meanAt(ctx: MissingContext, c: string): string {
  return ctx.program.mean.selected ? `${c} * ${ctx.D}` : '0';
}

function lowerEStep(ctx: MissingContext): FunctionStructure {
  const { D, K, form } = ctx;
  use(ctx.full, 'conditionalGaussian');
  const mu = localName(ctx.mu);
  const sigma = localName(ctx.sigma);
  const w = ctx.w ? localName(ctx.w) : undefined;
  const e = ctx.program.scale.selected ? 'c' : '0';
  const build =
    form === 'full'
      ? [`cov.set(${sigma}.subarray(${e} * ${D} * ${D}, (${e} + 1) * ${D} * ${D}), c * ${D} * ${D});`]
      : [
          `for (let j = 0; j < ${D}; j++) {`,
          [
            `const sd = ${sigma}[${form === 'diagonal' ? `${e} * ${D} + j` : e}]!;`,
            `cov[c * ${D} * ${D} + j * ${D} + j] = sd * sd;`,
          ],
          '}',
        ];
  const body: Code[] = [
    `// every component's full covariance from ${ctx.sigma}`,
    'cov.fill(0);',
    `for (let c = 0; c < ${K}; c++) {`,
    build,
    '}',
    `for (let c = 0; c < ${K}; c++) {`,
    [
      `logWeights[c] = ${w ? `Math.log(${w}[c]!)` : '0'};`,
      `centre.set(${mu}.subarray(${meanAt(ctx, 'c')}, ${meanAt(ctx, 'c')} + ${D}), c * ${D});`,
    ],
    '}',
    ...lines(`
s0.fill(0);
s1.fill(0);
s2.fill(0);
let logLik = 0;
const rows = patterns.rows;
for (const pattern of patterns.patterns) {
  const { observed, missing, members } = pattern;
  const m = missing.length;
  for (let c = 0; c < ${K}; c++) factorPattern(cov, c * ${D} * ${D}, ${D}, observed, missing, factors[c]!);
  patternWeight.fill(0);
  for (let t = 0; t < members.length; t++) {
    const i = members[t]!;
    const xAt = rows[i]! * ${D};
    const at = i * ${K};
    // log w_c + log N(x_o | ${ctx.mu}_c,o, ${ctx.sigma}_c,oo)
    for (let c = 0; c < ${K}; c++) {
      const f = factors[c]!;
      resp[at + c] =
        f.logNorm === Number.NEGATIVE_INFINITY
          ? Number.NEGATIVE_INFINITY
          : logWeights[c]! + observedLogDensity(${localName(ctx.x)}, xAt, ${mu}, ${meanAt(ctx, 'c')}, observed, f, resid[c]!, scratch);
    }
    const ll = normalizeRow(resp, at, ${K});
    itemLogLik[i] = ll;
    logLik += ll;
    if (imputed) for (let a = 0; a < m; a++) imputed[xAt + missing[a]!] = 0;
    // the completed row x̂ = (x_o, E[x_m | x_o, c]) into s0, s1, s2 (centred at the E-step mean)
    for (let c = 0; c < ${K}; c++) {
      const r = resp[at + c]!;
      const f = factors[c]!;
      if (!(r > 0) || f.logNorm === Number.NEGATIVE_INFINITY) continue;
      conditionalMean(${localName(ctx.x)}, xAt, ${mu}, ${meanAt(ctx, 'c')}, observed, missing, f, resid[c]!, xhat);
      if (imputed) for (let a = 0; a < m; a++) imputed[xAt + missing[a]!]! += r * xhat[missing[a]!]!;
      s0[c]! += r;
      patternWeight[c]! += r;
      const c1 = c * ${D};
      const c2 = c * ${D} * ${D};
      for (let j = 0; j < ${D}; j++) xhat[j] = xhat[j]! - centre[c1 + j]!;
      for (let j = 0; j < ${D}; j++) {
        const rj = r * xhat[j]!;
        s1[c1 + j]! += rj;
        for (let j2 = 0; j2 <= j; j2++) s2[c2 + j * ${D} + j2]! += rj * xhat[j2]!;
      }
    }
  }
  // the conditional covariance C is the same for every row of the pattern: added once, weighted
  for (let c = 0; c < ${K} && m > 0; c++) {
    const weight = patternWeight[c]!;
    const cm = factors[c]!.c;
    const c2 = c * ${D} * ${D};
    for (let a = 0; a < m; a++) {
      const ja = missing[a]!;
      for (let a2 = 0; a2 < m; a2++) {
        const jb = missing[a2]!;
        if (jb <= ja) s2[c2 + ja * ${D} + jb]! += weight * cm[a * m + a2]!;
      }
    }
  }
}
for (let c = 0; c < ${K}; c++) {
  const c2 = c * ${D} * ${D};
  for (let j = 0; j < ${D}; j++) for (let j2 = 0; j2 < j; j2++) s2[c2 + j2 * ${D} + j] = s2[c2 + j * ${D} + j2]!;
}
return Number.isNaN(logLik) ? Number.NEGATIVE_INFINITY : logLik;`),
  ];
  return fn(ctx, {
    name: eStepName(ctx),
    docs: [
      `E-step over ${ctx.z ? `${ctx.z} and ` : ''}the missing entries of ${ctx.x}, pattern by pattern (observed o, missing m):`,
      `  ${ctx.z ? `r[n, c] ∝ w_c N(x_o | μ_c,o, Σ_c,oo)` : `log p(x_o) = log N(x_o | μ_o, Σ_oo)`},  E[x_m | x_o, c] = μ_c,m + Σ_c,mo Σ_c,oo⁻¹ (x_o − μ_c,o),`,
      '  s0[c] = Σ r,  s1[c] = Σ r (x̂ − μ_c),  s2[c] = Σ r ((x̂ − μ_c)(x̂ − μ_c)ᵀ + C_c),  C_c = Σ_c,mm − Σ_c,mo Σ_c,oo⁻¹ Σ_c,om.',
      '`imputed` (optional) receives each missing entry as Σ_c r E[x_m | x_o, c]. Returns the observed-data log-likelihood.',
    ],
    parameters: [...BPW, { name: 'imputed', type: 'Float64Array', hasQuestionToken: true }],
    returnType: 'number',
    prelude: [
      `const { ${pick(ctx.x)} } = bound;`,
      `const { ${[ctx.mu, ctx.sigma, ...(ctx.w ? [ctx.w] : [])].map(pick).join(', ')} } = params;`,
      'const { patterns, cov, resp, itemLogLik, s0, s1, s2, centre, factors, resid, scratch, xhat, logWeights, patternWeight } = work;',
    ],
    body,
  });
}

function lowerNormalizeRow(): StatementStructure {
  return {
    kind: 'raw',
    name: 'normalizeRow',
    text: `/** One row of log densities into responsibilities (log-sum-exp); returns the row's log-likelihood. */
function normalizeRow(resp: Float64Array, at: number, k: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) if (resp[at + c]! > max) max = resp[at + c]!;
  if (max === Number.NEGATIVE_INFINITY || Number.isNaN(max)) {
    for (let c = 0; c < k; c++) resp[at + c] = 1 / k;
    return Number.NEGATIVE_INFINITY;
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(resp[at + c]! - max);
    resp[at + c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) resp[at + c]! /= sum;
  return max + Math.log(sum);
}`,
  };
}

function lowerMStep(ctx: MissingContext): StatementStructure[] {
  const { D, K, form } = ctx;
  const EMPTY = use(ctx.full, 'EMPTY');
  const ctxType = use(ctx.full, 'EmStepContext');
  const mu = localName(ctx.mu);
  const sigma = localName(ctx.sigma);
  const w = ctx.w ? localName(ctx.w) : undefined;
  const scaleElements = ctx.program.scale.selected ? K : '1';
  const write =
    form === 'full'
      ? lines(`
  for (let i = 0; i < ${D}; i++) {
    for (let j = 0; j <= i; j++) {
      // symmetrised: both triangles hold the same value, bit for bit
      const v = (scatter[i * ${D} + j]! + scatter[j * ${D} + i]!) / (2 * weight) + (i === j ? regCovar : 0);
      ${sigma}[e * ${D} * ${D} + i * ${D} + j] = v;
      ${sigma}[e * ${D} * ${D} + j * ${D} + i] = v;
    }
  }`)
      : form === 'diagonal'
        ? lines(`
  for (let j = 0; j < ${D}; j++) ${sigma}[e * ${D} + j] = Math.sqrt(scatter[j * ${D} + j]! / weight + regCovar);`)
        : lines(`
  let trace = 0;
  for (let j = 0; j < ${D}; j++) trace += scatter[j * ${D} + j]!;
  ${sigma}[e] = Math.sqrt(trace / (${D} * weight) + regCovar);`);
  const body: Code[] = [
    ...(w
      ? lines(`
const total = s0.reduce((a, b) => a + b, 0);
if (!fixed.has('${ctx.w}') && total > 0) for (let c = 0; c < ${K}; c++) ${w}[c] = s0[c]! / total;`)
      : []),
    ...lines(`
if (!fixed.has('${ctx.mu}')) {
  for (let c = 0; c < ${ctx.program.mean.selected ? K : '1'}; c++) {
    if (!(s0[c]! > ${EMPTY})) {
      warnOnce(
        ctx,
        \`empty:\${c}\`,
        \`iteration \${ctx.iteration}: component \${c} of '${ctx.mu}' is empty (no row has weight on it): its params are kept; lower the number of components, or use more restarts\`,
      );
      continue;
    }
    for (let j = 0; j < ${D}; j++) ${mu}[${meanAt(ctx, 'c')} + j] = centre[c * ${D} + j]! + s1[c * ${D} + j]! / s0[c]!;
  }
}
if (fixed.has('${ctx.sigma}')) return;
for (let e = 0; e < ${scaleElements}; e++) {
  scatter.fill(0);
  let weight = 0;
  for (let c = 0; c < ${K}; c++) {
    if (${ctx.program.scale.selected ? 'c !== e' : 'false'}) continue;
    for (let j = 0; j < ${D}; j++) delta[j] = ${mu}[${meanAt(ctx, 'c')} + j]! - centre[c * ${D} + j]!;
    weight += s0[c]!;
    // the expected scatter about the new mean
    for (let i = 0; i < ${D}; i++) {
      for (let j = 0; j < ${D}; j++) {
        scatter[i * ${D} + j]! +=
          s2[c * ${D} * ${D} + i * ${D} + j]! -
          s1[c * ${D} + i]! * delta[j]! -
          delta[i]! * s1[c * ${D} + j]! +
          s0[c]! * delta[i]! * delta[j]!;
      }
    }
  }
  if (!(weight > ${EMPTY})) continue;
${write.join('\n')}
}`),
  ];
  const scaleFormula =
    form === 'full'
      ? `${ctx.sigma}_e = S_e + regCovar I`
      : form === 'diagonal'
        ? `${ctx.sigma}_e = √(diag S_e + regCovar)`
        : `${ctx.sigma}_e = √(tr S_e / D + regCovar)`;
  return [
    {
      kind: 'raw',
      name: 'warnOnce',
      text: `/** Warnings already given in a run (keyed by the run's stream), so each is given once. */
const reported = new WeakMap<${use(ctx.full, 'RandomStream')}, Set<string>>();

function warnOnce(ctx: ${ctxType}, key: string, message: string): void {
  let seen = reported.get(ctx.rng);
  if (!seen) {
    seen = new Set();
    reported.set(ctx.rng, seen);
  }
  if (seen.has(key)) return;
  seen.add(key);
  ctx.warn(message);
}`,
    },
    fn(ctx, {
      name: 'mStep',
      docs: [
        'M-step from the expected sufficient statistics (centred at the E-step means μ_c):',
        `  ${ctx.w ? `${ctx.w}_c = s0[c] / Σ s0,  ` : ''}${ctx.mu}'_c = μ_c + s1[c] / s0[c],`,
        "  S_e = Σ_c (s2[c] − s1[c] δ_cᵀ − δ_c s1[c]ᵀ + s0[c] δ_c δ_cᵀ) / Σ_c s0[c],  δ_c = μ'_c − μ_c,",
        `  ${scaleFormula}. Fixed params keep their values; an empty component keeps its params (with a warning).`,
      ],
      parameters: [...BPW, { name: 'ctx', type: ctxType }, { name: 'settings', type: 'MStepSettings' }],
      returnType: 'void',
      prelude: [
        'const { regCovar, fixed } = settings;',
        `const { ${[ctx.mu, ctx.sigma, ...(ctx.w ? [ctx.w] : [])].map(pick).join(', ')} } = params;`,
        'const { s0, s1, s2, centre, scatter, delta } = work;',
      ],
      body,
    }),
  ];
}

function lowerInit(ctx: MissingContext): FunctionStructure {
  const { D, K } = ctx;
  const ctxType = use(ctx.full, 'EmStepContext');
  const x = localName(ctx.x);
  const seeding: Code[] = ctx.z
    ? lines(`
const seeder = method === 'kmeans++' ? ${use(ctx.full, 'kmeansPlusPlus')} : method === 'random-points' ? ${use(ctx.full, 'randomPoints')} : undefined;
if (${K} === 1) resp.fill(1);
else if (!seeder || count < ${K}) {
  const row = new Float64Array(${K});
  for (let i = 0; i < count; i++) {
    ${use(ctx.full, 'sampleDirichlet')}(ctx.rng, 1, row);
    resp.set(row, i * ${K});
  }
} else {
  // each row to its nearest seed
  const seeds = seeder(rows, count, ${D}, ${K}, ctx.rng);
  resp.fill(0);
  for (let i = 0; i < count; i++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let c = 0; c < seeds.length; c++) {
      let dist = 0;
      for (let j = 0; j < ${D}; j++) dist += (rows[i * ${D} + j]! - rows[seeds[c]! * ${D} + j]!) ** 2;
      if (dist < bestDistance) {
        bestDistance = dist;
        best = c;
      }
    }
    resp[i * ${K} + best] = 1;
  }
}`)
    : ['resp.fill(1);'];
  const complete = ctx.program.params.map((p) => `given.${p.name} !== undefined`).join(' && ');
  const body: Code[] = [
    ...lines(`
const { empty, observedPerColumn } = work.patterns;
if (empty.length > 0) {
  ctx.warn(
    \`\${empty.length} of the \${${ctx.N}} rows of '${ctx.x}' have every entry missing: they carry no information and are left out of the fit (their imputed values are the fitted mean)\`,
  );
}
const unseen = [...observedPerColumn.keys()].filter((j) => observedPerColumn[j] === 0);
if (unseen.length > 0 && ${ctx.N} > empty.length) {
  ctx.warn(
    \`column\${unseen.length > 1 ? 's' : ''} \${unseen.join(', ')} of '${ctx.x}' \${unseen.length > 1 ? 'are' : 'is'} missing in every row: \` +
      'its mean and variance are not identified by the data (they stay near their initial values); drop the column, or give its values with --fix',
  );
}`),
    `if (!(${complete})) {`,
    lines(`
const { resp, s0, s1, s2, centre } = work;
const index = work.patterns.rows;
const count = index.length;
// for seeding only: each missing entry replaced by its column's observed mean
const means = new Float64Array(${D});
const counts = new Float64Array(${D});
for (let i = 0; i < count; i++) {
  for (let j = 0; j < ${D}; j++) {
    const v = ${x}[index[i]! * ${D} + j]!;
    if (Number.isNaN(v)) continue;
    means[j]! += v;
    counts[j]!++;
  }
}
for (let j = 0; j < ${D}; j++) means[j] = counts[j]! > 0 ? means[j]! / counts[j]! : 0;
const rows = new Float64Array(count * ${D});
for (let i = 0; i < count; i++) {
  for (let j = 0; j < ${D}; j++) {
    const v = ${x}[index[i]! * ${D} + j]!;
    rows[i * ${D} + j] = Number.isNaN(v) ? means[j]! : v;
  }
}`),
    seeding,
    lines(`
// the statistics of the imputed rows, centred at the column means, then one M-step
s0.fill(0);
s1.fill(0);
s2.fill(0);
for (let c = 0; c < ${K}; c++) centre.set(means, c * ${D});
for (let i = 0; i < count; i++) {
  for (let c = 0; c < ${K}; c++) {
    const r = resp[i * ${K} + c]!;
    if (!(r > 0)) continue;
    s0[c]! += r;
    for (let j = 0; j < ${D}; j++) {
      const rj = r * (rows[i * ${D} + j]! - means[j]!);
      s1[c * ${D} + j]! += rj;
      for (let j2 = 0; j2 < ${D}; j2++) s2[c * ${D} * ${D} + j * ${D} + j2]! += rj * (rows[i * ${D} + j2]! - means[j2]!);
    }
  }
}
mStep(bound, params, work, ctx, settings);`),
    '}',
    'const out = copyParams(params);',
    'loadParams(out, given);',
    'return out;',
  ];
  return fn(ctx, {
    name: 'initialize',
    docs: [
      'Initial params of one restart: the rows with missing entries replaced by their column means,',
      ctx.z
        ? 'responsibilities from k-means++ (or random-point) seeds by nearest seed, or Dirichlet(1) rows (`random`),'
        : 'one component,',
      'then one M-step on them; given values override.',
    ],
    parameters: [
      ...BPW,
      { name: 'ctx', type: ctxType },
      { name: 'settings', type: 'MStepSettings' },
      { name: 'method', type: "'kmeans++' | 'random' | 'random-points'" },
      { name: 'given', type: 'Partial<Flat>' },
    ],
    returnType: 'Flat',
    prelude: [`const { ${pick(ctx.x)} } = bound;`, ...(ctx.z ? [] : ['void method;'])],
    body,
  });
}

function lowerApi(ctx: MissingContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  const nest = use(ctx.full, 'nestValues');
  use(ctx.full, 'FitResult');
  const eStep = eStepName(ctx);
  const { program, N, D, K } = ctx;
  const sizeNames = ctx.full.schema.sizes.map((s) => s.name);
  const posteriorBody = (flat: string): Code[] => [
    `const imputed = bound.${ctx.x}.slice();`,
    `${eStep}(bound, ${flat}, work, imputed);`,
    `// rows with every entry missing: the fitted marginal mean Σ_c w_c μ_c`,
    ...(ctx.w ? [`const weights = ${flat}.${ctx.w};`] : ['const weights = Float64Array.of(1);']),
    `const marginal = new Float64Array(${D});`,
    `for (let c = 0; c < ${K}; c++) for (let j = 0; j < ${D}; j++) marginal[j]! += weights[c]! * ${flat}.${ctx.mu}[${meanAt(ctx, 'c')} + j]!;`,
    `for (const i of work.patterns.empty) imputed.set(marginal, i * ${D});`,
    `const variable = { '${ctx.x}': ${nest}(imputed, [${ctx.scalar ? N : `${N}, ${D}`}]) as number[]${ctx.scalar ? '' : '[]'} };`,
    ...(ctx.z
      ? [
          `const responsibilities: number[][] = Array.from({ length: ${N} }, () => Array.from(weights));`,
          'work.patterns.rows.forEach((row, i) => {',
          [`responsibilities[row] = Array.from(work.resp.subarray(i * ${K}, (i + 1) * ${K}));`],
          '});',
          `const posterior: ${T}Posterior = { latents: ['${ctx.z}'], states: Array.from({ length: ${K} }, (_, c) => \`${ctx.z}=\${c}\`), responsibilities, imputed: variable };`,
        ]
      : [`const posterior: ${T}Posterior = { latents: [], states: [], responsibilities: [], imputed: variable };`]),
  ];
  const fitBody: Code[] = [
    'const bound = bind(data, options.sizes);',
    ...destructureNames(sizeNames, 'bound'),
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
          'return { objective: logLik, stats: logLik };',
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
    '// the E-step at the returned params, for the log-likelihood and ICL',
    'loadParams(params, best.params);',
    `const logLik = ${eStep}(bound, params, work);`,
    'let entropy = 0;',
    'for (const r of work.resp) if (r > 0) entropy -= r * Math.log(r);',
    `const free: Record<string, number> = { ${program.params.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : `'${p.name}'`}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
    'let nParams = 0;',
    'for (const [name, count] of Object.entries(free)) if (!settings.fixed.has(name)) nParams += count;',
    'const nObs = work.patterns.rows.length;',
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
      `...${criteria}(logLik, nParams, nObs, entropy),`,
      'nParams,',
      'nObs,',
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
        `The observed-data log-likelihood of \`data\` at \`params\` (the missing entries${ctx.z ? ` and ${ctx.z}` : ''} integrated out).`,
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
        `The posterior at \`params\`: ${ctx.z ? 'the responsibilities of every row (the weights for a row with nothing observed) and ' : ''}the data with each`,
        'missing entry replaced by its conditional mean (as `emforge fit --posteriors` writes them).',
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [...setup, ...destructureNames(sizeNames, 'bound'), ...posteriorBody('flat'), 'return posterior;'],
    },
  ];
}

function lowerTypes(ctx: MissingContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const [, params, sizes, options] = lowerPublicTypes(ctx.full);
  const data: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Data`,
    isExported: true,
    docs: [`The data of ${ctx.program.model}, as a data.json holds it: rows with null for a missing entry.`],
    properties: [
      {
        name: ctx.x,
        type: ctx.scalar ? 'readonly (number | null)[]' : 'readonly (readonly (number | null)[])[]',
        isReadonly: true,
        docs: [ctx.scalar ? `${ctx.x}[${ctx.N}]: real?` : `${ctx.x}[${ctx.N}]: real[${ctx.D}]?`],
      },
    ],
  };
  const posterior: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Posterior`,
    isExported: true,
    docs: ['The posterior (as `emforge fit --posteriors` writes it).'],
    properties: [
      { name: 'latents', type: 'readonly string[]', isReadonly: true },
      { name: 'states', type: 'readonly string[]', isReadonly: true },
      {
        name: 'responsibilities',
        type: 'readonly (readonly number[])[]',
        isReadonly: true,
        docs: ['shape [N][K] (empty without a latent)'],
      },
      {
        name: 'imputed',
        type: `{ readonly '${ctx.x}': number[]${ctx.scalar ? '' : '[]'} }`,
        isReadonly: true,
        docs: ['The data, each missing entry its conditional mean.'],
      },
    ],
  };
  return [data, params!, sizes!, options!, posterior];
}

function lowerInternals(ctx: MissingContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const { N, D, K } = ctx;
  const sizeNames = ctx.full.schema.sizes;
  const [bound, flat] = lowerFlatTypes(ctx.full) as [InterfaceStructure, InterfaceStructure];
  const buffers: { name: string; type: string; init: string; docs: string }[] = [
    {
      name: 'patterns',
      type: 'MissingPatterns',
      init: `findMissingPatterns(bound.missing, ${N}, ${D})`,
      docs: 'The rows grouped by missingness pattern.',
    },
    {
      name: 'cov',
      type: 'Float64Array',
      init: `new Float64Array(${K} * ${D} * ${D})`,
      docs: `shape [${K}, ${D}, ${D}]: each component's full covariance`,
    },
    {
      name: 'resp',
      type: 'Float64Array',
      init: `new Float64Array(patterns.rows.length * ${K})`,
      docs: `shape [rows, ${K}]: responsibilities of the rows with an observed entry`,
    },
    { name: 'itemLogLik', type: 'Float64Array', init: 'new Float64Array(patterns.rows.length)', docs: 'shape [rows]' },
    { name: 's0', type: 'Float64Array', init: `new Float64Array(${K})`, docs: `shape [${K}]: Σ r` },
    {
      name: 's1',
      type: 'Float64Array',
      init: `new Float64Array(${K} * ${D})`,
      docs: `shape [${K}, ${D}]: Σ r (x̂ − centre)`,
    },
    {
      name: 's2',
      type: 'Float64Array',
      init: `new Float64Array(${K} * ${D} * ${D})`,
      docs: `shape [${K}, ${D}, ${D}]: Σ r ((x̂ − centre)(x̂ − centre)ᵀ + C)`,
    },
    {
      name: 'centre',
      type: 'Float64Array',
      init: `new Float64Array(${K} * ${D})`,
      docs: `shape [${K}, ${D}]: each component's mean in the E-step`,
    },
    {
      name: 'factors',
      type: 'readonly PatternFactor[]',
      init: `Array.from({ length: ${K} }, () => makePatternFactor(${D}))`,
      docs: 'Per component: the factors of the current pattern.',
    },
    {
      name: 'resid',
      type: 'readonly Float64Array[]',
      init: `Array.from({ length: ${K} }, () => new Float64Array(${D}))`,
      docs: 'Per component: the residual x_o − μ_o of the current row.',
    },
    { name: 'scratch', type: 'Float64Array', init: `new Float64Array(${D})`, docs: `shape [${D}]` },
    { name: 'xhat', type: 'Float64Array', init: `new Float64Array(${D})`, docs: `shape [${D}]: the completed row` },
    { name: 'logWeights', type: 'Float64Array', init: `new Float64Array(${K})`, docs: `shape [${K}]: log w_c` },
    {
      name: 'patternWeight',
      type: 'Float64Array',
      init: `new Float64Array(${K})`,
      docs: `shape [${K}]: Σ r over the rows of the pattern`,
    },
    {
      name: 'scatter',
      type: 'Float64Array',
      init: `new Float64Array(${D} * ${D})`,
      docs: `shape [${D}, ${D}]: the M-step's scatter`,
    },
    {
      name: 'delta',
      type: 'Float64Array',
      init: `new Float64Array(${D})`,
      docs: `shape [${D}]: the M-step's mean shift`,
    },
  ];
  use(ctx.full, 'findMissingPatterns');
  const allocBody: Code[] = [
    `const patterns = ${buffers[0]!.init};`,
    `return { ${buffers.map((b) => (b.name === 'patterns' ? 'patterns' : `${b.name}: ${b.init}`)).join(', ')} };`,
  ];
  const x = localName(ctx.x);
  const bindBody: Code[] = [
    ...sizeNames.map((s) => {
      const measured =
        s.name === ctx.program.plate.size
          ? `data.${ctx.x}.length`
          : s.name === ctx.D
            ? `data.${ctx.x}[0]?.length`
            : undefined;
      const sources = [`given.${s.name}`, measured, s.default === undefined ? undefined : String(s.default)].filter(
        (v) => v !== undefined,
      );
      return `const ${dim(s.name)} = ${sources.join(' ?? ')};`;
    }),
    ...sizeNames.map(
      (s) =>
        `if (${dim(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in options.sizes");`,
    ),
    ...lines(`
const problems: string[] = [];
const ${x} = new Float64Array(${N} * ${D});
const missing = new Uint8Array(${N} * ${D});
if (data.${ctx.x}.length !== ${N}) problems.push(\`${ctx.x} should be an array of \${${N}}, got \${data.${ctx.x}.length}\`);
${
  ctx.scalar
    ? `for (let i = 0; i < ${N} && problems.length < 10; i++) {
  const v = data.${ctx.x}[i];
  if (v === null) {
    ${x}[i] = Number.NaN;
    missing[i] = 1;
  } else if (typeof v === 'number' && Number.isFinite(v)) ${x}[i] = v;
  else problems.push(\`${ctx.x}[\${i}] is \${JSON.stringify(v)}, expected a real number or null\`);
}
`
    : `for (let i = 0; i < ${N} && problems.length < 10; i++) {
  const row = data.${ctx.x}[i];
  if (!Array.isArray(row) || row.length !== ${D}) {
    problems.push(\`${ctx.x}[\${i}] should be an array of \${${D}}\`);
    continue;
  }
  for (let j = 0; j < ${D}; j++) {
    const v = row[j];
    if (v === null) {
      ${x}[i * ${D} + j] = Number.NaN;
      missing[i * ${D} + j] = 1;
    } else if (typeof v === 'number' && Number.isFinite(v)) ${x}[i * ${D} + j] = v;
    else problems.push(\`${ctx.x}[\${i}][\${j}] is \${JSON.stringify(v)}, expected a real number or null\`);
  }
}
`
}if (problems.length > 0) throw new Error(\`the data do not match the model:\\n  \${problems.join('\\n  ')}\`);`),
    `return { ${[...sizeNames.map((s) => s.name), `${ctx.x}${x === ctx.x ? '' : `: ${x}`}`, 'missing'].join(', ')} };`,
  ];
  return [
    {
      ...bound,
      properties: [
        { name: ctx.x, type: 'Float64Array', isReadonly: true, docs: [`shape [${N}, ${D}], NaN where missing`] },
        { name: 'missing', type: 'Uint8Array', isReadonly: true, docs: [`shape [${N}, ${D}], 1 where missing`] },
      ],
    },
    flat,
    {
      kind: 'interface',
      name: 'MStepSettings',
      properties: [
        { name: 'regCovar', type: 'number', isReadonly: true, docs: ['Added to covariance diagonals and variances.'] },
        { name: 'fixed', type: 'ReadonlySet<string>', isReadonly: true, docs: ['Params held at their values.'] },
      ],
    },
    {
      kind: 'interface',
      name: 'Work',
      docs: ['The patterns and the buffers of one fit, allocated once.'],
      properties: buffers.map((b) => ({ name: b.name, type: b.type, isReadonly: true, docs: [b.docs] })),
    },
    fn(ctx, {
      name: 'allocateWork',
      parameters: [{ name: 'bound', type: 'Bound' }],
      returnType: 'Work',
      body: allocBody,
    }),
    {
      kind: 'function',
      name: 'bind',
      docs: [
        'Binds data to the model: sizes from `given`, the data, then the declared defaults. Throws an Error listing the problems.',
      ],
      parameters: [
        { name: 'data', type: `${T}Data` },
        { name: 'given', type: `Partial<${T}Sizes>`, initializer: '{}' },
      ],
      returnType: 'Bound',
      statements: bindBody,
    },
  ];
}

/** The whole missing-gaussian fitter, in reading order, and the helpers it uses. */
export function lowerMissingGaussianFitter(
  program: MissingGaussianProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): { statements: readonly StatementStructure[]; helpers: ReadonlySet<string> } {
  const ctx = makeContext(program, schema, plan, source);
  const eStep = lowerEStep(ctx);
  const mStep = lowerMStep(ctx);
  const init = lowerInit(ctx);
  const api = lowerApi(ctx);
  const types = lowerTypes(ctx);
  const internals = lowerInternals(ctx);
  const conversions = lowerParamConversions(ctx.full);
  // `readNested` (which `flattenParams` uses) from the mixture's bind; the rows' own `bind` is above.
  const [readNested] = lowerBind(ctx.full);
  return {
    statements: [
      ...types,
      ...api,
      eStep,
      lowerNormalizeRow(),
      ...mStep,
      init,
      ...internals,
      readNested!,
      ...conversions,
    ],
    helpers: ctx.full.helpers,
  };
}
