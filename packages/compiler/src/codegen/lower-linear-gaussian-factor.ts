// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a linear-Gaussian fitter of the `factor` form (the runtime's
 * linear-gaussian/factor-model.ts, specialised): factor analysis (one noise sd per variable),
 * PPCA (one sd for all), and mixtures of factor analysers (a finite selector choosing the
 * loadings and the mean). The E-step works through the L × L matrix M = I + Wᵀ R⁻¹ W
 * (Woodbury and the determinant lemma), the M-step regresses x on the augmented regressor
 * (f, 1) and takes the noise from the expected residual scatter, the initial values come from
 * the leading eigenvectors of the sample covariance. The same floating-point operations in
 * the same order as the runtime, so that fits agree bit for bit. Handled: the prior
 * `f[n] ~ MvNormal(zeros(L), eye(L))`, diagonal or spherical noise shared by the states, and a
 * mixture whose loadings and means are both chosen by the selector; anything else is an E5001
 * (linear-gaussian-context.ts decides). `fit`, `logLik`, `posterior` and the public types are
 * lower-linear-gaussian-api.ts; the inlined numerics, lower-linear-gaussian-helpers.ts.
 */
import type { DataSchema, LinearGaussianFactorProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code, FunctionStructure, StatementStructure } from './fitter-source.js';
import {
  at,
  BPW,
  eStepName,
  type FactorContext,
  makeFactorContext,
  noiseSd,
  sizes,
} from './linear-gaussian-context.js';
import { lowerFactorApi, lowerFactorTypes } from './lower-linear-gaussian-api.js';
import { factorHelpers } from './lower-linear-gaussian-helpers.js';
import { lowerWork } from './lower-mixture-init.js';
import { lowerBind, lowerFlatTypes, lowerParamConversions } from './lower-mixture-types.js';
import { addWork, use } from './mixture-context.js';
import { lines } from './scale-mixture-context.js';

function addBuffers(ctx: FactorContext): void {
  const { N, D, L, K } = ctx;
  const p = `(${L} + 1)`;
  // the sizes as the model writes them, for the comments
  const n = {
    N: String(ctx.program.plate.size),
    D: ctx.names.D,
    L: ctx.names.L,
    K: String(ctx.program.mixture?.states ?? 1),
  };
  const buffers: [string, string, string][] = [
    [
      'ef',
      `${N} * ${K} * ${L}`,
      `shape [${n.N}, ${n.K}, ${n.L}]: E[${ctx.f}[n] | x[n]${ctx.z ? `, ${ctx.z} = k` : ''}]`,
    ],
    ['vf', `${K} * ${L} * ${L}`, `shape [${n.K}, ${n.L}, ${n.L}]: Cov[${ctx.f}[n] | x[n]] = M⁻¹, the same for every n`],
    ['variance', D, `shape [${n.D}]: the noise variances`],
    ['b', `${D} * ${L}`, `shape [${n.D}, ${n.L}]: R⁻¹ W`],
    ['lm', `${L} * ${L}`, `shape [${n.L}, ${n.L}]: the Cholesky factor of M = I + Wᵀ R⁻¹ W`],
    ['mMatrix', `${L} * ${L}`, `shape [${n.L}, ${n.L}]: M before factoring`],
    ['scratch', `Math.max(${D}, ${L})`, 'a column or an item’s solve'],
    ['resid', D, `shape [${n.D}]: x[n] − mu`],
    ['u', L, `shape [${n.L}]: Wᵀ R⁻¹ (x[n] − mu)`],
    ['syy', `${K} * ${D} * ${D}`, `shape [${n.K}, ${n.D}, ${n.D}]: Σ_n r E[x xᵀ]`],
    ['syz', `${K} * ${D} * ${p}`, `shape [${n.K}, ${n.D}, ${n.L} + 1]: Σ_n r x E[(f, 1)]ᵀ`],
    ['szz', `${K} * ${p} * ${p}`, `shape [${n.K}, ${n.L} + 1, ${n.L} + 1]: Σ_n r E[(f, 1)(f, 1)ᵀ]`],
    ['counts', K, `shape [${n.K}]: Σ_n r`],
  ];
  for (const [name, size, docs] of buffers) addWork(ctx.full, { name, size, docs, type: 'Float64Array' });
}

