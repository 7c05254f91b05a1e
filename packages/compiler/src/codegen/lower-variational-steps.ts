// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the steps of a variational (Poisson–lognormal) fitter — the runtime's
 * variational/poisson-lognormal.ts, specialised to the model's names: the Laplace mode of each
 * latent, the optimal Gaussian q per item (safeguarded Newton on the stationarity equation),
 * the per-item ELBO term, the E-step over the items, the closed-form M-step of the location and
 * the sd, and the moment start. The same floating-point operations in the same order as the
 * runtime, so that fits agree bit for bit.
 */
import type { FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { use } from './mixture-context.js';
import { lines, pick, sizesUsed, type VariationalContext } from './variational-context.js';

/** `eStepEta`: named after the latent. */
export function variationalEStepName(ctx: VariationalContext): string {
  return `eStep${ctx.cap}`;
}

function fn(
  ctx: VariationalContext,
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
    statements: [...sizesUsed(ctx, body), ...prelude, ...body],
  };
}

/** The item-level pieces: the Laplace mode, the optimal q(η_n), the ELBO term. */
function lowerItemSteps(ctx: VariationalContext): StatementStructure[] {
  const { names, cap } = ctx;
  const eta = names.eta;
  return [
    {
      kind: 'raw',
      name: 'maxNewton',
      text: '/** Newton steps per item, at most (each converges in a handful). */\nconst MAX_NEWTON = 200;',
    },
    fn(
      ctx,
      `mode${cap}`,
      [
        `The Laplace mode of ${eta}[n] given the count yn: the root of yn − e^t − (t − ${names.mu}) / ${names.sigma}²,`,
        'by Newton steps from the right (from t ≥ max(μ, log yn) the derivative is ≤ 0 and concave,',
        'so the iterates decrease monotonically to the root).',
      ],
      [
        { name: 'yn', type: 'number' },
        { name: 'loc', type: 'number' },
        { name: 's2', type: 'number' },
      ],
      'number',
      [],
      lines(`
let t = yn > 0 ? Math.max(loc, Math.log(yn)) : loc;
for (let i = 0; i < MAX_NEWTON; i++) {
  const e = Math.exp(t);
  const step = (yn - e - (t - loc) / s2) / (e + 1 / s2);
  const next = t + step;
  if (!(next < t) || t - next <= 1e-15 * (1 + Math.abs(t))) return Math.min(t, next);
  t = next;
}
return t;`),
    ),
    fn(
      ctx,
      `optimise${cap}`,
      [
        `The optimal q(${eta}[n]) = N(m, v) of one item, written at m[n], v[n]. ELBO_n is jointly concave in (m, v);`,
        'with u = m + v/2 its stationary point is v = σ² / (1 + σ² e^u), m = μ + σ² (yn − e^u), that is the root of',
        '  F(u) = u − μ − σ² (yn − e^u) − ½ σ² / (1 + σ² e^u),  F increasing,',
        `found by Newton steps in the bracket [t, t + σ²/2] around the Laplace mode t (mode${cap}), bisecting`,
        'whenever a step leaves the bracket.',
      ],
      [
        { name: 'yn', type: 'number' },
        { name: 'loc', type: 'number' },
        { name: 's2', type: 'number' },
        { name: 'm', type: 'Float64Array' },
        { name: 'v', type: 'Float64Array' },
        { name: 'n', type: 'number' },
      ],
      'void',
      [],
      lines(`
const t = mode${cap}(yn, loc, s2);
let lo = t;
let hi = t + s2 / 2;
let u = t;
for (let i = 0; i < MAX_NEWTON; i++) {
  const w = Math.exp(u);
  const a = 1 + s2 * w;
  const f = u - loc - s2 * (yn - w) - (0.5 * s2) / a;
  if (f === 0) break;
  if (f < 0) lo = u;
  else hi = u;
  const df = 1 + s2 * w + (0.5 * s2 * s2 * w) / (a * a);
  let next = u - f / df;
  if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
  if (Math.abs(next - u) <= 1e-14 * (1 + Math.abs(u))) {
    u = next;
    break;
  }
  u = next;
}
const vn = s2 / (1 + s2 * Math.exp(u));
v[n] = vn;
m[n] = u - vn / 2;`),
    ),
    fn(
      ctx,
      `elbo${cap}`,
      [
        `One item's ELBO term at q(${eta}[n]) = N(m, v), without −log yn! (added once):`,
        `  yn m − exp(m + v/2) − ½ log σ² − ((m − μ)² + v) / (2σ²) + ½ log v + ½   (the ½ log 2π terms cancel).`,
      ],
      [
        { name: 'yn', type: 'number' },
        { name: 'loc', type: 'number' },
        { name: 's2', type: 'number' },
        { name: 'm', type: 'number' },
        { name: 'v', type: 'number' },
      ],
      'number',
      [],
      lines(`
const d = m - loc;
return yn * m - Math.exp(m + v / 2) - 0.5 * Math.log(s2) - (d * d + v) / (2 * s2) + 0.5 * Math.log(v) + 0.5;`),
    ),
  ];
}

