// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the steps of a mean-field (LDA) fitter — the runtime's mean-field/lda-model.ts,
 * lda-m-step.ts and fit-mean-field.ts, specialised to the model's names: the coordinate updates
 * of q(z) and q(theta) per document, the E-step with the exact ELBO and the M-step's statistics,
 * the closed-form topic–word M-step, Newton's method for a concentration param, and the
 * initialisation from random documents. The same floating-point operations in the same order
 * as the runtime, so that fits agree bit for bit.
 */
import type { FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { lines, localName, type MeanFieldContext, pick, sizesUsed } from './mean-field-context.js';
import { use } from './mixture-context.js';

/** `eStepThetaZ`: named after the latents. */
export function meanFieldEStepName(ctx: MeanFieldContext): string {
  return `eStep${ctx.capTheta}${ctx.capZ}`;
}

function fn(
  ctx: MeanFieldContext,
  name: string,
  docs: string[],
  parameters: { name: string; type: string }[],
  returnType: string,
  prelude: string[],
  body: string[],
): FunctionStructure {
  return {
    kind: 'function',
    name,
    docs,
    parameters,
    returnType,
    statements: [...sizesUsed(ctx, [...prelude, ...body]), ...prelude, ...body],
  };
}

export function lowerMeanFieldSteps(ctx: MeanFieldContext): StatementStructure[] {
  const { D, K, V, names, topics, capTheta, capZ } = ctx;
  const digamma = use(ctx.full, 'digamma');
  const lgamma = use(ctx.full, 'lgamma');
  const { theta, z, w } = names;
  const a = names.alpha ?? 'α';
  const t = names.topics;
  const constants: StatementStructure = {
    kind: 'raw',
    name: 'inner',
    text: `/** A document's coordinate ascent stops when no γ_dk moves by more than INNER_TOL, or after INNER_MAX sweeps. */
const INNER_TOL = 1e-6;
const INNER_MAX = 2000;`,
  };
  const elogTheta = fn(
    ctx,
    `elog${capTheta}`,
    [`E_k = E_q[log ${theta}[d][k]] = ψ(γ_dk) − ψ(Σ_j γ_dj) for the document whose γ starts at \`at\`, into \`out\`.`],
    [
      { name: 'gamma', type: 'Float64Array' },
      { name: 'at', type: 'number' },
      { name: 'out', type: 'Float64Array' },
    ],
    'void',
    [],
    lines(`
const n = out.length;
let sum = 0;
for (let k = 0; k < n; k++) sum += gamma[at + k]!;
const psiSum = ${digamma}(sum);
for (let k = 0; k < n; k++) out[k] = ${digamma}(gamma[at + k]!) - psiSum;`),
  );
  const updateZ = fn(
    ctx,
    `update${capZ}`,
    [
      `${z}: q(${z}[d][i]) = Categorical(φ_di) with φ_dik ∝ ${t}[k][${w}[d][i]] exp(E_dk), by log-sum-exp, for the`,
      'distinct-word entry e of document d (every occurrence of the word shares it).',
    ],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'work', type: 'Work' },
      { name: 'e', type: 'number' },
    ],
    'void',
    ['const { phi, logBeta, elog } = work;'],
    lines(`
const v = bound.word[e]!;
let max = Number.NEGATIVE_INFINITY;
for (let k = 0; k < ${K}; k++) {
  const s = logBeta[k * ${V} + v]! + elog[k]!;
  phi[e * ${K} + k] = s;
  if (s > max) max = s;
}
let total = 0;
for (let k = 0; k < ${K}; k++) {
  const p = Math.exp(phi[e * ${K} + k]! - max);
  phi[e * ${K} + k] = p;
  total += p;
}
for (let k = 0; k < ${K}; k++) phi[e * ${K} + k]! /= total;`),
  );
  const updateThetaZ = fn(
    ctx,
    `update${capTheta}${capZ}`,
    [
      `Coordinate ascent for document d, from γ_d = ${a} + N_d / K until no γ_dk moves by INNER_TOL (each update raises`,
      "the document's ELBO):",
      `  ${z}:     φ_dik ∝ ${t}[k][${w}[d][i]] exp(ψ(γ_dk) − ψ(Σ_j γ_dj))   (update${capZ})`,
      `  ${theta}: γ_dk = ${a}_k + Σ_i φ_dik`,
      'Leaves γ_d, φ_d and `elog` = E_d at the final γ_d.',
    ],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'alpha', type: 'Float64Array' },
      { name: 'work', type: 'Work' },
      { name: 'd', type: 'number' },
    ],
    'void',
    ['const { docStart, count } = bound;', 'const { gamma, phi, next, elog } = work;'],
    lines(`
const at = d * ${K};
let length = 0;
for (let e = docStart[d]!; e < docStart[d + 1]!; e++) length += count[e]!;
for (let k = 0; k < ${K}; k++) gamma[at + k] = alpha[k]! + length / ${K};
for (let sweep = 0; sweep < INNER_MAX; sweep++) {
  elog${capTheta}(gamma, at, elog);
  next.set(alpha);
  for (let e = docStart[d]!; e < docStart[d + 1]!; e++) {
    update${capZ}(bound, work, e);
    const c = count[e]!;
    for (let k = 0; k < ${K}; k++) next[k]! += c * phi[e * ${K} + k]!;
  }
  let change = 0;
  for (let k = 0; k < ${K}; k++) {
    change = Math.max(change, Math.abs(next[k]! - gamma[at + k]!));
    gamma[at + k] = next[k]!;
  }
  if (change < INNER_TOL) break;
}
elog${capTheta}(gamma, at, elog);`),
  );
  const eStep = fn(
    ctx,
    meanFieldEStepName(ctx),
    [
      `E-step (mean-field; Blei, Ng & Jordan 2003, §5.2) at the params: per document d, q(${theta}[d]) = Dirichlet(γ_d) and`,
      `q(${z}[d][i]) = Categorical(φ_di) by coordinate ascent (update${capTheta}${capZ}), then the exact ELBO`,
      `  ELBO_d = lgamma(Σ${a}) − Σ lgamma(${a}_k) + Σ (${a}_k − 1) E_dk + Σ_i Σ_k φ_dik (E_dk + log ${t}[k][${w}[d][i]] − log φ_dik)`,
      '         − lgamma(Σγ_d) + Σ lgamma(γ_dk) − Σ (γ_dk − 1) E_dk,   E_dk = ψ(γ_dk) − ψ(Σ_j γ_dj),',
      `and the M-step's statistics: the expected topic–word counts Σ φ_dik [${w}[d][i] = v] and Σ_d E_dk.`,
      'Returns the ELBO (−Infinity for NaN).',
    ],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    'number',
    [
      'const { docStart, word, count } = bound;',
      `const { ${pick(t)} } = params;`,
      `const alpha = ${ctx.alphaAt};`,
      'const { logBeta, gamma, phi, counts, sumElogTheta, elog } = work;',
    ],
    lines(`
for (let j = 0; j < ${K} * ${V}; j++) logBeta[j] = Math.log(${topics}[j]!);
counts.fill(0);
sumElogTheta.fill(0);
let alphaSum = 0;
let lgammaAlpha = 0;
for (let k = 0; k < ${K}; k++) {
  alphaSum += alpha[k]!;
  lgammaAlpha += ${lgamma}(alpha[k]!);
}
const prior = ${lgamma}(alphaSum) - lgammaAlpha;
let elbo = 0;
for (let d = 0; d < ${D}; d++) {
  update${capTheta}${capZ}(bound, alpha, work, d);
  const at = d * ${K};
  let gammaSum = 0;
  let doc = prior;
  for (let k = 0; k < ${K}; k++) {
    const g = gamma[at + k]!;
    gammaSum += g;
    doc += (alpha[k]! - 1) * elog[k]! + ${lgamma}(g) - (g - 1) * elog[k]!;
    sumElogTheta[k]! += elog[k]!;
  }
  doc -= ${lgamma}(gammaSum);
  for (let e = docStart[d]!; e < docStart[d + 1]!; e++) {
    const c = count[e]!;
    const v = word[e]!;
    for (let k = 0; k < ${K}; k++) {
      const p = phi[e * ${K} + k]!;
      if (p === 0) continue;
      doc += c * p * (elog[k]! + logBeta[k * ${V} + v]! - Math.log(p));
      counts[k * ${V} + v]! += c * p;
    }
  }
  elbo += doc;
}
return Number.isNaN(elbo) ? Number.NEGATIVE_INFINITY : elbo;`),
  );
  return [eStep, updateThetaZ, updateZ, elogTheta, constants, ...lowerMStep(ctx)];
}