function lowerEStep(ctx: FactorContext): FunctionStructure {
  const { N, D, L, K, x, W, mu, sd } = ctx;
  const o = at(ctx);
  use(ctx.full, 'choleskySolves');
  const item: Code[] = lines(`
// q1 = rᵀ R⁻¹ r with r = x[n] − mu, u = Wᵀ R⁻¹ r, E[${ctx.f}[n] | x[n]] = M⁻¹ u, q2 = uᵀ M⁻¹ u
let q1 = 0;
for (let j = 0; j < ${D}; j++) {
  resid[j] = ${x}[n * ${D} + j]! - ${mu}[${o.mu}j]!;
  q1 += (resid[j]! * resid[j]!) / variance[j]!;
}
for (let a = 0; a < ${L}; a++) {
  let t = 0;
  for (let j = 0; j < ${D}; j++) t += b[j * ${L} + a]! * resid[j]!;
  u[a] = t;
  scratch[a] = t;
}
solveCholesky(lm, ${L}, scratch);
let q2 = 0;
for (let a = 0; a < ${L}; a++) q2 += u[a]! * scratch[a]!;
${ctx.z ? `resp[n * ${K} + k] = c0 - 0.5 * (q1 - q2);` : 'logLik += c0 - 0.5 * (q1 - q2);'}
for (let a = 0; a < ${L}; a++) ef[${o.ef('n')} + a] = scratch[a]!;`);
  const state: Code[] = [
    ...lines(`
// the noise variances v_i, log |R| = Σ_i log v_i, and B = R⁻¹ W
let logDetR = 0;
for (let i = 0; i < ${D}; i++) {
  const v = ${noiseSd(ctx, 'i')} * ${noiseSd(ctx, 'i')};
  variance[i] = v;
  logDetR += Math.log(v);
  for (let a = 0; a < ${L}; a++) b[i * ${L} + a] = ${W}[${o.W}i * ${L} + a]! / v;
}
// M = I + Wᵀ R⁻¹ W (${ctx.names.L} × ${ctx.names.L}) and its Cholesky factor
for (let a = 0; a < ${L}; a++)
  for (let c = 0; c < ${L}; c++) {
    let t = a === c ? 1 : 0;
    for (let i = 0; i < ${D}; i++) t += ${W}[${o.W}i * ${L} + a]! * b[i * ${L} + c]!;
    mMatrix[a * ${L} + c] = t;
  }
if (choleskyWithRidge(mMatrix, lm, ${L}, 1e-12) < 0) throw new Error('factor model: I + WᵀR⁻¹W is not positive definite');
let logDetM = 0;
for (let a = 0; a < ${L}; a++) logDetM += Math.log(lm[a * ${L} + a]!);
// log N(x; mu, W Wᵀ + R) = c0 − ½ (q1 − q2), with log |W Wᵀ + R| = log |R| + log |M|
const c0 = -0.5 * (${D} * LOG_2PI + logDetR + 2 * logDetM)${ctx.w ? ` + Math.log(${ctx.w}[k]!)` : ''};
// Cov[${ctx.f} | x] = M⁻¹: column a is M⁻¹ e_a
for (let a = 0; a < ${L}; a++) {
  scratch.fill(0, 0, ${L});
  scratch[a] = 1;
  solveCholesky(lm, ${L}, scratch);
  for (let c = 0; c < ${L}; c++) vf[${o.vf}c * ${L} + a] = scratch[c]!;
}`),
    `for (let n = 0; n < ${N}; n++) {`,
    item,
    '}',
  ];
  const normalise = lines(`
// responsibilities: r[n, k] = exp(log w_k + log N_k(x[n]) − log Σ_k' …)
for (let n = 0; n < ${N}; n++) {
  const row = n * ${K};
  let max = NEG_INF;
  for (let k = 0; k < ${K}; k++) max = Math.max(max, resp[row + k]!);
  let sum = 0;
  for (let k = 0; k < ${K}; k++) sum += Math.exp(resp[row + k]! - max);
  const lse = max + Math.log(sum);
  logLik += lse;
  for (let k = 0; k < ${K}; k++) resp[row + k] = Math.exp(resp[row + k]! - lse);
}`);
  const fields = [W, mu, sd, ...(ctx.w ? [ctx.w] : [])];
  return {
    kind: 'function',
    name: eStepName(ctx),
    docs: [
      `E-step for ${ctx.z ? `${ctx.z} and ` : ''}${ctx.f} (${ctx.program.strategy}): the posterior of ${ctx.f}[n] given x[n]${ctx.z ? ` and ${ctx.z}[n] = k` : ''} is Gaussian,`,
      `  Cov = M⁻¹, E = M⁻¹ Wᵀ R⁻¹ (x[n] − mu), M = I + Wᵀ R⁻¹ W (${ctx.names.L} × ${ctx.names.L}), R = diag(${ctx.form === 'diagonal' ? `${sd}²` : `${sd}² I`}),`,
      `and x[n] ~ N(mu, W Wᵀ + R) is evaluated through the same M (Woodbury, the determinant lemma): nothing ${ctx.names.D} × ${ctx.names.D} is inverted.`,
      ...(ctx.z ? [`${ctx.z}: responsibilities r[n, k] ∝ ${ctx.w}[k] N(x[n]; mu[k], W[k] W[k]ᵀ + R).`] : []),
      'Returns the observed-data log-likelihood.',
      `@param work.ef shape [${ctx.program.plate.size}${ctx.z ? `, ${K}` : ''}, ${ctx.names.L}], overwritten by the posterior means`,
    ],
    parameters: BPW,
    returnType: 'number',
    statements: [
      ...sizes(ctx),
      `const { ${fields.join(', ')} } = params;`,
      `const { ${ctx.z ? 'resp, ' : ''}ef, vf, variance, b, lm, mMatrix, scratch, resid, u } = work;`,
      'let logLik = 0;',
      ...(ctx.z ? [`for (let k = 0; k < ${K}; k++) {`, state, '}', ...normalise] : state),
      'return logLik;',
    ],
  };
}