/** The E-step, the M-step and the moment start. */
export function lowerVariationalSteps(ctx: VariationalContext): StatementStructure[] {
  const { names, cap, N, y, mu } = ctx;
  const BPW = [
    { name: 'bound', type: 'Bound' },
    { name: 'params', type: 'Flat' },
    { name: 'work', type: 'Work' },
  ];
  const eStep = fn(
    ctx,
    variationalEStepName(ctx),
    [
      `E-step at the params: for every item the optimal q(${names.eta}[n]) = N(m[n], v[n]) (optimise${cap}), exact to`,
      'round-off, and the ELBO at it: −Σ log yn! + Σ_n ELBO_n, the maximum over the Gaussian family.',
    ],
    BPW,
    'number',
    [`const { ${pick(names.y)} } = bound;`, 'const { m, v } = work;'],
    lines(`
const loc = params.${names.mu}[0]!;
const s2 = params.${names.sigma}[0]! * params.${names.sigma}[0]!;
let elbo = -work.logFactorials;
for (let n = 0; n < ${N}; n++) {
  optimise${cap}(${y}[n]!, loc, s2, m, v, n);
  elbo += elbo${cap}(${y}[n]!, loc, s2, m[n]!, v[n]!);
}
return elbo;`),
  );
  const mStep = fn(
    ctx,
    'mStep',
    [
      `M-step given q: ${names.mu} = (1/N) Σ_n m[n], then ${names.sigma} = √((1/N) Σ_n ((m[n] − ${names.mu})² + v[n])),`,
      'each the exact maximiser of the ELBO in it (each held when fixed).',
    ],
    [...BPW, { name: 'fixed', type: 'ReadonlySet<string>' }],
    'void',
    ['const { m, v } = work;'],
    lines(`
if (!fixed.has('${names.mu}')) update${capital(names.mu)}(bound, params, m);
if (!fixed.has('${names.sigma}')) update${capital(names.sigma)}(bound, params, m, v);`),
  );
  const updateMu = fn(
    ctx,
    `update${capital(names.mu)}`,
    [`${names.mu} = (1/N) Σ_n m[n]`],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'm', type: 'Float64Array' },
    ],
    'void',
    [],
    lines(`
let s = 0;
for (let n = 0; n < ${N}; n++) s += m[n]!;
params.${names.mu}[0] = s / ${N};`),
  );
  const updateSigma = fn(
    ctx,
    `update${capital(names.sigma)}`,
    [`${names.sigma} = √((1/N) Σ_n ((m[n] − ${names.mu})² + v[n]))`],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'm', type: 'Float64Array' },
      { name: 'v', type: 'Float64Array' },
    ],
    'void',
    [],
    lines(`
const ${mu} = params.${names.mu}[0]!;
let s = 0;
for (let n = 0; n < ${N}; n++) {
  const d = m[n]! - ${mu};
  s += d * d + v[n]!;
}
params.${names.sigma}[0] = Math.sqrt(s / ${N});`),
  );
  const momentStart = fn(
    ctx,
    'momentStart',
    [
      `Moment starting values: E[${names.y}] = exp(${names.mu} + ${names.sigma}²/2), Var[${names.y}] = E[${names.y}] + E[${names.y}]² (exp ${names.sigma}² − 1),`,
      `the overdispersion floored so that ${names.sigma}² > 0 (${names.sigma}² = 0.1 when the counts are not overdispersed).`,
      'The same in every run, so restarts agree.',
    ],
    [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
    ],
    'void',
    [`const { ${pick(names.y)} } = bound;`],
    lines(`
let mean = 0;
for (let n = 0; n < ${N}; n++) mean += ${y}[n]!;
mean /= ${N};
let variance = 0;
for (let n = 0; n < ${N}; n++) variance += (${y}[n]! - mean) ** 2;
variance /= Math.max(${N} - 1, 1);
const safeMean = Math.max(mean, 0.5 / ${N});
const excess = (variance - safeMean) / (safeMean * safeMean);
const s2 = excess > 0 ? Math.log1p(excess) : 0.1;
params.${names.mu}[0] = Math.log(safeMean) - s2 / 2;
params.${names.sigma}[0] = Math.sqrt(s2);`),
  );
  return [eStep, ...lowerItemSteps(ctx), mStep, updateMu, updateSigma, momentStart];
}

function capital(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The `Work` interface and `allocateWork`: q's means and variances, and the constant Σ log y!. */
export function lowerVariationalWork(ctx: VariationalContext): [InterfaceStructure, FunctionStructure] {
  const { N, y, names } = ctx;
  const lfactorial = use(ctx.full, 'lfactorial');
  const body = lines(`
const { ${pick(names.y)} } = bound;
let logFactorials = 0;
for (let n = 0; n < ${N}; n++) logFactorials += ${lfactorial}(${y}[n]!);
return { m: new Float64Array(${N}), v: new Float64Array(${N}), logFactorials };`);
  return [
    {
      kind: 'interface',
      name: 'Work',
      docs: ['The buffers of one fit, allocated once.'],
      properties: [
        {
          name: 'm',
          type: 'Float64Array',
          isReadonly: true,
          docs: [`shape [${N}]: the variational mean of each ${names.eta}[n]`],
        },
        { name: 'v', type: 'Float64Array', isReadonly: true, docs: [`shape [${N}]: its variance`] },
        { name: 'logFactorials', type: 'number', isReadonly: true, docs: [`Σ_n log ${names.y}[n]!, constant`] },
      ],
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