function lowerMStep(ctx: MeanFieldContext): StatementStructure[] {
  const { D, K, V, names, topics } = ctx;
  const t = names.topics;
  const ctxType = use(ctx.full, 'EmStepContext');
  const firstTime = use(ctx.full, 'firstTime');
  const alphaParam = ctx.program.alpha.kind === 'param' ? ctx.program.alpha.name : undefined;
  const out: StatementStructure[] = [];
  out.push(
    fn(
      ctx,
      'mStep',
      [
        `M-step from the E-step's statistics: ${t}, then ${alphaParam ?? 'nothing else (the concentration is known)'}${alphaParam ? ' by Newton steps' : ''}; held (fixed) params keep their values.`,
      ],
      [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'work', type: 'Work' },
        { name: 'ctx', type: ctxType },
        { name: 'fixed', type: 'ReadonlySet<string>' },
      ],
      'void',
      [],
      [
        `if (!fixed.has('${t}')) update${capital(t)}(bound, params, work, ctx);`,
        ...(alphaParam
          ? [`if (!fixed.has('${alphaParam}')) update${capital(alphaParam)}(bound, params.${alphaParam}, work);`]
          : []),
      ],
    ),
  );
  out.push(
    fn(
      ctx,
      `update${capital(t)}`,
      [
        `${t}[k][v] = n_kv / Σ_v n_kv with n_kv = Σ_d Σ_i φ_dik [${names.w}[d][i] = v] (normalised expected counts: the exact`,
        'maximiser of the ELBO in it). A topic without expected words keeps its distribution (with a warning, once per run).',
      ],
      [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'work', type: 'Work' },
        { name: 'ctx', type: ctxType },
      ],
      'void',
      [`const { ${pick(t)} } = params;`, 'const { counts } = work;'],
      lines(`
for (let k = 0; k < ${K}; k++) {
  let total = 0;
  for (let v = 0; v < ${V}; v++) total += counts[k * ${V} + v]!;
  if (!(total > 0)) {
    if (${firstTime}(ctx.rng, \`empty:\${k}\`))
      ctx.warn(
        \`iteration \${ctx.iteration}: topic \${k} has no expected words: it keeps its distribution; lower the number of topics\`,
      );
    continue;
  }
  for (let v = 0; v < ${V}; v++) ${topics}[k * ${V} + v] = counts[k * ${V} + v]! / total;
}`),
    ),
  );
  if (alphaParam) {
    const lgamma = use(ctx.full, 'lgamma');
    const digamma = use(ctx.full, 'digamma');
    const trigamma = use(ctx.full, 'trigamma');
    out.push(
      fn(
        ctx,
        `${localName(alphaParam)}Objective`,
        [
          `The ${alphaParam} part of the ELBO: L(${alphaParam}) = D (lgamma(Σ${alphaParam}) − Σ lgamma(${alphaParam}_k)) + Σ_k (${alphaParam}_k − 1) S_k,  S_k = Σ_d E_dk.`,
        ],
        [
          { name: 'alpha', type: 'Float64Array' },
          { name: 'sumElog', type: 'Float64Array' },
          { name: 'n', type: 'number' },
        ],
        'number',
        [],
        lines(`
let sum = 0;
let value = 0;
for (let k = 0; k < alpha.length; k++) {
  sum += alpha[k]!;
  value += -n * ${lgamma}(alpha[k]!) + (alpha[k]! - 1) * sumElog[k]!;
}
return value + n * ${lgamma}(sum);`),
      ),
    );
    out.push(
      fn(
        ctx,
        `update${capital(alphaParam)}`,
        [
          `${alphaParam} by Newton's method on the concave L(${alphaParam}) (Blei, Ng & Jordan 2003, A.4.2; Minka 2000): the Hessian`,
          `diag(−D ψ'(${alphaParam}_k)) + D ψ'(Σ${alphaParam}) 11ᵀ makes a step O(K),`,
          `  ${alphaParam}_k ← ${alphaParam}_k − s (g_k − c) / h_k,  g_k = D (ψ(Σ${alphaParam}) − ψ(${alphaParam}_k)) + S_k,  h_k = −D ψ'(${alphaParam}_k),`,
          "  c = Σ_k (g_k / h_k) / (1 / (D ψ'(Σα)) + Σ_k 1 / h_k),",
          `the step s halved until ${alphaParam} stays positive and L does not decrease (so the ELBO never decreases).`,
        ],
        [
          { name: 'bound', type: 'Bound' },
          { name: 'alpha', type: 'Float64Array' },
          { name: 'work', type: 'Work' },
        ],
        'void',
        ['const { sumElogTheta: sumElog, g, h, trial } = work;'],
        lines(`
let current = ${localName(alphaParam)}Objective(alpha, sumElog, ${D});
for (let step = 0; step < 100; step++) {
  let sum = 0;
  for (let k = 0; k < ${K}; k++) sum += alpha[k]!;
  const zz = ${D} * ${trigamma}(sum);
  let gh = 0;
  let hInv = 0;
  for (let k = 0; k < ${K}; k++) {
    g[k] = ${D} * (${digamma}(sum) - ${digamma}(alpha[k]!)) + sumElog[k]!;
    h[k] = -${D} * ${trigamma}(alpha[k]!);
    gh += g[k]! / h[k]!;
    hInv += 1 / h[k]!;
  }
  const c = gh / (1 / zz + hInv);
  let scale = 1;
  let accepted = false;
  for (let halving = 0; halving < 60; halving++) {
    let ok = true;
    for (let k = 0; k < ${K}; k++) {
      trial[k] = alpha[k]! - (scale * (g[k]! - c)) / h[k]!;
      if (!(trial[k]! > 0)) ok = false;
    }
    if (ok) {
      const value = ${localName(alphaParam)}Objective(trial, sumElog, ${D});
      if (value >= current) {
        const gain = value - current;
        alpha.set(trial);
        current = value;
        accepted = true;
        if (gain <= 1e-12 * Math.max(1, Math.abs(value))) return;
        break;
      }
    }
    scale /= 2;
  }
  if (!accepted) return;
}`),
      ),
    );
  }
  // Initialisation.
  out.push(
    fn(
      ctx,
      'initialize',
      [
        `First params of a run: each topic's ${t}[k] from one random document's word counts plus 0.1 per word, normalised`,
        `${alphaParam ? `, ${alphaParam} = 1` : ''}; given values override (init and fixed).`,
      ],
      [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'ctx', type: ctxType },
        { name: 'given', type: 'Partial<Flat>' },
      ],
      'Flat',
      ['const { docStart, word, count } = bound;', `const { ${pick(t)} } = params;`],
      lines(`
for (let k = 0; k < ${K}; k++) {
  const d = ctx.rng.uniformInt(${D});
  for (let v = 0; v < ${V}; v++) ${topics}[k * ${V} + v] = 0.1;
  for (let e = docStart[d]!; e < docStart[d + 1]!; e++) ${topics}[k * ${V} + word[e]!]! += count[e]!;
  let total = 0;
  for (let v = 0; v < ${V}; v++) total += ${topics}[k * ${V} + v]!;
  for (let v = 0; v < ${V}; v++) ${topics}[k * ${V} + v]! /= total;
}${alphaParam ? `\nparams.${alphaParam}.fill(1);` : ''}
loadParams(params, given);
return copyParams(params);`),
    ),
  );
  return out;
}

