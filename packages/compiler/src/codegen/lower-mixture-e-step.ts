/**
 * Lowers a mixture program's E-step to one function named after its latents (`eStepZ`): for
 * each item and joint latent state, the log densities of every factor summed into `resp`
 * (factor by factor, as the runtime's kernels add them: kernels/log-density.ts), then the row
 * normalised by log-sum-exp into responsibilities (kernels/responsibilities.ts), the
 * log-likelihood accumulated item by item. Each family gets its own loop — a hoisted table of
 * log probabilities for a latent's Categorical, Cholesky factors once per covariance element for
 * MvNormal — and the same floating-point operations in the same order as the runtime, so the
 * generated fitter reproduces its results bit for bit. Also the log prior of MAP params.
 */
import type { FitFactor } from '@emforge/runtime';
import type { Code, FunctionStructure } from './fitter-source.js';
import { constantArgument, constantView } from './lower-constants.js';
import { destructureNames } from './lower-mixture-types.js';
import {
  addWork,
  argEntry,
  CodegenUnsupported,
  dataNamed,
  destructureWork,
  dim,
  dims,
  elementIndex,
  entry,
  id,
  jointState,
  type MixtureContext,
  paramNamed,
  pascalCase,
  product,
  use,
  type View,
  viewOf,
} from './mixture-context.js';

/** The runtime's log-density function of each elementwise family (kernels/log-density.ts). */
const elementwise: Readonly<Record<string, string>> = {
  Poisson: 'logPoisson',
  Bernoulli: 'logBernoulli',
  Binomial: 'logBinomial',
  Normal: 'logNormal',
  Exponential: 'logExponential',
  Gamma: 'logGamma',
  Beta: 'logBeta',
  LogNormal: 'logLogNormal',
};

/** A factor's contribution: setup once per E-step, then code per (item, joint state) adding to `lp`. */
export interface FactorCode {
  readonly setup: readonly Code[];
  readonly cell: readonly Code[];
}

/** The child's name, for local names (`lpX`). */
function childName(f: FitFactor): string {
  return f.child.kind === 'state' ? f.child.latent : f.child.kind === 'data' ? f.child.name : 'value';
}

/** Views of a factor's arguments (constants bound once into work buffers). */
export function argViews(ctx: MixtureContext, f: FitFactor): View[] {
  return f.args.map((a) =>
    a.source.kind === 'constant'
      ? constantView(ctx, a.source.value, `${childName(f)}${pascalCase(a.name)}`, `the constant ${a.name} of ${f.text}`)
      : viewOf(ctx, a.source),
  );
}

/** The child's value for item n, entry j. */
function childEntry(ctx: MixtureContext, f: FitFactor, j: string): string {
  if (f.child.kind === 'state') {
    const l = ctx.latents.find((x) => x.name === (f.child as { latent: string }).latent);
    if (!l) throw new CodegenUnsupported(`'${f.text}' draws a latent that is not of the item`);
    return l.loopVar;
  }
  return entry(viewOf(ctx, f.child), 'n', j);
}

function childSize(ctx: MixtureContext, f: FitFactor): string {
  return f.child.kind === 'state' ? '1' : viewOf(ctx, f.child).size;
}

