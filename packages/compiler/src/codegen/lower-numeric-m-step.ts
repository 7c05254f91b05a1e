/**
 * Lowers the numeric M-step of a mixture program (the runtime's numeric/numeric-m-step.ts and
 * numeric/newton.ts, specialised to the model), run after the closed-form updates (ECM):
 * - a GLM param (`y[n] ~ Bernoulli(logistic(dot(X[n], beta[z[n]])))`, Binomial, Poisson with
 *   `exp`) by Newton / IRLS per element: `q<Param>` is Q_e with its gradient and negative Hessian
 *   written out, `update<Param>` the runtime's step-halving Newton iteration;
 * - otherwise one param by L-BFGS (`lbfgsMaximize` from the runtime) in its unconstrained
 *   coordinate: `q<Param>` is Q and its gradient, the reverse-mode derivative of the expression
 *   arguments written out as straight-line code (the tape's derivative rules, in the tape's order),
 *   with the runtime's acceptance (kept when Q would decrease).
 * Also the numeric params' start values of a run (`resetNumericParams`).
 */
import type { FitFactor, FitParam, NumericExpr } from '@emforge/runtime';
import type { Code, FunctionStructure } from './fitter-source.js';
import { declareS, destructure, stateLoops, statesName } from './lower-mixture-e-step.js';
import { destructureNames } from './lower-mixture-types.js';
import { entryCode, fillAll, inlineView, localFunctions } from './lower-numeric-expressions.js';
import type { MixtureContext } from './mixture-context.js';
import {
  addWork,
  CodegenUnsupported,
  dim,
  dims,
  elementIndex,
  entry,
  id,
  jointState,
  pascalCase,
  use,
  viewOf,
} from './mixture-context.js';
import {
  argOf,
  bufferView,
  dependence,
  leafView,
  makeNumericContext,
  type NumericContext,
  numericParams,
} from './numeric-context.js';

const glmFamilies: Readonly<Record<string, { readonly arg: number; readonly link: 'logistic' | 'exp' }>> = {
  Bernoulli: { arg: 0, link: 'logistic' },
  Binomial: { arg: 1, link: 'logistic' },
  Poisson: { arg: 0, link: 'exp' },
};

function reads(e: NumericExpr, name: string): boolean {
  switch (e.kind) {
    case 'param':
      return e.name === name;
    case 'unary':
    case 'sum':
    case 'softmax':
      return reads(e.operand, name);
    case 'binary':
    case 'dot':
      return reads(e.left, name) || reads(e.right, name);
    case 'vector':
      return e.elements.some((x) => reads(x, name));
    default:
      return false;
  }
}

/** Whether argument a of factor f reads the param. */
function argReads(f: FitFactor, a: number, name: string): boolean {
  const s = f.args[a]!.source;
  return s.kind === 'param' ? s.name === name : s.kind === 'expression' && reads(s.expr, name);
}

interface Glm {
  readonly factor: number;
  readonly family: 'Bernoulli' | 'Binomial' | 'Poisson';
  readonly param: Extract<NumericExpr, { kind: 'param' }>;
  readonly data: Extract<NumericExpr, { kind: 'data' }>;
}

