/**
 * Lowers a chain program's E-step (the runtime's chain/chain.ts `eStepChain` and
 * chain/forward-backward.ts for this model): the emission log densities of every step and state
 * (the mixture E-step's per-family cells, lower-mixture-e-step.ts, without the normalisation),
 * then the scaled forward–backward recursions per sequence, specialised to the chain latent
 * (`forwardBackwardDie`), giving the smoothed marginals γ in `work.resp` (where the emission
 * M-step reads them), Σξ and Σγ₀ for the `init` / `trans` updates, and the log-likelihood; and
 * the Viterbi recursion (`viterbiDie`). The same floating-point operations in the same order as
 * the runtime, so the fitter reproduces `emforge fit` bit for bit.
 */
import { type ChainContext, destructureChain } from './chain-context.js';
import type { Code, FunctionStructure } from './fitter-source.js';
import { factorCode, stateLoops } from './lower-mixture-e-step.js';
import { destructureNames } from './lower-mixture-types.js';
import { addWork, destructureWork, id, pascalCase, use } from './mixture-context.js';

/** `eStepDie`, `forwardBackwardDie`, `viterbiDie`. */
export function chainNames(ctx: ChainContext): { eStep: string; forwardBackward: string; viterbi: string } {
  const L = pascalCase(ctx.latent);
  return { eStep: `eStep${L}`, forwardBackward: `forwardBackward${L}`, viterbi: `viterbi${L}` };
}

/** Registers the chain's work buffers (shapes over all steps and the K states). */
function chainWork(ctx: ChainContext): void {
  const { step, K } = ctx;
  const nk = `${STEPS_LOCAL} * ${K}`;
  const buffers: [string, string, string][] = [
    ['logE', nk, `shape [steps, ${K}]: log p(emissions of step i | ${ctx.latent}_i = k)`],
    ['emission', nk, 'shape [steps, K]: exp(logE − shift), the emission densities rescaled per step'],
    ['alpha', nk, 'shape [steps, K]: the scaled forward variables α̂ (each row sums to 1)'],
    ['scale', STEPS_LOCAL, 'shape [steps]: the forward normalisers c_t'],
    ['shift', STEPS_LOCAL, 'shape [steps]: the per-step maximum of logE factored out'],
    ['beta', K, 'shape [K]: the scaled backward variables of the step in hand'],
    ['ahead', K, 'shape [K]: b · β̂ / c of the next step'],
    [
      'xiSum',
      `${K} * ${K}`,
      `shape [K, K]: Σ over sequences and steps of ξ(j, k) = p(${ctx.latent}_{t−1} = j, ${ctx.latent}_t = k | y)`,
    ],
    ['gamma0', K, `shape [K]: Σ over sequences of γ at step 0`],
  ];
  for (const [name, size, docs] of buffers) addWork(step, { name, docs, type: 'Float64Array', size });
}

const STEPS_LOCAL = 'steps';