function categorical(ctx: MixtureContext, f: FitFactor, fi: number): FactorCode {
  const [p] = argViews(ctx, f);
  if (!p || p.scalar !== undefined) throw new CodegenUnsupported(`the probabilities of '${f.text}'`);
  const NEG_INF = use(ctx, 'NEG_INF');
  const d = childSize(ctx, f);
  if (f.child.kind === 'state' && p.step === '0') {
    // A latent's own factor: log p[c] depends on the states only, so it is tabled once per E-step.
    const source = p.array;
    const plain = source.replace(/^work\./, '');
    const arg = f.args[0]!.source;
    const total =
      arg.kind === 'param'
        ? dims([...paramNamed(ctx, arg.name).dims, ...paramNamed(ctx, arg.name).shape])
        : arg.kind === 'data'
          ? dims([...dataNamed(ctx, arg.name).dims, ...dataNamed(ctx, arg.name).shape])
          : (ctx.work.find((w) => w.name === source && w.init === undefined)?.size ?? `${source}.length`);
    const table = `log${pascalCase(plain)}`;
    const first = !ctx.work.some((w) => w.name === table);
    addWork(ctx, { name: table, docs: `log of every entry of ${plain} (−∞ for 0)`, type: 'Float64Array', size: total });
    const l = ctx.latents.find((x) => x.name === (f.child as { latent: string }).latent)!;
    const valid = l.states === p.size ? undefined : `${l.loopVar} < ${p.size}`;
    const at = `${table}[${p.offset === '0' ? l.loopVar : `${p.offset} + ${l.loopVar}`}]!`;
    return {
      setup: first
        ? [
            `// log ${plain}, tabled for ${f.text}`,
            `for (let m = 0; m < ${total}; m++) ${table}[m] = ${source}[m]! > 0 ? Math.log(${source}[m]!) : ${NEG_INF};`,
          ]
        : [],
      cell: [`lp += ${valid ? `${valid} ? ${at} : ${NEG_INF}` : at};`],
    };
  }
  const perCategory = d === '1' ? p.size : `${product([p.size])} / ${product([d])}`;
  const read = (j: string) => {
    const c = childEntry(ctx, f, j);
    const offset = d === '1' ? p.offset : `${p.offset === '0' ? '' : `${p.offset} + `}${j} * categories${fi}`;
    const at = `${p.array}[${[offset === '0' ? '' : offset, p.step === '0' ? '' : `n * ${p.step}`, 'c'].filter((x) => x !== '').join(' + ')}]!`;
    return [
      `const c = ${c};`,
      `const pc = Number.isInteger(c) && c >= 0 && c < ${d === '1' ? perCategory : `categories${fi}`} ? ${at} : 0;`,
    ];
  };
  if (d === '1') {
    return { setup: [], cell: ['{', [...read('0'), `lp += pc > 0 ? Math.log(pc) : ${NEG_INF};`], '}'] };
  }
  const local = `lp${pascalCase(childName(f))}`;
  return {
    setup: [`const categories${fi} = ${perCategory};`],
    cell: [
      `let ${local} = 0;`,
      `for (let j = 0; j < ${d}; j++) {`,
      [...read('j'), `${local} += pc > 0 ? Math.log(pc) : ${NEG_INF};`],
      '}',
      `lp += ${local};`,
    ],
  };
}

function elementwiseFamily(ctx: MixtureContext, f: FitFactor): FactorCode {
  const fn = use(ctx, elementwise[f.family]!);
  const NEG_INF = use(ctx, 'NEG_INF');
  const args = argViews(ctx, f);
  const d = childSize(ctx, f);
  const local = `lp${pascalCase(childName(f))}`;
  const call = (j: string) => `${fn}(${[childEntry(ctx, f, j), ...args.map((a) => argEntry(a, 'n', j))].join(', ')})`;
  if (d === '1') {
    return {
      setup: [],
      cell: [`const ${local} = ${call('0')};`, `lp += Number.isNaN(${local}) ? ${NEG_INF} : ${local};`],
    };
  }
  return {
    setup: [],
    cell: [
      `let ${local} = 0;`,
      `for (let j = 0; j < ${d}; j++) ${local} += ${call('j')};`,
      `lp += Number.isNaN(${local}) ? ${NEG_INF} : ${local};`,
    ],
  };
}

