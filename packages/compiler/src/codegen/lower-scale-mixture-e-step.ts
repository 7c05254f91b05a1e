// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the E-step of a scale-mixture fitter (the runtime's scale-mixture-e-step.ts, specialised):
 * the mixing Gammas from ν, the factoring of the scales, and one pass over the items giving the
 * joint log densities, E[u | x, k] (and E[log u | x, k] when ν is a param), normalised into
 * responsibilities. The same floating-point operations in the same order as the runtime, so
 * that fits agree bit for bit.
 */
import type { KnownValue } from '@emforge/runtime';
import type { FunctionStructure, InterfaceStructure } from './fitter-source.js';
import { use } from './mixture-context.js';
import { cap, lines, pick, type ScaleMixtureContext, sizesUsed } from './scale-mixture-context.js';

/** `eStepZU`, `eStepU`: named after the latents the E-step averages over. */
export function scaleEStepName(ctx: ScaleMixtureContext): string {
  return `eStep${ctx.z ? cap(ctx.z) : ''}${cap(ctx.u)}`;
}

/** A known Gamma argument of component k as an expression (`nu[k]! * 0.5`). */
function known(ctx: ScaleMixtureContext, v: KnownValue): string {
  if (v.kind === 'constant') return String(v.value);
  const from = v.kind === 'param' ? `params.${ctx.names.nu}` : `bound.${v.name}`;
  return `${from}[${v.perComponent ? 'k' : '0'}]! * ${v.factor}`;
}

/** `setMixing`: the Gamma(α_k, β_k) of u per component and the t density's constants. */
export function lowerSetMixing(ctx: ScaleMixtureContext): FunctionStructure {
  const lgamma = use(ctx.full, 'lgamma');
  const { program } = ctx;
  const body = lines(`
for (let k = 0; k < ${ctx.K}; k++) {
  alpha[k] = ${known(ctx, program.shape)};
  beta[k] = ${known(ctx, program.rate)};
  logConst[k] = ${lgamma}(alpha[k]! + ${ctx.D} / 2) - ${lgamma}(alpha[k]!) - (${ctx.D} / 2) * Math.log(2 * Math.PI * beta[k]!);
}`);
  return {
    kind: 'function',
    name: 'setMixing',
    docs: [
      `${ctx.u}[${program.plate.index}] ~ Gamma(α_k, β_k): α = ${describe(program.shape)}, β = ${describe(program.rate)} per component k,`,
      'and the constant of the marginal t density, lgamma(α + D/2) − lgamma(α) − (D/2) log(2πβ).',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      ...(ctx.nu ? [{ name: 'params', type: 'Flat' }] : []),
      { name: 'work', type: 'Work' },
    ],
    returnType: 'void',
    statements: [...sizesUsed(ctx, body), 'const { alpha, beta, logConst } = work;', ...body],
  };
}

function describe(v: KnownValue): string {
  if (v.kind === 'constant') return String(v.value);
  return `${v.factor === 0.5 ? '' : `${v.factor} × `}${v.name}${v.perComponent ? '[k]' : ''}${v.factor === 0.5 ? ' / 2' : ''}`;
}