/** The forward–backward function over one sequence. */
export function lowerForwardBackward(ctx: ChainContext): FunctionStructure {
  const { K } = ctx;
  const NEG_INF = use(ctx.step, 'NEG_INF');
  const h = ctx.latent;
  const init = id(ctx.chain.init.name);
  const trans = id(ctx.chain.trans.name);
  const body: Code[] = [
    'const { logE, emission, alpha, scale, shift, beta, ahead, xiSum, resp } = work;',
    'let logLik = 0;',
    '// forward: α̂_t(k) ∝ b_t(k) Σ_j α̂_{t−1}(j) trans[j, k], α̂_0(k) ∝ init[k] b_0(k); c_t the normaliser',
    'for (let t = 0; t < L; t++) {',
    [
      `const row = (n0 + t) * ${K};`,
      `let c = ${NEG_INF};`,
      `for (let k = 0; k < ${K}; k++) if (logE[row + k]! > c) c = logE[row + k]!;`,
      `if (!(c > ${NEG_INF})) return impossible(resp, n0, L, ${K});`,
      'let z = 0;',
      `for (let k = 0; k < ${K}; k++) {`,
      [
        'let a = 0;',
        `if (t === 0) a = ${init}[k]!;`,
        `else for (let j = 0; j < ${K}; j++) a += alpha[row - ${K} + j]! * ${trans}[j * ${K} + k]!;`,
        'const bk = Math.exp(logE[row + k]! - c);',
        'emission[row + k] = bk;',
        'a *= bk;',
        'alpha[row + k] = a;',
        'z += a;',
      ],
      '}',
      `if (!(z > 0) || !Number.isFinite(z)) return impossible(resp, n0, L, ${K});`,
      `for (let k = 0; k < ${K}; k++) alpha[row + k]! /= z;`,
      'scale[n0 + t] = z;',
      'shift[n0 + t] = c;',
      'logLik += Math.log(z) + c;',
    ],
    '}',
    `// backward: β̂_t(j) = Σ_k trans[j, k] b_{t+1}(k) β̂_{t+1}(k) / c_{t+1}; γ_t ∝ α̂_t β̂_t; ξ_t(j, k) = α̂_t(j) trans[j, k] b_{t+1}(k) β̂_{t+1}(k) / c_{t+1}`,
    `const last = (n0 + L - 1) * ${K};`,
    `for (let k = 0; k < ${K}; k++) {`,
    ['beta[k] = 1;', 'resp[last + k] = alpha[last + k]!;'],
    '}',
    'let h = 0;',
    'for (let t = L - 2; t >= 0; t--) {',
    [
      `const row = (n0 + t) * ${K};`,
      `const next = row + ${K};`,
      'const z = scale[n0 + t + 1]!;',
      `for (let k = 0; k < ${K}; k++) ahead[k] = (emission[next + k]! * beta[k]!) / z;`,
      'let total = 0;',
      `for (let j = 0; j < ${K}; j++) {`,
      [
        'const aj = alpha[row + j]!;',
        'let bj = 0;',
        `for (let k = 0; k < ${K}; k++) {`,
        [
          `const tw = ${trans}[j * ${K} + k]! * ahead[k]!;`,
          'bj += tw;',
          'const xi = aj * tw;',
          `xiSum[j * ${K} + k]! += xi;`,
        ],
        '}',
        'beta[j] = bj;',
        'resp[row + j] = aj * bj;',
        'total += aj * bj;',
      ],
      '}',
      '// γ sums to 1 in exact arithmetic; renormalising keeps round-off from accumulating',
      `for (let j = 0; j < ${K}; j++) resp[row + j]! /= total;`,
      'if (entropy) {',
      [
        `// H(${h}_{t+1} | ${h}_t, y) = −Σ ξ log q, q = p(${h}_{t+1} = k | ${h}_t = j, y) = trans · ahead / β̂_t(j)`,
        `for (let j = 0; j < ${K}; j++) {`,
        [
          'const aj = alpha[row + j]!;',
          'const bj = beta[j]!;',
          `for (let k = 0; k < ${K}; k++) {`,
          [`const q = (${trans}[j * ${K} + k]! * ahead[k]!) / bj;`, 'if (q > 0) h -= aj * bj * q * Math.log(q);'],
          '}',
        ],
        '}',
      ],
      '}',
    ],
    '}',
    'if (entropy) {',
    [
      `const first = n0 * ${K};`,
      `for (let k = 0; k < ${K}; k++) {`,
      ['const g = resp[first + k]!;', 'if (g > 0) h -= g * Math.log(g);'],
      '}',
      'entropy[0]! += h;',
    ],
    '}',
    'return logLik;',
  ];
  return {
    kind: 'function',
    name: chainNames(ctx).forwardBackward,
    docs: [
      `Forward–backward over one sequence of ${h} (steps n0 … n0 + L − 1), scaled (Rabiner 1989) with the`,
      'per-step maximum of logE factored out first, so nothing underflows however peaked the emissions are:',
      '  log p(y_s) = Σ_t (log c_t + max_k logE[t, k]).',
      'Writes γ into work.resp, adds Σ_t ξ_t to work.xiSum (and with `entropy` the entropy of the path',
      'posterior); an impossible sequence gives −∞ and uniform γ.',
    ],
    parameters: [
      { name: init, type: 'Float64Array' },
      { name: trans, type: 'Float64Array' },
      ...(/^\d+$/.test(K) ? [] : [{ name: K, type: 'number' }]),
      { name: 'work', type: 'Work' },
      { name: 'n0', type: 'number' },
      { name: 'L', type: 'number' },
      { name: 'entropy', type: 'Float64Array', hasQuestionToken: true },
    ],
    returnType: 'number',
    statements: body,
  };
}

/** `impossible`: uniform γ over a sequence with zero density. */
export function lowerImpossible(ctx: ChainContext): FunctionStructure {
  return {
    kind: 'function',
    name: 'impossible',
    docs: ['An impossible sequence (zero density under every reachable state): uniform γ, log-likelihood −∞.'],
    parameters: [
      { name: 'gamma', type: 'Float64Array' },
      { name: 'n0', type: 'number' },
      { name: 'L', type: 'number' },
      { name: 'states', type: 'number' },
    ],
    returnType: 'number',
    statements: ['gamma.fill(1 / states, n0 * states, (n0 + L) * states);', `return ${use(ctx.step, 'NEG_INF')};`],
  };
}