/** The GLM shape of a param, as the runtime's `glmBlocks` recognises it (numeric/newton.ts), or undefined. */
function glmOf(nctx: NumericContext, p: FitParam): Glm | undefined {
  const program = nctx.mix.program;
  const uses: { f: number; a: number }[] = [];
  for (const [fi, f] of program.factors.entries())
    for (const ai of f.args.keys()) if (argReads(f, ai, p.name)) uses.push({ f: fi, a: ai });
  if (uses.length !== 1) return undefined;
  const { f, a } = uses[0]!;
  const factor = program.factors[f]!;
  const glm = glmFamilies[factor.family];
  if (!glm || a !== glm.arg || p.element !== 'real' || p.shape.length !== 1) return undefined;
  if (factor.child.kind !== 'data' || !factor.child.atItem) return undefined;
  const source = factor.args[a]!.source;
  if (source.kind !== 'expression') return undefined;
  const e = source.expr;
  if (e.kind !== 'unary' || e.op !== glm.link || e.operand.kind !== 'dot') return undefined;
  const { left, right } = e.operand;
  const [param, data] = left.kind === 'param' ? [left, right] : [right, left];
  if (param.kind !== 'param' || param.name !== p.name || data.kind !== 'data' || !data.atItem) return undefined;
  if (data.selectors.length > 0) return undefined;
  for (const [k, other] of factor.args.entries())
    if (k !== a && (other.source.kind === 'param' || other.source.kind === 'expression')) return undefined;
  if (p.prior) throw new CodegenUnsupported(`the prior of the GLM param '${p.name}'`);
  return { factor: f, family: factor.family as Glm['family'], param, data };
}

const fnParams = [
  { name: 'bound', type: 'Bound' },
  { name: 'params', type: 'Flat' },
  { name: 'work', type: 'Work' },
];