/** The E-step: factors, joint log densities with E[u] (and E[log u]), then log-sum-exp. */
export function lowerScaleEStep(ctx: ScaleMixtureContext): FunctionStructure[] {
  const { mu, sigma, x, D, K, N, mv } = ctx;
  const cholesky = use(ctx.full, 'cholesky');
  const normalize = use(ctx.full, 'normalizeResponsibilities');
  const sigmaAt = ctx.program.scale.perComponent ? 'k' : '0';
  const muAt = ctx.program.location.perComponent ? 'k' : '0';
  const factorBody = mv
    ? lines(`
const size = ${D} * ${D};
for (let k = 0; k < ${K}; k++) {
  const l = chol.subarray(k * size, (k + 1) * size);
  for (let j = 0; j < size; j++) l[j] = ${sigma}[${sigmaAt} * size + j]!;
  if (!${cholesky}(l, ${D})) {
    logDet[k] = Number.NaN;
    continue;
  }
  // log |${sigma}| = 2 Σ log L_jj
  let s = 0;
  for (let j = 0; j < ${D}; j++) s += Math.log(l[j * ${D} + j]!);
  logDet[k] = 2 * s;
}`)
    : lines(`
for (let k = 0; k < ${K}; k++) {
  const sd = ${sigma}[${sigmaAt}]!;
  chol[k] = sd;
  logDet[k] = sd > 0 && Number.isFinite(sd) ? 2 * Math.log(sd) : Number.NaN;
}`);
  const factor: FunctionStructure = {
    kind: 'function',
    name: `factor${cap(ctx.program.scale.name)}`,
    docs: [
      mv
        ? `The Cholesky factor L_k of ${ctx.program.scale.name} per component and log |${ctx.program.scale.name}| (NaN when not positive definite).`
        : `${ctx.program.scale.name} per component and log ${ctx.program.scale.name}² (NaN when the sd is not positive).`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'void',
    statements: [
      ...sizesUsed(ctx, factorBody),
      `const { ${pick(ctx.names.sigma)} } = params;`,
      'const { chol, logDet } = work;',
      ...factorBody,
    ],
  };
  const withLog = ctx.nu !== undefined;
  const digamma = withLog ? use(ctx.full, 'digamma') : '';
  const weight = ctx.w ? `Math.log(${ctx.w}[k]!) + ` : '';
  // δ² = |L⁻¹ (x − μ)|²: forward substitution, the squares summed in the same order as the runtime's mahalanobis.
  const distance = mv
    ? lines(`
  for (let j = 0; j < ${D}; j++) residual[j] = ${x}[i * ${D} + j]! - ${mu}[mean + j]!;
  for (let j = 0; j < ${D}; j++) {
    let s = residual[j]!;
    for (let m = 0; m < j; m++) s -= l[j * ${D} + m]! * residual[m]!;
    residual[j] = s / l[j * ${D} + j]!;
  }
  let q = 0;
  for (let j = 0; j < ${D}; j++) q += residual[j]! * residual[j]!;`)
    : lines(`
  const r = (${x}[i]! - ${mu}[mean]!) / l[0]!;
  const q = r * r;`);
  const body = lines(`
${factor.name}(bound, params, work);
for (let k = 0; k < ${K}; k++) {
  const l = chol.subarray(k * ${D} * ${D}, (k + 1) * ${D} * ${D});
  const mean = ${muAt === 'k' ? `k * ${D}` : '0'};
  const a = alpha[k]!;
  const b2 = 2 * beta[k]!;
  const power = a + ${D} / 2;
  const ok = Number.isFinite(logDet[k]!) && ${ctx.w ? `${ctx.w}[k]! > 0` : 'true'};
  const base = ${weight}logConst[k]! - 0.5 * logDet[k]!;${withLog ? `\n  const psi = ${digamma}(power);` : ''}
  for (let i = 0; i < ${N}; i++) {
    const at = i * ${K} + k;
    if (!ok) {
      resp[at] = Number.NEGATIVE_INFINITY;
      eu[at] = 0;${withLog ? '\n      elogu[at] = 0;' : ''}
      continue;
    }
${distance.map((l) => `  ${l}`).join('\n')}
    resp[at] = base - power * Math.log1p(q / b2);
    eu[at] = (2 * a + ${D}) / (b2 + q);${withLog ? '\n    elogu[at] = psi - Math.log(0.5 * (b2 + q));' : ''}
  }
}
const logLik = ${normalize}(resp, ${N}, ${K}, itemLogLik);
return Number.isNaN(logLik) ? Number.NEGATIVE_INFINITY : logLik;`);
  const used = [
    'alpha',
    'beta',
    'logConst',
    'chol',
    'logDet',
    'resp',
    'eu',
    ...(withLog ? ['elogu'] : []),
    'itemLogLik',
  ];
  if (mv) used.push('residual');
  const params = [pick(ctx.names.mu), ...(ctx.names.w ? [pick(ctx.names.w)] : [])];
  const u = ctx.u;
  const eStep: FunctionStructure = {
    kind: 'function',
    name: scaleEStepName(ctx),
    docs: [
      `E-step: with ${u} ~ Gamma(α_k, β_k) and ${ctx.program.observed} | ${u}${ctx.z ? `, ${ctx.z} = k` : ''} ~ N(${ctx.program.location.name}_k, ${ctx.program.scale.name}_k / ${u}), ${u} integrated out:`,
      `  log p(x${ctx.z ? ', k' : ''}) = ${ctx.w ? `log ${ctx.w}_k + ` : ''}logConst_k − ½ log|${ctx.program.scale.name}_k| − (α + D/2) log(1 + δ²/(2β)),  δ² = (x − ${ctx.program.location.name}_k)ᵀ ${ctx.program.scale.name}_k⁻¹ (x − ${ctx.program.location.name}_k),`,
      `  E[${u} | x${ctx.z ? ', k' : ''}] = (2α + D) / (2β + δ²)${withLog ? `,  E[log ${u} | x${ctx.z ? ', k' : ''}] = ψ(α + D/2) − log(β + δ²/2)` : ''};`,
      ctx.z
        ? `responsibilities p(${ctx.z} = k | x) by log-sum-exp. Returns the observed-data log-likelihood.`
        : 'Returns the observed-data log-likelihood.',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'number',
    statements: [
      ...sizesUsed(ctx, body),
      `const { ${pick(ctx.names.x)} } = bound;`,
      `const { ${params.join(', ')} } = params;`,
      `const { ${used.join(', ')} } = work;`,
      ...(withLog ? ['setMixing(bound, params, work);'] : []),
      ...body,
    ],
  };
  return [eStep, factor];
}

/** The `Work` interface: every buffer of one fit, allocated once. */
export function lowerScaleWork(ctx: ScaleMixtureContext): [InterfaceStructure, FunctionStructure] {
  const { N, D, K } = ctx;
  const buffers: { name: string; size: string; docs: string; type?: string }[] = [
    { name: 'alpha', size: K, docs: `shape [${K}]: the shape of each component's mixing Gamma` },
    { name: 'beta', size: K, docs: `shape [${K}]: its rate` },
    { name: 'logConst', size: K, docs: `shape [${K}]: lgamma(α + D/2) − lgamma(α) − (D/2) log(2πβ)` },
    { name: 'chol', size: `${K} * ${D} * ${D}`, docs: `shape [${K}, ${D}, ${D}]: the Cholesky factor of each scale` },
    { name: 'logDet', size: K, docs: `shape [${K}]: log |scale| (NaN when not positive definite)` },
    { name: 'resp', size: `${N} * ${K}`, docs: `shape [${N}, ${K}]: joint log densities, then responsibilities` },
    { name: 'eu', size: `${N} * ${K}`, docs: `shape [${N}, ${K}]: E[${ctx.u} | x, k]` },
    ...(ctx.nu ? [{ name: 'elogu', size: `${N} * ${K}`, docs: `shape [${N}, ${K}]: E[log ${ctx.u} | x, k]` }] : []),
    { name: 'itemLogLik', size: N, docs: `shape [${N}]: log p(x[n])` },
    ...(ctx.mv
      ? [
          { name: 'residual', size: D, docs: `shape [${D}]: a whitened residual` },
          { name: 'scatter', size: `${D} * ${D}`, docs: `shape [${D}, ${D}]: a weighted scatter (lower triangle)` },
          { name: 'next', size: `${D} * ${D}`, docs: `shape [${D}, ${D}]: a candidate scale matrix` },
          { name: 'factor', size: `${D} * ${D}`, docs: `shape [${D}, ${D}]: its Cholesky factor (a check)` },
        ]
      : []),
    { name: 'acc', size: D, docs: `shape [${D}]: a weighted sum of items` },
    { name: 'totals', size: K, docs: `shape [${K}]: Σ_n r[n, k]` },
    ...(ctx.z ? [{ name: 'empty', size: K, docs: `shape [${K}]: 1 for an empty component`, type: 'Uint8Array' }] : []),
  ];
  const body = [
    `return { ${buffers.map((b) => `${b.name}: new ${b.type ?? 'Float64Array'}(${b.size})`).join(', ')} };`,
  ];
  return [
    {
      kind: 'interface',
      name: 'Work',
      docs: ['The buffers of one fit, allocated once.'],
      properties: buffers.map((b) => ({
        name: b.name,
        type: b.type ?? 'Float64Array',
        isReadonly: true,
        docs: [b.docs],
      })),
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
