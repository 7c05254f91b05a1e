/**
 * Lowers the specialised path of a chain (HMM) fitter: where `emforge fit` runs the model on the
 * runtime's specialised chain executor (runtime/src/chain/fast-chain*.ts: `recognizeFastChain`
 * takes Gaussian and categorical emissions selected by the chain latent), the generated `fit`
 * drives the same pieces as the runtime's `fitChain` — the general initialisation, per
 * iteration the blocked forward–backward kernel fused with the sufficient statistics and the
 * closed-form M-step from their sums (`fastChainHooks`; an iteration the kernel cannot take
 * falls back to the general steps there, as in the runtime), then the posteriors at the returned
 * params — so its result has the same bits as `emforge fit`. `fit(data, { specialise: false })`
 * runs the generated general forward–backward and M-step instead (the runtime's general chain
 * executor, bit for bit). Recognition is asked of the runtime at compile time, on data of the
 * declared shapes, and again at run time by `fastChainHooks`.
 */
import {
  type BoundData,
  type BoundVariable,
  type FastChainModel,
  prepareChain,
  recognizeFastChain,
} from '@emforge/runtime';
import type { ChainContext } from './chain-context.js';
import type { StatementStructure } from './fitter-source.js';
import { chainNames } from './lower-chain-e-step.js';
import { freeCount } from './lower-mixture-api.js';
import { destructureNames } from './lower-mixture-types.js';
import { id, use } from './mixture-context.js';

type FastEmission = FastChainModel['emission'];

/**
 * The emission family the runtime's specialised chain executor takes this program with, on data
 * of the declared shapes (sizes distinct, defaults kept, a few sequences of different lengths), or
 * undefined when `emforge fit` runs the general chain executor (or the fitter could not hand its
 * data to the runtime: a chain whose steps are not a ragged size, or data besides the per-step ones).
 */
export function fastEmissionOf(ctx: ChainContext): FastEmission | undefined {
  const { schema } = ctx.full;
  const all = ctx.step.schema.data;
  if (!ctx.ragged || all.length !== ctx.perStep.length || ctx.perStep.length !== 1) return undefined;
  const distinct = [3, 5, 7, 11, 13, 17, 19, 23];
  const sizes: Record<string, number> = {};
  schema.sizes.forEach((s, i) => {
    sizes[s.name] = typeof s.default === 'number' ? s.default : (distinct[i % distinct.length] ?? 3);
  });
  const sequences = sizes[ctx.chain.sequences.size];
  if (sequences === undefined) return undefined;
  const lengths = Array.from({ length: sequences }, (_, s) => 4 + s);
  const offsets = new Int32Array(sequences + 1);
  lengths.forEach((t, s) => {
    offsets[s + 1] = offsets[s]! + t;
  });
  const variables: Record<string, BoundVariable> = {};
  for (const v of ctx.perStep) {
    const element = v.shape.map((d) => (typeof d === 'number' ? d : sizes[d as string]));
    if (element.some((d) => d === undefined)) return undefined;
    const itemSize = (element as number[]).reduce((a, b) => a * b, 1);
    variables[v.name] = {
      name: v.name,
      schema: v,
      shape: [sequences, -1, ...(element as number[])],
      values: new Float64Array(offsets[sequences]! * itemSize),
      offsets,
      itemSize,
    };
  }
  const data: BoundData = { sizes, raggedSizes: { [ctx.stepsSize]: lengths }, variables };
  try {
    return recognizeFastChain(prepareChain(ctx.chain, data))?.emission;
  } catch {
    return undefined;
  }
}