/** Q_e of a GLM param and Newton / IRLS on each of its elements. */
function lowerGlm(nctx: NumericContext, p: FitParam, glm: Glm): { functions: FunctionStructure[]; call: Code } {
  const ctx = nctx.mix;
  const name = pascalCase(p.name);
  const f = ctx.program.factors[glm.factor]!;
  const P = dims(p.shape);
  const NEG_INF = use(ctx, 'NEG_INF');
  const S = statesName(ctx);
  const x = leafView(ctx, glm.data);
  const y = viewOf(ctx, f.child);
  const trials = glm.family === 'Binomial' ? f.args[0]!.source : undefined;
  if (trials && trials.kind !== 'data') throw new CodegenUnsupported(`the trials of '${f.text}'`);
  const t = trials?.kind === 'data' ? entry(viewOf(ctx, trials), 'n', '0') : undefined;
  const bernoulli = glm.family !== 'Poisson';
  if (bernoulli) nctx.locals.add('softplus').add('logistic');
  const e = elementIndex(ctx, glm.param.selectors);
  const xj = (j: string) => entry(x, 'n', j);
  const qName = `q${name}`;
  const qBody: Code[] = [
    'let q = 0;',
    'if (g && h) {',
    ['g.fill(0);', 'h.fill(0);'],
    '}',
    ...stateLoops(ctx, [
      ...(e === '0' ? [] : [`if (${e} !== e) continue;`]),
      `for (let n = 0; n < ${dim(ctx.program.plate.size)}; n++) {`,
      [
        `const r = resp[n * ${S} + ${jointState(ctx)}]!;`,
        'if (r === 0) continue;',
        `const yn = ${entry(y, 'n', '0')};`,
        'if (Number.isNaN(yn)) continue;',
        'let eta = 0;',
        `for (let j = 0; j < ${P}; j++) eta += ${xj('j')} * b[j]!;`,
        ...(t ? [`const t = ${t};`] : []),
        `q += r * (yn * eta - ${bernoulli ? (t ? 't * softplus(eta)' : 'softplus(eta)') : 'Math.exp(eta)'});`,
        'if (!g || !h) continue;',
        ...(bernoulli
          ? [
              'const pi = logistic(eta);',
              `const mu = ${t ? 't * pi' : 'pi'};`,
              `const v = ${t ? 't * pi * (1 - pi)' : 'pi * (1 - pi)'};`,
            ]
          : ['const mu = Math.exp(eta);', 'const v = mu;']),
        'const gr = r * (yn - mu);',
        'const wv = r * v;',
        `for (let j = 0; j < ${P}; j++) {`,
        [
          `const xj = ${xj('j')};`,
          'g[j]! += gr * xj;',
          'const wx = wv * xj;',
          `for (let k = 0; k <= j; k++) h[j * ${P} + k]! += wx * ${xj('k')};`,
        ],
        '}',
      ],
      '}',
    ]),
    `if (g && h) for (let j = 0; j < ${P}; j++) for (let k = 0; k < j; k++) h[k * ${P} + j] = h[j * ${P} + k]!;`,
    `return Number.isNaN(q) ? ${NEG_INF} : q;`,
  ];
  const link = glm.family === 'Poisson' ? 'exp' : 'logistic';
  const b = glm.family === 'Poisson' ? 'e^η' : 'log(1 + e^η)';
  const q: FunctionStructure = {
    kind: 'function',
    name: qName,
    docs: [
      `Q_e(${p.name}) of element e of ${p.name} in '${f.text}' (canonical link ${link}, without the family's constants):`,
      `  Q_e(β) = Σ_{s → e} Σ_n r[n, s] (${t ? 'y[n] η − t[n] b(η)' : 'y[n] η − b(η)'}),  η = x[n]ᵀ β,  b(η) = ${b};`,
      `with g and h: the gradient Σ r (y − μ) x and the negative Hessian Σ r Var(y | η) x xᵀ (μ = ${t ? 't ' : ''}${link}(η)).`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'work', type: 'Work' },
      { name: 'e', type: 'number' },
      { name: 'b', type: 'Float64Array' },
      { name: 'g', type: 'Float64Array', hasQuestionToken: true },
      { name: 'h', type: 'Float64Array', hasQuestionToken: true },
    ],
    returnType: 'number',
    statements: [
      ...destructureNames(
        ctx.schema.sizes.map((s) => s.name),
        'bound',
      ),
      ...[...new Set([x.array, y.array, ...(trials?.kind === 'data' ? [id(trials.name)] : [])])].map(
        (a) => `const ${a} = bound.${a};`,
      ),
      ...declareS(ctx),
      'const { resp } = work;',
      ...qBody,
    ],
  };
  const buf = (what: string, size: string, docs: string) =>
    addWork(ctx, { name: `newton${what}${name}`, docs, type: 'Float64Array', size });
  const g = buf('G', P, `shape [${p.shape.join(', ')}]: Newton's gradient for one element of ${p.name}`);
  const h = buf('H', `${P} * ${P}`, `shape [${p.shape[0]}, ${p.shape[0]}]: Newton's negative Hessian`);
  const l = buf('L', `${P} * ${P}`, `shape [${p.shape[0]}, ${p.shape[0]}]: its Cholesky factor`);
  const d = buf('Step', P, `shape [${p.shape.join(', ')}]: the Newton step`);
  const trial = buf('Trial', P, `shape [${p.shape.join(', ')}]: the trial value`);
  const start = buf('Start', P, `shape [${p.shape.join(', ')}]: the value before the step`);
  const chol = use(ctx, 'cholesky');
  const solve = use(ctx, 'solveCholesky');
  const elements = dims(p.dims);
  // With latents one Newton step per M-step (the EM gradient algorithm), as the runtime; without, to convergence.
  const steps = ctx.latents.length === 0 ? '50' : `${ctx.S} > 1 ? ${use(ctx, 'newtonStepsWithLatents')} : 50`;
  const update: FunctionStructure = {
    kind: 'function',
    name: `update${name}`,
    docs: [
      `${p.name} by Newton / IRLS per element (a GLM block, as the runtime's newtonGlm): b ← b + step · H⁻¹ g,`,
      'the step halved until Q_e does not decrease (generalized EM); with latents newtonStepsWithLatents steps per',
      'M-step (the EM gradient algorithm), without them to a step below round-off of b (at most 50);',
      'a ridge when H is singular (an empty component).',
    ],
    parameters: [...fnParams, { name: 'ctx', type: 'EmStepContext' }, { name: 'settings', type: 'MStepSettings' }],
    returnType: 'void',
    statements: [
      ...destructureNames(
        ctx.schema.sizes.map((s) => s.name),
        'bound',
      ),
      `const ${id(p.name)} = params.${p.name};`,
      `const { ${[g, h, l, d, trial, start].join(', ')} } = work;`,
      `const steps = ${steps};`,
      `for (let e = 0; e < ${elements}; e++) {`,
      [
        `const b = ${id(p.name)}.subarray(e * ${P}, (e + 1) * ${P});`,
        'for (let iter = 0; iter < steps; iter++) {',
        [
          `const q0 = ${qName}(bound, work, e, b, ${g}, ${h});`,
          'if (!Number.isFinite(q0)) break;',
          '// solve H d = g; a ridge (relative to the diagonal) when H is singular',
          'let scale = 0;',
          `for (let j = 0; j < ${P}; j++) scale = Math.max(scale, ${h}[j * ${P} + j]!);`,
          'let ok = false;',
          'for (let ridge = 0, tries = 0; tries < 20 && !ok; tries++) {',
          [
            `${l}.set(${h});`,
            `ok = ${chol}(${l}, ${P}, ridge);`,
            'ridge = ridge === 0 ? 1e-12 * Math.max(scale, 1) : ridge * 10;',
          ],
          '}',
          'if (!ok) break;',
          `${d}.set(${g});`,
          `${solve}(${l}, ${P}, ${d});`,
          '// converged when the step is below round-off of b; a small step that does not raise Q meets round-off of Q',
          'let size = 0;',
          `for (let j = 0; j < ${P}; j++) size = Math.max(size, Math.abs(${d}[j]!) / (1 + Math.abs(b[j]!)));`,
          'if (!(size > 1e-14)) break;',
          'const small = size < 1e-8;',
          `${start}.set(b);`,
          'let step = 1;',
          'let accepted = false;',
          'for (let halvings = 0; halvings < (small ? 1 : 40); halvings++) {',
          [
            `for (let j = 0; j < ${P}; j++) ${trial}[j] = ${start}[j]! + step * ${d}[j]!;`,
            `if (${qName}(bound, work, e, ${trial}) >= q0) {`,
            [`b.set(${trial});`, 'accepted = true;', 'break;'],
            '}',
            'step *= 0.5;',
          ],
          '}',
          'if (!accepted) break;',
        ],
        '}',
      ],
      '}',
    ],
  };
  const held = p.dims.length > 0 ? ' && ctx.iteration > 0' : '';
  return {
    functions: [q, update],
    call: `if (!settings.fixed.has('${p.name}')${held}) update${name}(bound, params, work, ctx, settings);`,
  };
}