function mvNormal(ctx: MixtureContext, f: FitFactor): FactorCode {
  const [mean, cov] = argViews(ctx, f);
  const covSource = f.args[1]?.source;
  if (!mean || !cov || covSource?.kind !== 'param') {
    throw new CodegenUnsupported(`the covariance of '${f.text}' is not a param`);
  }
  const sigma = paramNamed(ctx, covSource.name);
  if (covSource.selectors.length !== sigma.dims.length) {
    throw new CodegenUnsupported(`the covariance of '${f.text}' is chosen by fewer latents than it has dims`);
  }
  const NEG_INF = use(ctx, 'NEG_INF');
  const LOG_2PI = use(ctx, 'LOG_2PI');
  const chol = use(ctx, 'cholesky');
  const d = childSize(ctx, f);
  const elements = dims(sigma.dims);
  const name = pascalCase(sigma.name);
  const cholBuf = addWork(ctx, {
    name: `chol${name}`,
    docs: `shape [${[...sigma.dims, ...sigma.shape].join(', ')}]: the lower Cholesky factor of each element of ${sigma.name}`,
    type: 'Float64Array',
    size: dims([...sigma.dims, ...sigma.shape]),
  });
  const okBuf = addWork(ctx, {
    name: `ok${name}`,
    docs: `shape [${sigma.dims.join(', ') || '1'}]: 1 where the element of ${sigma.name} is positive definite`,
    type: 'Uint8Array',
    size: elements,
  });
  const normBuf = addWork(ctx, {
    name: `logNorm${name}`,
    docs: `shape [${sigma.dims.join(', ') || '1'}]: D log 2π + log |${sigma.name}[e]|`,
    type: 'Float64Array',
    size: elements,
  });
  const vec = addWork(ctx, { name: 'residual', docs: 'shape [D]: a whitened residual', type: 'Float64Array', size: d });
  const dd = product([d, d]);
  const e = elementIndex(ctx, covSource.selectors);
  const base = e === '0' ? '0' : `${/[+]/.test(e) ? `(${e})` : e} * ${/^\w+$/.test(dd) ? dd : `(${dd})`}`;
  const L = (k: string) => `${cholBuf}[${base === '0' ? '' : `${base} + `}${k}]!`;
  return {
    setup: [
      `// Cholesky factors of ${sigma.name}, once per element: L Lᵀ = ${sigma.name}[e], and D log 2π + log |${sigma.name}[e]|`,
      `for (let e = 0; e < ${elements}; e++) {`,
      [
        `const L = ${cholBuf}.subarray(e * ${dd}, (e + 1) * ${dd});`,
        `L.set(${id(sigma.name)}.subarray(e * ${dd}, (e + 1) * ${dd}));`,
        `${okBuf}[e] = ${chol}(L, ${d}) ? 1 : 0;`,
        `let logDet = 0;`,
        `for (let j = 0; j < ${d}; j++) logDet += Math.log(L[j * ${d} + j]!);`,
        `${normBuf}[e] = ${d} * ${LOG_2PI} + 2 * logDet;`,
      ],
      '}',
    ],
    cell: [
      `if (${okBuf}[${e}]) {`,
      [
        `// q = ‖L⁻¹ (${childName(f)}[n] − mean)‖² by forward substitution`,
        `let q = 0;`,
        `for (let j = 0; j < ${d}; j++) {`,
        [
          `let t = ${childEntry(ctx, f, 'j')} - ${entry(mean, 'n', 'j')};`,
          `for (let m = 0; m < j; m++) t -= ${L(`j * ${d} + m`)} * ${vec}[m]!;`,
          `${vec}[j] = t / ${L(`j * ${d} + j`)};`,
          `q += ${vec}[j]! * ${vec}[j]!;`,
        ],
        '}',
        `lp += Number.isFinite(q) ? -0.5 * (${normBuf}[${e}]! + q) : ${NEG_INF};`,
      ],
      `} else lp = ${NEG_INF};`,
    ],
  };
}

export function factorCode(ctx: MixtureContext, f: FitFactor, fi: number): FactorCode {
  if (f.family === 'Categorical') return categorical(ctx, f, fi);
  if (f.family === 'MvNormal') return mvNormal(ctx, f);
  if (elementwise[f.family]) return elementwiseFamily(ctx, f);
  throw new CodegenUnsupported(`the ${f.family} family in '${f.text}'`);
}

/** The E-step's name: `eStepZ`, `eStepA1A2`; `eStep` without latents. */
export function eStepName(ctx: MixtureContext): string {
  return `eStep${ctx.latents.map((l) => pascalCase(l.name)).join('')}`;
}

/** The number of joint states, as a local (`K`) or `S` declared in the function. */
export function statesName(ctx: MixtureContext): string {
  return ctx.latents.length === 1 ? ctx.latents[0]!.states : 'S';
}

/** `const S = A * A;` when there is not exactly one latent. */
export function declareS(ctx: MixtureContext): string[] {
  return ctx.latents.length === 1 ? [] : [`const S = ${ctx.S};`];
}

/** Nested loops over every latent's states around `body` (the first latent outermost). */
export function stateLoops(ctx: MixtureContext, body: readonly Code[]): Code[] {
  let code: Code[] = [...body];
  for (const l of [...ctx.latents].reverse()) {
    code = [`for (let ${l.loopVar} = 0; ${l.loopVar} < ${l.states}; ${l.loopVar}++) {`, code, '}'];
  }
  return code;
}

/** `const { N, K } = bound;` and the same for the data and params a function reads. */
export function destructure(ctx: MixtureContext): string[] {
  return [
    ...destructureNames([...ctx.schema.sizes.map((s) => s.name), ...ctx.schema.data.map((v) => v.name)], 'bound'),
    ...destructureNames(
      ctx.program.params.map((p) => p.name),
      'params',
    ),
  ];
}

function eStepDocs(ctx: MixtureContext): string[] {
  const docs: string[] = [];
  for (const l of ctx.plan.latents) {
    docs.push(`E-step for ${l.name} (${l.strategy}): ${l.reason}.`);
    for (const p of l.posteriors) docs.push(`  ${p}`);
  }
  if (ctx.latents.length === 0) docs.push('The log-likelihood (no latents: direct maximum likelihood).');
  docs.push(
    '',
    'resp[n, s] = Σ_factors log p(· | state s), then per item r[n, s] = exp(resp[n, s] − max) / Σ_s exp(resp[n, s] − max);',
    'returns the log-likelihood Σ_n (max + log Σ_s exp(resp[n, s] − max)). Factors, in order:',
    ...ctx.program.factors.map((f) => `  ${f.text}`),
    '@param work.resp shape [N, S], overwritten by the responsibilities',
  );
  return docs;
}