/** The E-step: emission log densities, then forward–backward per sequence. */
export function lowerChainEStep(ctx: ChainContext): FunctionStructure {
  chainWork(ctx);
  const { step, K } = ctx;
  const names = chainNames(ctx);
  const h = ctx.latent;
  // Observations first, then any other per-step factor (as the runtime's stepLogDensities).
  const factors = step.program.factors
    .map((f, fi) => ({ f, fi }))
    .sort((a, b) => Number(b.f.child.kind === 'data') - Number(a.f.child.kind === 'data'));
  const codes = factors.map(({ f, fi }) => factorCode(step, f, fi));
  const loop = step.latents[0]!.loopVar;
  const emissions: Code[] = [
    ...codes.flatMap((c) => c.setup),
    `// logE[n, ${loop}] = ${factors.map(({ f }) => `log p(${f.text.split(' ~ ')[0]} | ${h})`).join(' + ')}`,
    `for (let n = 0; n < ${STEPS_LOCAL}; n++) {`,
    [
      `const row = n * ${K};`,
      ...stateLoops(step, ['let lp = 0;', ...codes.flatMap((c) => c.cell), `logE[row + ${loop}] = lp;`]),
    ],
    '}',
  ];
  const kArg = /^\d+$/.test(K) ? '' : `${K}, `;
  const body: Code[] = [
    ...emissions,
    'xiSum.fill(0);',
    'gamma0.fill(0);',
    'let logLik = 0;',
    `for (let s = 0; s < ${ctx.sequences}; s++) {`,
    [
      'const n0 = start[s]!;',
      'const L = start[s + 1]! - n0;',
      'if (L === 0) continue;',
      `logLik += ${names.forwardBackward}(${id(ctx.chain.init.name)}, ${id(ctx.chain.trans.name)}, ${kArg}work, n0, L, entropy);`,
      `for (let k = 0; k < ${K}; k++) gamma0[k]! += resp[n0 * ${K} + k]!;`,
    ],
    '}',
    'return logLik;',
  ];
  const plan = step.plan.latents.find((l) => l.name === h);
  return {
    kind: 'function',
    name: names.eStep,
    docs: [
      ...(plan
        ? [`E-step for ${h} (${plan.strategy}): ${plan.reason}.`, ...plan.posteriors.map((p) => `  ${p}`), '']
        : []),
      `logE[n, k] = Σ_emissions log p(· | ${h}_n = k) for every step n of every sequence (back to back), then per`,
      `sequence ${names.forwardBackward}: γ into work.resp, Σ ξ into work.xiSum, Σ_s γ_s0 into work.gamma0.`,
      'Returns the log-likelihood Σ_s log p(y_s). Emissions, in order:',
      ...factors.map(({ f }) => `  ${f.text}`),
      '@param entropy shape [1], in/out (optional): the entropy of the path posteriors is added (for ICL)',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
      { name: 'entropy', type: 'Float64Array', hasQuestionToken: true },
    ],
    returnType: 'number',
    statements: [...destructureChain(ctx), ...destructureWork(step, body, ['logE', 'xiSum', 'gamma0']), ...body],
  };
}

/** The Viterbi paths of every sequence at the params last loaded (after an E-step). */
export function lowerViterbi(ctx: ChainContext): FunctionStructure {
  const { K } = ctx;
  const NEG_INF = use(ctx.step, 'NEG_INF');
  const init = id(ctx.chain.init.name);
  const trans = id(ctx.chain.trans.name);
  const body: Code[] = [
    ...destructureNames(
      ['start', ...[ctx.chain.latent.states, ctx.chain.sequences.size].filter((d) => typeof d === 'string')],
      'bound',
    ),
    `const { ${[ctx.chain.init.name, ctx.chain.trans.name].map((n) => (id(n) === n ? n : `${n}: ${id(n)}`)).join(', ')} } = params;`,
    'const { logE } = work;',
    `const logInit = ${init}.map(Math.log);`,
    `const logTrans = ${trans}.map(Math.log);`,
    `const delta = new Float64Array(${K});`,
    `const next = new Float64Array(${K});`,
    'const back = new Int32Array(logE.length);',
    'const paths: number[][] = [];',
    `for (let s = 0; s < ${ctx.sequences}; s++) {`,
    [
      'const n0 = start[s]!;',
      'const L = start[s + 1]! - n0;',
      'const path = new Array<number>(L).fill(0);',
      'paths.push(path);',
      'if (L === 0) continue;',
      `for (let k = 0; k < ${K}; k++) delta[k] = logInit[k]! + logE[n0 * ${K} + k]!;`,
      'for (let t = 1; t < L; t++) {',
      [
        `const row = (n0 + t) * ${K};`,
        `for (let k = 0; k < ${K}; k++) {`,
        [
          `let best = ${NEG_INF};`,
          'let arg = 0;',
          `for (let j = 0; j < ${K}; j++) {`,
          [`const v = delta[j]! + logTrans[j * ${K} + k]!;`, 'if (v > best) {', ['best = v;', 'arg = j;'], '}'],
          '}',
          'next[k] = best + logE[row + k]!;',
          'back[row + k] = arg;',
        ],
        '}',
        'delta.set(next);',
      ],
      '}',
      'let end = 0;',
      `for (let k = 1; k < ${K}; k++) if (delta[k]! > delta[end]!) end = k;`,
      'path[L - 1] = end;',
      `for (let t = L - 1; t > 0; t--) path[t - 1] = back[(n0 + t) * ${K} + path[t]!]!;`,
    ],
    '}',
    'return paths;',
  ];
  return {
    kind: 'function',
    name: chainNames(ctx).viterbi,
    docs: [
      `The most probable path of ${ctx.latent} in every sequence (Viterbi, in log space; ties go to the lower state):`,
      `  δ_0(k) = log init[k] + logE[0, k], δ_t(k) = max_j (δ_{t−1}(j) + log trans[j, k]) + logE[t, k].`,
      'Reads work.logE of the last E-step.',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'number[][]',
    statements: body,
  };
}