/** The element transform of a param (em/unconstrained.ts) as code: to u, from u, and ∂/∂u from ∂/∂x. */
function transform(p: FitParam): {
  forward: (x: string) => string;
  inverse: (u: string) => string;
  chain: (g: string, x: string) => string;
} {
  switch (p.element) {
    case 'real':
      return { forward: (x) => x, inverse: (u) => u, chain: (g) => g };
    case 'positive':
      return { forward: (x) => `Math.log(${x})`, inverse: (u) => `Math.exp(${u})`, chain: (g, x) => `${g} * ${x}` };
    case 'prob':
      return {
        forward: (x) => `Math.log(${x}) - Math.log1p(-${x})`,
        inverse: (u) => `1 / (1 + Math.exp(-${u}))`,
        chain: (g, x) => `${g} * ${x} * (1 - ${x})`,
      };
    default:
      throw new CodegenUnsupported(`the numeric update of a ${p.element} param ('${p.name}')`);
  }
}

const wrap = (e: string) => (/^[\w.[\]!]+$/.test(e) ? e : `(${e})`);

/**
 * Reverse-mode code for an item-invariant expression node whose adjoint is `adj`: the runtime
 * tape's derivative rules (numeric/tape.ts `backward`), nodes in reverse evaluation order (the
 * right operand's subtree before the left's), the param's leaves added into `grad`.
 */