function lowerAccumulate(ctx: FactorContext): FunctionStructure {
  const { N, D, L, K, x } = ctx;
  const o = at(ctx);
  const weight = ctx.z ? [`const w = resp[n * ${K} + k]!;`, 'if (w === 0) continue;', 'total += w;'] : ['total += 1;'];
  // where state k's statistics start (0 without a mixture)
  const base = ctx.z
    ? [`const st = k * ${D} * ${D};`, `const sz = k * ${D} * p;`, 'const sp = k * p * p;']
    : ['const st = 0;', 'const sz = 0;', 'const sp = 0;'];
  const body: Code[] = [
    ...base,
    `syy.fill(0, st, st + ${D} * ${D});`,
    `syz.fill(0, sz, sz + ${D} * p);`,
    'szz.fill(0, sp, sp + p * p);',
    'let total = 0;',
    `for (let n = 0; n < ${N}; n++) {`,
    [
      ...weight,
      `const row = n * ${D};`,
      `const e = ${o.ef('n')};`,
      `for (let a = 0; a < ${D}; a++) {`,
      [
        ctx.z ? `const wx = w * ${x}[row + a]!;` : `const wx = ${x}[row + a]!;`,
        `for (let c = 0; c <= a; c++) syy[st + a * ${D} + c]! += wx * ${x}[row + c]!;`,
        `for (let c = 0; c < ${L}; c++) syz[sz + a * p + c]! += wx * ef[e + c]!;`,
        `syz[sz + a * p + ${L}]! += wx;`,
      ],
      '}',
      `for (let a = 0; a < ${L}; a++) {`,
      [
        ctx.z ? 'const wf = w * ef[e + a]!;' : 'const wf = ef[e + a]!;',
        'for (let c = 0; c <= a; c++) szz[sp + a * p + c]! += wf * ef[e + c]!;',
        `szz[sp + ${L} * p + a]! += wf;`,
      ],
      '}',
    ],
    '}',
    `counts[${ctx.z ? 'k' : '0'}] = total;`,
    `szz[sp + ${L} * p + ${L}] = total;`,
    '// E[f fᵀ] = E[f] E[f]ᵀ + Cov[f]',
    `for (let a = 0; a < ${L}; a++) for (let c = 0; c <= a; c++) szz[sp + a * p + c]! += total * vf[${o.vf}a * ${L} + c]!;`,
    `for (let a = 0; a < ${D}; a++) for (let c = 0; c < a; c++) syy[st + c * ${D} + a] = syy[st + a * ${D} + c]!;`,
    'for (let a = 0; a < p; a++) for (let c = 0; c < a; c++) szz[sp + c * p + a] = szz[sp + a * p + c]!;',
  ];
  return {
    kind: 'function',
    name: 'accumulateStats',
    docs: [
      `The expected sufficient statistics of x on the augmented regressor (${ctx.f}, 1)${ctx.z ? ' per state, weighted by the responsibilities' : ''}:`,
      `  syy = Σ_n r x xᵀ, syz = Σ_n r x E[(${ctx.f}, 1)]ᵀ, szz = Σ_n r (E[(${ctx.f}, 1)] E[(${ctx.f}, 1)]ᵀ + Cov), counts = Σ_n r.`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'void',
    statements: [
      ...sizes(ctx),
      `const { ${ctx.z ? 'resp, ' : ''}ef, vf, syy, syz, szz, counts } = work;`,
      `const p = ${L} + 1;`,
      ...(ctx.z ? [`for (let k = 0; k < ${K}; k++) {`, body, '}'] : body),
    ],
  };
}

function lowerMStep(ctx: FactorContext): FunctionStructure {
  const { N, D, L, K, W, mu, sd } = ctx;
  const fields = [W, mu, sd, ...(ctx.w ? [ctx.w] : [])];
  const noise =
    ctx.form === 'diagonal'
      ? lines(`
// ${sd}_i = sqrt(S_ii / Σ r), never below the floor regCovar
for (let i = 0; i < ${D}; i++) {
  const v = scatter[i * ${D} + i]! / weight;
  if (!(v >= floor)) isFloored = true;
  ${sd}[i] = Math.sqrt(Math.max(v, floor));
}`)
      : lines(`
// ${sd} = sqrt(tr S / (D Σ r)), never below the floor regCovar
let t = 0;
for (let i = 0; i < ${D}; i++) t += scatter[i * ${D} + i]!;
const v = t / (${D} * weight);
${sd}[0] = Math.sqrt(Math.max(v, floor));
isFloored = !(v >= floor);`);
  const term = (k: string) => `termMatrix(bound, params${ctx.z ? `, ${k}` : ''})`;
  const regress: Code[] = ctx.z
    ? [
        `for (let k = 0; k < ${K}; k++) {`,
        [
          'if (!alive[k]) continue;',
          `const z = ${term('k')};`,
          `regressFreeColumns(stats(k), z, free, ${D}, p);`,
          'writeTermMatrix(bound, params, settings, z, k);',
        ],
        '}',
      ]
    : [
        'if (free.some((f) => f)) {',
        [
          `const z = ${term('0')};`,
          `regressFreeColumns(stats(0), z, free, ${D}, p);`,
          'writeTermMatrix(bound, params, settings, z);',
        ],
        '}',
      ];
  return {
    kind: 'function',
    name: 'mStep',
    docs: [
      `M-step (closed form). With Z = [${W} ${mu}] (${ctx.names.D} × (${ctx.names.L} + 1)) the free columns are a regression given the fixed ones:`,
      `  Z_F = (syz_F − Z_K szz_KF) szz_FF⁻¹   (both free: [${W} ${mu}] = syz szz⁻¹)${ctx.z ? `, per state of ${ctx.z}` : ''},`,
      `then the noise from the expected residual scatter at the new Z, S = syy − syz Zᵀ − Z syzᵀ + Z szz Zᵀ${ctx.z ? ' (summed over the states)' : ''}:`,
      ctx.form === 'diagonal' ? `  ${sd}_i² = S_ii / Σ r` : `  ${sd}² = tr S / (${ctx.names.D} Σ r)`,
      ...(ctx.w ? [`${ctx.w}[k] = Σ_n r[n, k] / ${N}.`] : []),
      'The regression does not depend on the noise (common regressors), so this is the exact joint maximiser.',
    ],
    parameters: [
      ...BPW,
      { name: 'ctx', type: use(ctx.full, 'EmStepContext') },
      { name: 'settings', type: 'MStepSettings' },
    ],
    returnType: 'void',
    statements: [
      ...sizes(ctx),
      `const { ${fields.join(', ')} } = params;`,
      'const { syy, syz, szz, counts } = work;',
      `const p = ${L} + 1;`,
      `const stats = (k: number): TermStats => ({`,
      [
        `syy: syy.subarray(k * ${D} * ${D}, (k + 1) * ${D} * ${D}),`,
        `syz: syz.subarray(k * ${D} * p, (k + 1) * ${D} * p),`,
        'szz: szz.subarray(k * p * p, (k + 1) * p * p),',
        'n: counts[k]!,',
      ],
      '});',
      '// states with (nearly) no items keep their params: their statistics determine nothing',
      `const alive = Array.from(counts, (n) => n > 1e-8 * ${N});`,
      'if (alive.some((a) => !a)) ctx.warn(`iteration ${ctx.iteration}: a component has no items; its params are kept`);',
      ...(ctx.w
        ? [`if (!settings.fixed.has('${ctx.w}')) for (let k = 0; k < ${K}; k++) ${ctx.w}[k] = counts[k]! / ${N};`]
        : []),
      `const free = [...Array.from({ length: ${L} }, () => !settings.fixed.has('${W}')), !settings.fixed.has('${mu}')];`,
      ...regress,
      `if (!settings.fixed.has('${sd}')) {`,
      [
        `const scatter = new Float64Array(${D} * ${D});`,
        'let weight = 0;',
        'const floor = settings.regCovar;',
        ...(ctx.z
          ? [
              `for (let k = 0; k < ${K}; k++) {`,
              [
                'if (!alive[k]) continue;',
                `addResidualScatter(stats(k), ${term('k')}, scatter, ${D}, p);`,
                'weight += counts[k]!;',
              ],
              '}',
            ]
          : [
              'if (alive[0]) {',
              [`addResidualScatter(stats(0), ${term('0')}, scatter, ${D}, p);`, 'weight += counts[0]!;'],
              '}',
            ]),
        'let isFloored = false;',
        ...noise,
        'if (isFloored) floored(ctx, floor);',
      ],
      '}',
    ],
  };
}

function lowerTermMatrix(ctx: FactorContext): FunctionStructure[] {
  const { D, L, W, mu } = ctx;
  const o = at(ctx);
  return [
    {
      kind: 'function',
      name: 'termMatrix',
      docs: [`Z = [${W} ${mu}]${ctx.z ? ' of state k' : ''}, shape [${ctx.names.D}, ${ctx.names.L} + 1].`],
      parameters: [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        ...(ctx.z ? [{ name: 'k', type: 'number' }] : []),
      ],
      returnType: 'Float64Array',
      statements: [
        ...sizes(ctx),
        `const p = ${L} + 1;`,
        `const z = new Float64Array(${D} * p);`,
        `for (let i = 0; i < ${D}; i++) {`,
        [
          `for (let j = 0; j < ${L}; j++) z[i * p + j] = params.${W}[${o.W}i * ${L} + j]!;`,
          `z[i * p + ${L}] = params.${mu}[${o.mu}i]!;`,
        ],
        '}',
        'return z;',
      ],
    },
    {
      kind: 'function',
      name: 'writeTermMatrix',
      docs: [`Writes the free parts of an updated Z = [${W} ${mu}] back into the params${ctx.z ? ' of state k' : ''}.`],
      parameters: [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'settings', type: 'MStepSettings' },
        { name: 'z', type: 'Float64Array' },
        ...(ctx.z ? [{ name: 'k', type: 'number' }] : []),
      ],
      returnType: 'void',
      statements: [
        ...sizes(ctx),
        `const p = ${L} + 1;`,
        `if (!settings.fixed.has('${W}'))`,
        [
          `for (let i = 0; i < ${D}; i++) for (let j = 0; j < ${L}; j++) params.${W}[${o.W}i * ${L} + j] = z[i * p + j]!;`,
        ],
        `if (!settings.fixed.has('${mu}')) for (let i = 0; i < ${D}; i++) params.${mu}[${o.mu}i] = z[i * p + ${L}]!;`,
      ],
    },
  ];
}