/** The E-step function. */
export function lowerEStep(ctx: MixtureContext): FunctionStructure {
  const NEG_INF = use(ctx, 'NEG_INF');
  const S = statesName(ctx);
  const codes = ctx.program.factors.map((f, fi) => factorCode(ctx, f, fi));
  const s = jointState(ctx);
  const plate = dim(ctx.program.plate.size);
  const body: Code[] = [
    ...(ctx.numeric?.eStepSetup() ?? []),
    ...codes.flatMap((c) => c.setup),
    'let logLik = 0;',
    `for (let n = 0; n < ${plate}; n++) {`,
    [
      `const row = n * ${S};`,
      ...stateLoops(ctx, ['let lp = 0;', ...codes.flatMap((c) => c.cell), `resp[row + ${s}] = lp;`]),
      '// log-sum-exp over the joint states',
      `let max = ${NEG_INF};`,
      `for (let s = 0; s < ${S}; s++) if (resp[row + s]! > max) max = resp[row + s]!;`,
      `if (max === ${NEG_INF} || Number.isNaN(max)) {`,
      [
        '// impossible under every state: uniform responsibilities, and the log-likelihood is −∞',
        `for (let s = 0; s < ${S}; s++) resp[row + s] = 1 / ${S};`,
        `logLik = ${NEG_INF};`,
        'continue;',
      ],
      '}',
      'let sum = 0;',
      `for (let s = 0; s < ${S}; s++) {`,
      ['const e = Math.exp(resp[row + s]! - max);', 'resp[row + s] = e;', 'sum += e;'],
      '}',
      `for (let s = 0; s < ${S}; s++) resp[row + s]! /= sum;`,
      'logLik += max + Math.log(sum);',
    ],
    '}',
    'return logLik;',
  ];
  const statements = [...destructure(ctx), ...declareS(ctx), ...destructureWork(ctx, body), ...body];
  return {
    kind: 'function',
    name: eStepName(ctx),
    docs: eStepDocs(ctx),
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'number',
    statements,
  };
}

/** The log density of one element of a param under its prior, as an expression. */
function priorTerm(ctx: MixtureContext, pi: number): Code[] {
  const p = ctx.program.params[pi]!;
  const prior = p.prior!;
  const size = dims(p.shape);
  const arg = (k: number) => {
    const a = prior.args[k];
    if (!a) throw new CodegenUnsupported(`the prior of '${p.name}' has no argument ${k}`);
    return constantArgument(ctx, a, `${id(p.name)}Prior${k}`, `argument ${k} of the prior '${prior.text}'`);
  };
  const x = p.shape.length === 0 ? `${id(p.name)}[e]!` : undefined;
  const NEG_INF = use(ctx, 'NEG_INF');
  const scalarOnly = (fn: string, args: string[]) =>
    x === undefined ? NEG_INF : `${use(ctx, fn)}(${[x, ...args].join(', ')})`;
  let term: string;
  switch (prior.family) {
    case 'Dirichlet':
      term = `${use(ctx, 'dirichletLogDensity')}(${id(p.name)}, e * ${size}, ${size}, ${arg(0)})`;
      break;
    case 'Gamma':
      term = scalarOnly('gammaLogDensity', [arg(0), arg(1)]);
      break;
    case 'Beta':
      term = scalarOnly('betaLogDensity', [arg(0), arg(1)]);
      break;
    case 'Normal':
      term = scalarOnly('normalLogDensity', [arg(0), arg(1)]);
      break;
    default:
      throw new CodegenUnsupported(`a ${prior.family} prior ('${prior.text}')`);
  }
  if (prior.covarianceOf !== undefined) throw new CodegenUnsupported(`the prior '${prior.text}'`);
  return [`// ${prior.text}`, `for (let e = 0; e < ${dims(p.dims)}; e++) total += ${term};`];
}

/** `logPrior(bound, params)`: Σ over params with a prior of Σ over their elements; undefined without priors. */
export function lowerLogPrior(ctx: MixtureContext): FunctionStructure | undefined {
  const withPrior = ctx.program.params.flatMap((p, i) => (p.prior ? [i] : []));
  if (withPrior.length === 0) return undefined;
  return {
    kind: 'function',
    name: 'logPrior',
    docs: [
      `The log prior density of the params (MAP: the objective is the log-likelihood plus this): ${withPrior
        .map((i) => ctx.program.params[i]!.prior!.text)
        .join('; ')}.`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'number',
    statements: [
      ...destructure(ctx),
      'let total = 0;',
      ...withPrior.flatMap((i) => priorTerm(ctx, i)),
      'return total;',
    ],
  };
}