function backwardCode(
  nctx: NumericContext,
  e: NumericExpr,
  adj: string,
  param: string,
  grad: string,
  temps: { count: number },
): Code[] {
  if (!reads(e, param)) return [];
  const ctx = nctx.mix;
  const value = (x: NumericExpr) => {
    // A node's value, recomputed from its operands (the same operations as the forward pass).
    const c = entryCode(nctx, x, '0', { count: 0 });
    if (c.pre.length > 0) throw new CodegenUnsupported('the derivative of a dot product');
    return wrap(c.value);
  };
  const local = (init: string, out: Code[]) => {
    const name = `adj${temps.count++}`;
    out.push(`const ${name} = ${init};`);
    return name;
  };
  switch (e.kind) {
    case 'param': {
      const view = leafView(ctx, e);
      if (view.size !== '1') throw new CodegenUnsupported(`the derivative by a vector param ('${e.name}')`);
      return [`${grad}[${view.offset}]! += ${adj};`];
    }
    case 'unary': {
      const x = value(e.operand);
      const v = value(e);
      const d: Record<typeof e.op, string> = {
        neg: '-1',
        exp: v,
        log: `(1 / ${x})`,
        sqrt: `(0.5 / ${v})`,
        logistic: `(${v} * (1 - ${v}))`,
        softplus: `logistic(${x})`,
        log1p: `(1 / (1 + ${x}))`,
      };
      if (e.op === 'softplus') nctx.locals.add('logistic');
      const out: Code[] = [];
      const a = local(`${adj} * ${d[e.op]}`, out);
      return [...out, ...backwardCode(nctx, e.operand, a, param, grad, temps)];
    }
    case 'binary': {
      const x = value(e.left);
      const y = value(e.right);
      const [da, db] =
        e.op === '+'
          ? ['1', '1']
          : e.op === '-'
            ? ['1', '-1']
            : e.op === '*'
              ? [y, x]
              : e.op === '/'
                ? [`(1 / ${y})`, `(-${x} / (${y} * ${y}))`]
                : [`(${y} * ${x} ** (${y} - 1))`, `(${value(e)} * Math.log(${x}))`];
      const out: Code[] = [];
      const b = reads(e.right, param) ? local(`${adj} * ${db}`, out) : '';
      const a = reads(e.left, param) ? local(`${adj} * ${da}`, out) : '';
      return [
        ...out,
        ...(b ? backwardCode(nctx, e.right, b, param, grad, temps) : []),
        ...(a ? backwardCode(nctx, e.left, a, param, grad, temps) : []),
      ];
    }
    default:
      throw new CodegenUnsupported(`the derivative of ${e.kind}(…) by '${param}'`);
  }
}

/** Log density code of one factor for item n at the current joint state, added to `lp` (as the kernels). */
function logDensityCode(nctx: NumericContext, f: FitFactor): Code[] {
  const ctx = nctx.mix;
  const views = f.args.map((a) =>
    a.source.kind === 'expression' ? bufferView(nctx, argOf(nctx, a.source)) : viewOf(ctx, a.source),
  );
  const NEG_INF = use(ctx, 'NEG_INF');
  const child =
    f.child.kind === 'state'
      ? ctx.latents.find((l) => l.name === (f.child as { latent: string }).latent)!.loopVar
      : entry(viewOf(ctx, f.child), 'n', '0');
  if (f.child.kind === 'data' && viewOf(ctx, f.child).size !== '1')
    throw new CodegenUnsupported(`a vector child in '${f.text}'`);
  if (f.family === 'Categorical') {
    const p = views[0]!;
    const at = [p.offset, p.step === '0' ? '0' : `n * ${p.step}`, 'c'].filter((x) => x !== '0').join(' + ');
    return [
      '{',
      [
        `const c = ${child};`,
        `const pc = Number.isInteger(c) && c >= 0 && c < ${p.size} ? ${p.array}[${at}]! : 0;`,
        `lp += pc > 0 ? Math.log(pc) : ${NEG_INF};`,
      ],
      '}',
    ];
  }
  const fns: Record<string, string> = {
    Bernoulli: 'logBernoulli',
    Poisson: 'logPoisson',
    Binomial: 'logBinomial',
    Normal: 'logNormal',
  };
  const fn = fns[f.family];
  if (!fn) throw new CodegenUnsupported(`the numeric objective of the ${f.family} family`);
  const call = `${use(ctx, fn)}(${[child, ...views.map((v) => entry(v, 'n', '0'))].join(', ')})`;
  return ['{', [`const l = ${call};`, `lp += Number.isNaN(l) ? ${NEG_INF} : l;`], '}'];
}