function lowerInitialize(ctx: FactorContext): FunctionStructure {
  const { N, D, L, K, x, W, mu, sd } = ctx;
  const noise =
    ctx.form === 'diagonal'
      ? `for (let i = 0; i < ${D}; i++) ${sd}[i] = Math.sqrt(unexplained(c.cov, loadings, ${D}, ${L}, i));`
      : `${sd}[0] = Math.sqrt(sigma2);`;
  const fields = [W, mu, sd, ...(ctx.w ? [ctx.w] : [])];
  const mixture: Code[] = ctx.z
    ? [
        '// cluster memberships: the nearest k-means++ seed',
        `const member = new Int32Array(${N});`,
        `if (${K} > 1) {`,
        [
          `const seeds = ${use(ctx.full, 'kmeansPlusPlus')}(${x}, ${N}, ${D}, ${K}, ctx.rng);`,
          `for (let i = 0; i < ${N}; i++) {`,
          [
            'let best = 0;',
            'let bestDist = Number.POSITIVE_INFINITY;',
            'seeds.forEach((s, k) => {',
            [
              'let dist = 0;',
              `for (let a = 0; a < ${D}; a++) dist += (${x}[i * ${D} + a]! - ${x}[s * ${D} + a]!) ** 2;`,
              'if (dist < bestDist) {',
              ['bestDist = dist;', 'best = k;'],
              '}',
            ],
            '});',
            'member[i] = best;',
          ],
          '}',
        ],
        '}',
        `const clusters = Array.from({ length: ${K} }, (_, k) => {`,
        [
          `const c = moments(${x}, ${D}, ${N}, (i) => (member[i] === k ? 1 : 0));`,
          'return c.total >= 2 ? c : { ...global, total: Math.max(c.total, 1) };',
        ],
        '});',
        `for (let k = 0; k < ${K}; k++) ${ctx.w}[k] = clusters[k]!.total / clusters.reduce((s, c) => s + c.total, 0);`,
        `for (let k = 0; k < ${K}; k++) {`,
        [
          '// each state its own loadings from its cluster (each draw jitters them)',
          'const c = clusters[k]!;',
          `const { w: loadings, sigma2 } = leadingLoadings(c.cov, ${D}, ${L}, ctx.rng);`,
          `${W}.set(loadings, k * ${D} * ${L});`,
          `${mu}.set(c.mean, k * ${D});`,
          'if (k === 0) {',
          [noise],
          '}',
        ],
        '}',
      ]
    : [
        'const c = global;',
        `const { w: loadings, sigma2 } = leadingLoadings(c.cov, ${D}, ${L}, ctx.rng);`,
        `${W}.set(loadings);`,
        `${mu}.set(global.mean);`,
        noise,
      ];
  return {
    kind: 'function',
    name: 'initialize',
    docs: [
      `Starting values from the data's moments: ${W} = U_L (Λ_L − σ² I)^½ from the leading eigenvectors of the sample covariance`,
      `(σ² the mean of the other eigenvalues), jittered by the run's stream; ${mu} the mean; the noise what ${W} leaves unexplained.`,
      ...(ctx.z ? [`${ctx.z}: k-means++ seeds, each state from the moments of its nearest points.`] : []),
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'ctx', type: 'EmStepContext' },
    ],
    returnType: 'Flat',
    statements: [
      ...sizes(ctx),
      'const params = allocateParams(bound);',
      `const { ${fields.join(', ')} } = params;`,
      `const global = moments(${x}, ${D}, ${N}, () => 1);`,
      ...mixture,
      'return params;',
    ],
  };
}