/** The statements of the specialised path: the arena, the fit, the kernel pass and the M-step from its sums. */
export function lowerChainFastPath(ctx: ChainContext, emission: FastEmission): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const step = ctx.step;
  const runEm = use(step, 'runEm');
  const criteria = use(step, 'computeCriteria');
  const NEG_INF = use(step, 'NEG_INF');
  const EMPTY = use(step, 'EMPTY');
  const cholesky = use(step, 'cholesky');
  const LOG_2PI = use(step, 'LOG_2PI');
  for (const name of ['Arena', 'BlockJob', 'ChainShape', 'EmStepContext', 'nodeGlobals']) use(step, name);
  const layout = use(step, 'ArenaLayout');
  const makeArena = use(step, 'makeArena');
  const blockCount = use(step, 'blockCount');
  const runBlocks = use(step, 'runBlocksSerial');
  const kernel = use(step, emission === 'gaussian' ? 'gaussianChainBlock' : 'categoricalChainBlock');
  for (const name of [
    'DESC_K',
    'DESC_E',
    'DESC_SEQUENCES',
    'DESC_START',
    'DESC_DATA',
    'DESC_PARAMS',
    'DESC_MAX_LEN',
    'DESC_WORDS',
    'statSize',
    'scratchSize',
    'emissionParamSize',
    'sequencesPerBlock',
  ])
    use(step, name);
  const { latent } = ctx;
  const { eStep } = chainNames(ctx);
  const fastEStep = `${eStep}Blocks`;
  const names = ctx.chain.params.map((p) => p.name);
  const init = ctx.chain.init.name;
  const trans = ctx.chain.trans.name;
  const gaussian = emission === 'gaussian';
  const emissionParams = ctx.step.program.params.map((p) => p.name);
  const [mu, Sigma] = emissionParams as [string, string | undefined];
  const y = ctx.perStep[0]!;
  const E = gaussian
    ? y.shape.length === 0
      ? '1'
      : y.shape.map((d) => (typeof d === 'number' ? String(d) : `bound.${d}`)).join(' * ')
    : `bound.${y.categories}`;
  const sizeNames = ctx.full.schema.sizes.map((s) => s.name);

  const arenaType: StatementStructure = {
    kind: 'raw',
    name: 'ChainArena',
    text: [
      "/** The specialised kernel's arena (runtime chain/fast-chain.ts): the data and sequence starts written once, the job of one pass. */",
      'interface ChainArena {',
      '  readonly arena: Arena;',
      '  readonly job: BlockJob;',
      '  /** f64 index of the params the kernel reads: init, trans, then the emission params. */',
      '  readonly params: number;',
      '  readonly K: number;',
      '  readonly E: number;',
      '}',
    ].join('\n'),
  };

  const prepare: StatementStructure = {
    kind: 'function',
    name: 'prepareChainArena',
    docs: [
      `Lays out the arena of the ${emission} chain kernel as the runtime does (chain/fast-chain.ts, 1 thread): the descriptor,`,
      'the sequence starts, the observations, the params, one stats slot per block of sequences, their sum, the scratch.',
    ],
    parameters: [{ name: 'bound', type: 'Bound' }],
    returnType: 'ChainArena',
    statements: [
      `const { K, steps, start, ${y.name} } = bound;`,
      `const E = ${E};`,
      'const sequences = start.length - 1;',
      'let maxLen = 1;',
      'for (let s = 0; s < sequences; s++) maxLen = Math.max(maxLen, start[s + 1]! - start[s]!);',
      `const shape: ChainShape = { emission: '${emission}', K, E, maxLen };`,
      'const blockRows = sequencesPerBlock(steps, sequences);',
      `const nBlocks = ${blockCount}(sequences, blockRows);`,
      'const size = statSize(shape);',
      'const perThread = Math.ceil(scratchSize(shape) / 8) * 8;',
      `const layout = new ${layout}();`,
      'const desc = layout.i32s(DESC_WORDS);',
      'const starts = layout.i32s(start.length);',
      `const data = ${gaussian ? 'layout.f64s(steps * E)' : 'layout.i32s(steps)'};`,
      'const params = layout.f64s(K + K * K + emissionParamSize(shape));',
      'const slots = layout.f64s(nBlocks * size);',
      'const total = layout.f64s(size);',
      'const scratch = layout.f64s(perThread);',
      `const arena = ${makeArena}(layout.bytes);`,
      'const { f64, i32 } = arena;',
      'i32[desc + DESC_K] = K;',
      'i32[desc + DESC_E] = E;',
      'i32[desc + DESC_SEQUENCES] = sequences;',
      'i32[desc + DESC_START] = starts;',
      'i32[desc + DESC_DATA] = data;',
      'i32[desc + DESC_PARAMS] = params;',
      'i32[desc + DESC_MAX_LEN] = maxLen;',
      'i32.set(start, starts);',
      gaussian ? `f64.set(${y.name}, data);` : `for (let i = 0; i < steps; i++) i32[data + i] = ${y.name}[i]!;`,
      `const job: BlockJob = { kernel: 'chain-${emission}', desc, n: sequences, blockRows, slots, statSize: size, total, scratch, scratchSize: perThread };`,
      'return { arena, job, params, K, E };',
    ],
  };

  const writeParams: StatementStructure = {
    kind: 'function',
    name: 'writeChainParams',
    docs: [
      `Writes ${names.join(', ')} where the kernel reads them: ${init}, ${trans}, then ${
        gaussian ? `${mu}, L⁻¹ of every ${Sigma} (Sigma = L Lᵀ) and −D/2 log 2π − log |L|` : `${mu} transposed ([M, K])`
      }; false when a covariance is not positive definite (the general E-step runs then).`,
      '@param chol scratch [D, D]',
    ],
    parameters: [
      { name: 'fa', type: 'ChainArena' },
      { name: 'params', type: 'Flat' },
      { name: 'chol', type: 'Float64Array' },
    ],
    returnType: 'boolean',
    statements: [
      'const { f64 } = fa.arena;',
      'const { K, E } = fa;',
      'const base = fa.params;',
      `f64.set(params.${init}, base);`,
      `f64.set(params.${trans}, base + K);`,
      'const em = base + K + K * K;',
      ...(gaussian
        ? [
            'const D = E;',
            `f64.set(params.${mu}, em);`,
            'const linv = em + K * D;',
            'const logNorm = linv + K * D * D;',
            'for (let k = 0; k < K; k++) {',
            [
              `chol.set(params.${Sigma}.subarray(k * D * D, (k + 1) * D * D));`,
              `if (!${cholesky}(chol, D)) return false;`,
              '// L⁻¹ (lower triangular), by forward substitution column by column',
              'const l = linv + k * D * D;',
              'let logDet = 0;',
              'for (let j = 0; j < D; j++) {',
              [
                'logDet += Math.log(chol[j * D + j]!);',
                'for (let i = 0; i < D; i++) {',
                [
                  'if (i < j) {',
                  ['f64[l + i * D + j] = 0;', 'continue;'],
                  '}',
                  'let v = i === j ? 1 : 0;',
                  'for (let m = j; m < i; m++) v -= chol[i * D + m]! * f64[l + m * D + j]!;',
                  'f64[l + i * D + j] = v / chol[i * D + i]!;',
                ],
                '}',
              ],
              '}',
              `f64[logNorm + k] = -0.5 * D * ${LOG_2PI} - logDet;`,
            ],
            '}',
          ]
        : [`for (let k = 0; k < K; k++) for (let m = 0; m < E; m++) f64[em + m * K + k] = params.${mu}[k * E + m]!;`]),
      'return true;',
    ],
  };

  const eStepFn: StatementStructure = {
    kind: 'function',
    name: fastEStep,
    docs: [
      `E-step for ${latent} on the runtime's blocked forward–backward kernel (chain/fast-chain-blocks.ts, ${emission} emissions),`,
      'fused with the sufficient statistics: per sequence the scaled forward and backward passes, summed over blocks of',
      `sequences in a fixed order into [Σ log p(y), γ₀ = Σ_s p(${latent}[s][0] | y), Σ_t ξ_t(j, k), ${
        gaussian ? 'per state Σ γ, Σ γ (y − mu), Σ γ (y − mu)(y − mu)ᵀ' : 'the expected count of every symbol per state'
      }].`,
      'Returns a copy of the sums, or undefined when the params leave the kernel (the general E-step runs then).',
    ],
    parameters: [
      { name: 'fa', type: 'ChainArena' },
      { name: 'params', type: 'Flat' },
      { name: 'chol', type: 'Float64Array' },
    ],
    returnType: 'Float64Array | undefined',
    statements: [
      'if (!writeChainParams(fa, params, chol)) return undefined;',
      `// every block of sequences through the kernel (chain-${emission}), then the slots summed in block order`,
      `${runBlocks}(fa.arena, ${kernel}, fa.job);`,
      'const { total, statSize } = fa.job;',
      `if (!(fa.arena.f64[total]! > ${NEG_INF})) return undefined;`,
      'return fa.arena.f64.slice(total, total + statSize);',
    ],
  };

  const emissionBody = gaussian
    ? [
        `const muFree = !settings.fixed.has('${mu}');`,
        `const sigmaFree = !settings.fixed.has('${Sigma}');`,
        'const delta = new Float64Array(D);',
        'const cov = new Float64Array(D * D);',
        'const nk = at;',
        'const s1 = nk + K;',
        'const s2 = s1 + K * D;',
        'for (let k = 0; k < K; k++) {',
        [
          'const N = totals[nk + k]!;',
          `if (!(N >= ${EMPTY})) return false;`,
          'for (let i = 0; i < D; i++) delta[i] = muFree ? totals[s1 + k * D + i]! / N : 0;',
          `if (muFree) for (let i = 0; i < D; i++) params.${mu}[k * D + i] = ${mu}Old[k * D + i]! + delta[i]!;`,
          'if (!sigmaFree) continue;',
          'for (let i = 0; i < D; i++) {',
          [
            'for (let j = i; j < D; j++) {',
            [
              'const v = totals[s2 + k * D * D + i * D + j]! / N - delta[i]! * delta[j]!;',
              'cov[i * D + j] = v;',
              'cov[j * D + i] = v;',
            ],
            '}',
          ],
          '}',
          'for (let j = 0; j < D; j++) if (!(cov[j * D + j]! > settings.regCovar)) return false;',
          'if (anyPivotAtMost(cov, D, settings.regCovar)) return false;',
          'for (let j = 0; j < D; j++) cov[j * D + j]! += settings.regCovar;',
          `params.${Sigma}.set(cov, k * D * D);`,
        ],
        '}',
        `if (!params.${mu}.every(Number.isFinite) || !params.${Sigma}.every(Number.isFinite)) return false;`,
      ]
    : [
        `if (!settings.fixed.has('${mu}')) {`,
        [
          'for (let k = 0; k < K; k++) {',
          [
            'let sum = 0;',
            'for (let m = 0; m < E; m++) sum += totals[at + m * K + k]!;',
            'if (!(sum > 0) || !Number.isFinite(sum)) return false;',
            `for (let m = 0; m < E; m++) params.${mu}[k * E + m] = totals[at + m * K + k]! / sum;`,
          ],
          '}',
        ],
        '}',
      ];
  const mStepFn: StatementStructure = {
    kind: 'function',
    name: 'mStepBlocks',
    docs: [
      `M-step from the kernel's sums (chain/fast-chain.ts), into the live params: first the emission${gaussian ? 's' : ''},`,
      gaussian
        ? `  ${mu}[k] = ${mu}⁰[k] + δ_k, δ_k = Σ γ (y − ${mu}⁰) / Σ γ;  ${Sigma}[k] = Σ γ (y − ${mu}⁰)(y − ${mu}⁰)ᵀ / Σ γ − δ_k δ_kᵀ + regCovar I`
        : `  ${mu}[k][m] = Σ_t γ_t(k) 1{y_t = m} / Σ_t γ_t(k)`,
      `then ${init} and ${trans} from γ₀ and Σ ξ as the general M-step updates them;`,
      'false (nothing to keep) at a degenerate state: the general E- and M-step redo the iteration then.',
    ],
    parameters: [
      { name: 'fa', type: 'ChainArena' },
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      ...(gaussian ? [{ name: `${mu}Old`, type: 'Float64Array' }] : []),
      { name: 'work', type: 'Work' },
      { name: 'totals', type: 'Float64Array' },
      { name: 'settings', type: 'MStepSettings' },
    ],
    returnType: 'boolean',
    statements: [
      `const { K, E${gaussian ? ': D' : ''} } = fa;`,
      'const at = 1 + K + K * K;',
      ...emissionBody,
      'work.gamma0.set(totals.subarray(1, 1 + K));',
      'work.xiSum.set(totals.subarray(1 + K, 1 + K + K * K));',
      `if (!settings.fixed.has('${init}')) updateInit(bound, params, work);`,
      `if (!settings.fixed.has('${trans}')) updateTrans(bound, params, work);`,
      'return true;',
    ],
  };

  const pivotsFn: StatementStructure | undefined = gaussian
    ? {
        kind: 'function',
        name: 'anyPivotAtMost',
        docs: [
          'True when a pivot of the elimination of the symmetric matrix (its conditional variances) is at most `floor`.',
        ],
        parameters: [
          { name: 'cov', type: 'Float64Array' },
          { name: 'D', type: 'number' },
          { name: 'floor', type: 'number' },
        ],
        returnType: 'boolean',
        statements: [
          'const work = cov.slice(0, D * D);',
          'for (let k = 0; k < D; k++) {',
          [
            'const piv = work[k * D + k]!;',
            'if (!(piv > floor)) return true;',
            'for (let i = k + 1; i < D; i++) {',
            [
              'const f = work[i * D + k]! / piv;',
              'for (let j = k + 1; j < D; j++) work[i * D + j]! -= f * work[k * D + j]!;',
            ],
            '}',
          ],
          '}',
          'return false;',
        ],
      }
    : undefined;

  const fit: StatementStructure = {
    kind: 'function',
    name: 'fitSpecialised',
    docs: [
      `Fits ${ctx.chain.model} as \`emforge fit\` does: on the runtime's specialised chain kernel (${emission} emissions, 1 thread),`,
      'the general initialisation, and the general steps for an iteration the kernel cannot take; the log-likelihood',
      'and the path entropy from the posteriors at the returned params.',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'options', type: `${T}FitOptions` },
    ],
    returnType: 'FitResult',
    statements: [
      "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
      "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
      'const settings: MStepSettings = { regCovar: options.regCovar ?? 1e-6, fixed: new Set(Object.keys(options.fixed ?? {})) };',
      "const method = typeof options.init === 'string' ? options.init : 'kmeans++';",
      'const params = allocateParams(bound);',
      'const work = allocateWork(bound);',
      'const fa = prepareChainArena(bound);',
      'const chol = new Float64Array(fa.E * fa.E);',
      `const { best } = ${runEm}<Flat, { logLik: number; values: Flat; totals?: Float64Array }>(`,
      [
        '{',
        [
          'initialize: (ctx) => {',
          ['loadParams(params, given);', 'return initialize(bound, params, work, ctx, settings, method, given);'],
          '},',
          'eStep: (values) => {',
          [
            'loadParams(params, values);',
            `const totals = ${fastEStep}(fa, params, chol);`,
            'if (totals) return { objective: totals[0]!, stats: { logLik: totals[0]!, values, totals } };',
            '// the params leave the kernel: the general forward–backward',
            `const logLik = ${eStep}(bound, params, work);`,
            `return { objective: Number.isNaN(logLik) ? ${NEG_INF} : logLik, stats: { logLik, values } };`,
          ],
          '},',
          'mStep: (stats, ctx) => {',
          [
            'loadParams(params, stats.values);',
            `if (stats.totals && mStepBlocks(fa, bound, params, ${gaussian ? `stats.values.${mu}, ` : ''}work, stats.totals, settings)) return copyParams(params);`,
            'if (stats.totals) {',
            [
              '// a degenerate state: the general E- and M-step redo this iteration (their warnings, their re-seeding)',
              'loadParams(params, stats.values);',
              `${eStep}(bound, params, work);`,
            ],
            '}',
            'mStep(bound, params, work, ctx, settings);',
            'return copyParams(params);',
          ],
          '},',
        ],
        '},',
        '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
      ],
      ');',
      '// the posteriors at the returned params (the general forward–backward), for the log-likelihood and ICL, as `emforge fit`',
      'loadParams(params, best.params);',
      'const entropy = new Float64Array(1);',
      `const logLik = ${eStep}(bound, params, work, entropy);`,
      ...destructureNames(
        sizeNames.filter((s) => names.some((n) => freeCount(ctx.full, n).includes(id(s)))),
        'bound',
      ),
      `const free: Record<string, number> = { ${ctx.chain.params.map((p) => `${p.name}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
      'let nParams = 0;',
      'for (const [name, count] of Object.entries(free)) if (!settings.fixed.has(name)) nParams += count;',
      'return {',
      [
        `model: '${ctx.chain.model}',`,
        `strategy: '${ctx.chain.strategy}',`,
        'logLik,',
        'objective: best.objective,',
        'iterations: best.iterations,',
        'emSteps: best.emSteps,',
        'converged: best.converged,',
        'params: nestParams(bound, best.params),',
        `...${criteria}(logLik, nParams, bound.steps, entropy[0]!),`,
        'nParams,',
        'nObs: bound.steps,',
        'history: best.history,',
        'warnings: best.warnings,',
      ],
      '};',
    ],
  };
  return [fit, eStepFn, mStepFn, ...(pivotsFn ? [pivotsFn] : []), writeParams, prepare, arenaType];
}