/** Q of one param by L-BFGS and its update. */
function lowerLbfgs(
  nctx: NumericContext,
  p: FitParam,
  allNumeric: readonly FitParam[],
): { functions: FunctionStructure[]; call: Code } {
  const ctx = nctx.mix;
  if (p.dims.length > 0 || p.shape.length > 0)
    throw new CodegenUnsupported(`the L-BFGS update of the array param '${p.name}'`);
  if (p.prior) throw new CodegenUnsupported(`the prior of the numeric param '${p.name}'`);
  const name = pascalCase(p.name);
  const x = `${id(p.name)}[0]!`;
  const tr = transform(p);
  const NEG_INF = use(ctx, 'NEG_INF');
  const S = statesName(ctx);
  // The factors any numeric param enters (the runtime's objective sums all of them).
  const factors = ctx.program.factors
    .map((f, fi) => ({ f, fi }))
    .filter(({ f }) => f.args.some((_, a) => allNumeric.some((q) => argReads(f, a, q.name))));
  const which = new Set(factors.map(({ fi }) => fi));
  const grad = addWork(ctx, { name: `grad${name}`, docs: `shape [1]: ∂Q/∂${p.name}`, type: 'Float64Array', size: '1' });
  const gradient: Code[] = [`${grad}.fill(0);`];
  for (const { f } of factors) {
    if (f.family !== 'Categorical')
      throw new CodegenUnsupported(`the gradient of the ${f.family} family by '${p.name}'`);
    const a = f.args[0]!.source;
    if (a.kind !== 'expression') throw new CodegenUnsupported(`the gradient of '${f.text}' by '${p.name}'`);
    const arg = argOf(nctx, a);
    if (arg.perItem || dependence(arg.expr).perItem)
      throw new CodegenUnsupported(`the gradient of the per-item '${a.text}'`);
    if (arg.expr.kind !== 'vector') throw new CodegenUnsupported(`the gradient of '${a.text}' (not a vector literal)`);
    const view = bufferView(nctx, arg);
    const adjBuf = addWork(ctx, {
      name: `adj${pascalCase(arg.buffer)}`,
      docs: `shape [${arg.size}]: ∂Q/∂${f.args[0]!.name} of '${f.text}' for one joint state`,
      type: 'Float64Array',
      size: arg.size,
    });
    const child =
      f.child.kind === 'state'
        ? ctx.latents.find((l) => l.name === (f.child as { latent: string }).latent)!.loopVar
        : entry(viewOf(ctx, f.child), 'n', '0');
    const at = (k: string) => [view.offset, k].filter((v) => v !== '0').join(' + ');
    const temps = { count: 0 };
    // Reverse evaluation order: the last entry's subtree first.
    const entries: Code[] = [];
    for (let k = arg.expr.elements.length - 1; k >= 0; k--)
      entries.push(...backwardCode(nctx, arg.expr.elements[k]!, `${adjBuf}[${k}]!`, p.name, grad, temps));
    gradient.push(
      ...stateLoops(ctx, [
        `// ∂Q/∂${f.args[0]!.name} at this state: Σ_n r[n, s] / ${f.args[0]!.name}[c]  (${f.text})`,
        `${adjBuf}.fill(0);`,
        `for (let n = 0; n < ${dim(ctx.program.plate.size)}; n++) {`,
        [
          `const r = resp[n * ${S} + ${jointState(ctx)}]!;`,
          'if (r === 0) continue;',
          `const c = ${child};`,
          `${adjBuf}[c]! += r / ${arg.buffer}[${at('c')}]!;`,
        ],
        '}',
        `// back through ${a.text}`,
        ...entries,
      ]),
    );
  }
  const body: Code[] = [
    `${id(p.name)}[0] = ${tr.inverse('u[0]!')};`,
    `if (!Number.isFinite(${x})) return ${NEG_INF};`,
    ...fillAll(nctx, which),
    'let q = 0;',
    `for (let n = 0; n < ${dim(ctx.program.plate.size)}; n++) {`,
    stateLoops(ctx, [
      'let lp = 0;',
      ...factors.flatMap(({ f }) => logDensityCode(nctx, f)),
      `const r = resp[n * ${S} + ${jointState(ctx)}]!;`,
      'if (r > 0) q += r * lp;',
    ]),
    '}',
    `if (Number.isNaN(q)) q = ${NEG_INF};`,
    'if (!grad || !Number.isFinite(q)) return q;',
    ...gradient,
    `grad[0] = ${tr.chain(`${grad}[0]!`, x)};`,
    'return q;',
  ];
  const qName = `q${name}`;
  const texts = factors.map(({ f }) => f.text);
  const q: FunctionStructure = {
    kind: 'function',
    name: qName,
    docs: [
      `The expected complete-data log-likelihood as a function of u, ${p.name}'s unconstrained coordinate (${p.element === 'prob' ? `u = logit ${p.name}` : p.element === 'positive' ? `u = log ${p.name}` : `u = ${p.name}`}):`,
      `  Q(u) = Σ_n Σ_s r[n, s] log p(· | ${p.name}(u)) over ${texts.map((t) => `'${t}'`).join(', ')};`,
      `with grad: dQ/du, the expression's derivative by reverse mode (written out), times d${p.name}/du.`,
      `Leaves ${p.name} at the value of u.`,
    ],
    parameters: [
      ...fnParams,
      { name: 'u', type: 'Float64Array' },
      { name: 'grad', type: 'Float64Array', hasQuestionToken: true },
    ],
    returnType: 'number',
    statements: [...destructure(ctx), ...declareS(ctx), ...destructureWorkFor(ctx, body), ...body],
  };
  const lbfgs = use(ctx, 'lbfgsMaximize');
  const update: FunctionStructure = {
    kind: 'function',
    name: `update${name}`,
    docs: [
      `${p.name} by L-BFGS on Q from its current value (generalized EM, as the runtime's numericMStep):`,
      'the result is kept only if Q does not decrease, else the current value stays (with a warning).',
    ],
    parameters: [...fnParams, { name: 'ctx', type: 'EmStepContext' }, { name: 'settings', type: 'MStepSettings' }],
    returnType: 'void',
    statements: [
      `const ${id(p.name)} = params.${p.name};`,
      `const saved = ${id(p.name)}.slice();`,
      `const u0 = Float64Array.of(${tr.forward(x)});`,
      `const q0 = ${qName}(bound, params, work, u0);`,
      `const result = ${lbfgs}((u, g) => ${qName}(bound, params, work, u, g), u0, { maxIter: 100 });`,
      `const q1 = ${qName}(bound, params, work, result.x);`,
      'if (!(q1 >= q0) && Number.isFinite(q0)) {',
      [
        `${id(p.name)}.set(saved);`,
        `ctx.warn(\`iteration \${ctx.iteration}: the numeric M-step of '${p.name}' found no increase of the expected complete-data log-likelihood; kept the current values\`);`,
        'return;',
      ],
      '}',
      'if (!Number.isFinite(q1)) {',
      [
        `${id(p.name)}.set(saved);`,
        `ctx.warn(\`iteration \${ctx.iteration}: the numeric M-step of '${p.name}' reached no finite value; kept the current values\`);`,
      ],
      '}',
    ],
  };
  return {
    functions: [q, update],
    call: `if (!settings.fixed.has('${p.name}')) update${name}(bound, params, work, ctx, settings);`,
  };
}