/** The whole factor fitter, in reading order, and the helpers it uses. */
export function lowerLinearGaussianFactorFitter(
  program: LinearGaussianFactorProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): { statements: readonly StatementStructure[]; helpers: ReadonlySet<string> } {
  const ctx = makeFactorContext(program, schema, plan, source);
  addBuffers(ctx);
  for (const helper of ['cholesky', 'sampleStdNormal', 'RandomStream', 'EmStepContext']) use(ctx.full, helper);
  const eStep = lowerEStep(ctx);
  const accumulate = lowerAccumulate(ctx);
  const mStep = lowerMStep(ctx);
  const terms = lowerTermMatrix(ctx);
  const init = lowerInitialize(ctx);
  const api = lowerFactorApi(ctx);
  const types = lowerFactorTypes(ctx);
  const [readNested, bind] = lowerBind(ctx.full);
  const constants: StatementStructure[] = [
    { kind: 'variable', declarationKind: 'const', name: 'LOG_2PI', initializer: 'Math.log(2 * Math.PI)' },
    { kind: 'variable', declarationKind: 'const', name: 'NEG_INF', initializer: 'Number.NEGATIVE_INFINITY' },
  ];
  return {
    statements: [
      ...constants,
      ...types,
      ...api,
      eStep,
      accumulate,
      mStep,
      ...terms,
      init,
      ...factorHelpers(),
      ...lowerFlatTypes(ctx.full),
      ...lowerWork(ctx.full),
      readNested!,
      bind!,
      ...lowerParamConversions(ctx.full),
    ],
    helpers: ctx.full.helpers,
  };
}