function capital(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The `Work` interface and `allocateWork`: every buffer of one fit, allocated once. */
export function lowerMeanFieldWork(ctx: MeanFieldContext): [InterfaceStructure, FunctionStructure] {
  const { D, K, V, names } = ctx;
  const alphaParam = ctx.program.alpha.kind === 'param';
  const buffers = [
    { name: 'logBeta', size: `${K} * ${V}`, docs: `shape [${K}, ${V}]: log ${names.topics}` },
    { name: 'gamma', size: `${D} * ${K}`, docs: `shape [${D}, ${K}]: q(${names.theta}[d]) = Dirichlet(γ_d)` },
    {
      name: 'phi',
      size: `bound.word.length * ${K}`,
      docs: `shape [entries, ${K}]: q(${names.z}) per distinct (document, word) entry`,
    },
    { name: 'counts', size: `${K} * ${V}`, docs: `shape [${K}, ${V}]: expected topic–word counts` },
    { name: 'sumElogTheta', size: K, docs: `shape [${K}]: Σ_d E_q[log ${names.theta}[d][k]]` },
    { name: 'elog', size: K, docs: `shape [${K}]: E_q[log ${names.theta}[d][k]] of the current document` },
    { name: 'next', size: K, docs: `shape [${K}]: the next γ_d` },
    ...(alphaParam
      ? [
          { name: 'g', size: K, docs: `shape [${K}]: the gradient of L(α)` },
          { name: 'h', size: K, docs: `shape [${K}]: the diagonal of its Hessian` },
          { name: 'trial', size: K, docs: `shape [${K}]: a trial α` },
        ]
      : []),
  ];
  const body = [`return { ${buffers.map((b) => `${b.name}: new Float64Array(${b.size})`).join(', ')} };`];
  return [
    {
      kind: 'interface',
      name: 'Work',
      docs: ['The buffers of one fit, allocated once.'],
      properties: buffers.map((b) => ({ name: b.name, type: 'Float64Array', isReadonly: true, docs: [b.docs] })),
    },
    {
      kind: 'function',
      name: 'allocateWork',
      parameters: [{ name: 'bound', type: 'Bound' }],
      returnType: 'Work',
      statements: [...sizesUsed(ctx, body), ...body],
    },
  ];
}