/** `const { resp, pY } = work;` for the buffers a body names. */
function destructureWorkFor(ctx: NumericContext['mix'], body: readonly Code[]): string[] {
  const text = JSON.stringify(body);
  const used = ['resp', ...ctx.work.filter((w) => w.init === undefined).map((w) => w.name)].filter((n) =>
    new RegExp(`(?<![.\\w])${n}\\b`).test(text),
  );
  return used.length === 0 ? [] : [`const { ${used.join(', ')} } = work;`];
}

/** The numeric update functions (GLM params by Newton first, then the rest by L-BFGS) and their calls. */
export function lowerNumericMStep(nctx: NumericContext): { functions: FunctionStructure[]; calls: Code[] } {
  const params = numericParams(nctx.mix.program);
  const functions: FunctionStructure[] = [];
  const calls: Code[] = [];
  const rest: FitParam[] = [];
  use(nctx.mix, 'EmStepContext');
  for (const p of params) {
    const glm = glmOf(nctx, p);
    if (!glm) {
      rest.push(p);
      continue;
    }
    const lowered = lowerGlm(nctx, p, glm);
    functions.push(...lowered.functions);
    calls.push(lowered.call);
  }
  if (rest.length > 1) throw new CodegenUnsupported(`one L-BFGS block of ${rest.length} params`);
  for (const p of rest) {
    const lowered = lowerLbfgs(nctx, p, params);
    functions.push(...lowered.functions);
    calls.push(lowered.call);
  }
  return { functions: [...localFunctions(nctx), ...functions], calls };
}

/** The numeric params' start values of a run (the runtime's resetNumericParams), then the given ones. */
export function lowerNumericReset(nctx: NumericContext): Code[] {
  const ctx = nctx.mix;
  const code: Code[] = [];
  for (const p of numericParams(ctx.program)) {
    const v = id(p.name);
    if (p.dims.length > 0) {
      const tr = transform(p);
      code.push(
        `// ${p.name}: standard-normal unconstrained coordinates, so its elements differ from the start`,
        `for (let m = 0; m < ${dims([...p.dims, ...p.shape])}; m++) ${v}[m] = ${tr.inverse(`${use(ctx, 'sampleStdNormal')}(ctx.rng)`)};`,
      );
    } else {
      const start =
        p.element === 'positive' ? '1' : p.element === 'prob' ? '0.5' : p.element === 'real' ? '0' : undefined;
      if (start === undefined) throw new CodegenUnsupported(`the start of the numeric ${p.element} param '${p.name}'`);
      code.push(`${v}.fill(${start}); // ${p.name}: its start (${p.element})`);
    }
    code.push(`if (given.${p.name}) ${v}.set(given.${p.name});`);
  }
  return code.length === 0
    ? []
    : ['// the numeric params start every run from the same point (as the runtime)', ...code];
}

/** Hands the numeric lowering to a mixture fitter's context when the model has expressions or numeric params. */
export function attachNumeric(ctx: MixtureContext): MixtureContext {
  const hasExpressions = ctx.program.factors.some((f) => f.args.some((a) => a.source.kind === 'expression'));
  if (!hasExpressions && numericParams(ctx.program).length === 0) return ctx;
  const nctx = makeNumericContext(ctx);
  ctx.numeric = {
    view: (source) =>
      ctx.numeric?.sampling ? inlineView(nctx, argOf(nctx, source)) : bufferView(nctx, argOf(nctx, source)),
    eStepSetup: () => fillAll(nctx),
    initialize: () => lowerNumericReset(nctx),
    mStep: () => lowerNumericMStep(nctx),
  };
  return ctx;
}
