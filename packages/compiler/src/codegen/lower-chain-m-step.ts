// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a chain program's M-step and initialisation (the runtime's chain/chain-m-step.ts and
 * chain/chain-init.ts for this model): the emission params by the mixture M-step over all steps
 * (lower-mixture-m-step.ts, renamed `mStepEmissions`) from γ, then `init` from Σ_s γ_s0 and each
 * row of `trans` from Σ ξ, normalised (`updateInit`, `updateTrans`, a row without expected
 * counts keeping its value); and `initialize`: k-means (k-means++ or random points, then Lloyd)
 * on the first observation when it has many distinct values, else one Dirichlet(1) draw per
 * distinct observed value shared by the steps showing it, then the emission M-step, `init` near
 * uniform and `trans` near a sticky matrix — the same draws from the run's stream in the same
 * order as the runtime.
 */
import { type ChainContext, destructureChain } from './chain-context.js';
import type { Code, FunctionStructure } from './fitter-source.js';
import { lowerMStep, paramDocs } from './lower-mixture-m-step.js';
import { destructureNames } from './lower-mixture-types.js';
import { addWork, CodegenUnsupported, id, pascalCase, use, viewOf } from './mixture-context.js';

/** More distinct observed rows than this (in the first observation) and k-means seeds the states (chain-init.ts). */
const FEW_DISTINCT = 64;

function sizesOf(ctx: ChainContext): string[] {
  return typeof ctx.chain.latent.states === 'string' ? destructureNames([ctx.chain.latent.states], 'bound') : [];
}

/** `updateInit` / `updateTrans`: normalised expected counts, row by row. */
function simplexUpdate(ctx: ChainContext, which: 'init' | 'trans'): FunctionStructure {
  const { K } = ctx;
  const p = ctx.chain[which];
  const name = id(p.name);
  const counts = which === 'init' ? 'gamma0' : 'xiSum';
  const next = addWork(ctx.step, {
    name: `next${pascalCase(p.name)}`,
    docs: `shape [${K}]: the update of one row of ${p.name}`,
    type: 'Float64Array',
    size: K,
  });
  const row = which === 'init' ? '0' : 'j';
  const at = (k: string) => (row === '0' ? `${counts}[${k}]!` : `${counts}[j * ${K} + ${k}]!`);
  const body: Code[] = [
    'let sum = 0;',
    `for (let k = 0; k < ${K}; k++) sum += ${at('k')};`,
    `// no expected count (${which === 'init' ? 'no sequence' : 'a state never left'}): the expected complete-data log-likelihood does not depend on it`,
    `if (!(sum > 0)) ${which === 'init' ? 'return' : 'continue'};`,
    `for (let k = 0; k < ${K}; k++) ${next}[k] = ${at('k')} / sum;`,
    `if (${next}.every(Number.isFinite)) ${name}.set(${next}${row === '0' ? '' : `, j * ${K}`});`,
  ];
  return {
    kind: 'function',
    name: `update${pascalCase(p.name)}`,
    docs: [
      ...paramDocs(ctx.step, [p.name]),
      `From the expected ${which === 'init' ? 'initial-state counts Σ_s γ_s0 (work.gamma0)' : 'transition counts Σ_{s,t} ξ_st(j, ·) (work.xiSum), row j'}.`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
    ],
    returnType: 'void',
    statements: [
      ...sizesOf(ctx),
      `const { ${p.name === name ? name : `${p.name}: ${name}`} } = params;`,
      `const { ${counts}, ${next} } = work;`,
      ...(which === 'init' ? body : [`for (let j = 0; j < ${K}; j++) {`, body, '}']),
    ],
  };
}

/** The emission update functions, `mStepEmissions`, `updateInit`, `updateTrans` and `mStep`. */
export function lowerChainMStep(ctx: ChainContext): FunctionStructure[] {
  const emissions = lowerMStep(ctx.step).map((f) =>
    f.name === 'mStep'
      ? {
          ...f,
          name: 'mStepEmissions',
          docs: [
            `The emission params' M-step from γ in work.resp (every step of every sequence an item): locations and`,
            'probabilities first, then scales with the new means (as in ECM); fixed params are skipped.',
          ],
        }
      : f,
  );
  const { init, trans } = ctx.chain;
  return [
    ...emissions,
    simplexUpdate(ctx, 'init'),
    simplexUpdate(ctx, 'trans'),
    {
      kind: 'function',
      name: 'mStep',
      docs: [
        `One M-step (Baum–Welch) from the last E-step, updating the params in place: the emission params,`,
        `then ${init.name} and ${trans.name}; fixed params are skipped.`,
      ],
      parameters: [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'work', type: 'Work' },
        { name: 'ctx', type: 'EmStepContext' },
        { name: 'settings', type: 'MStepSettings' },
      ],
      returnType: 'void',
      statements: [
        'mStepEmissions(bound, params, work, ctx, settings);',
        `if (!settings.fixed.has('${init.name}')) update${pascalCase(init.name)}(bound, params, work);`,
        `if (!settings.fixed.has('${trans.name}')) update${pascalCase(trans.name)}(bound, params, work);`,
      ],
    },
  ];
}

/** `initialize(bound, params, work, ctx, settings, method, given)`. */
export function lowerChainInitialize(ctx: ChainContext): FunctionStructure {
  const { step, K } = ctx;
  const observations = step.program.factors.filter((f) => f.child.kind === 'data');
  const first = observations[0];
  if (first?.child.kind !== 'data') throw new CodegenUnsupported('a chain without an observed emission');
  const x = viewOf(step, first.child);
  if (x.step !== x.size || x.offset !== '0') throw new CodegenUnsupported(`the layout of '${first.text}'`);
  const d = x.size;
  const sampleDirichlet = use(step, 'sampleDirichlet');
  const kMeans = use(step, 'kMeans');
  const kmeansPlusPlus = use(step, 'kmeansPlusPlus');
  const randomPoints = use(step, 'randomPoints');
  const single = observations.length === 1 && d === '1';
  const rowKey = (v: ReturnType<typeof viewOf>) =>
    v.size === '1'
      ? `key += \`\${${v.array}[n]!},|\`;`
      : `for (let j = 0; j < ${v.size}; j++) key += \`\${${v.array}[n * ${v.size} + j]!},\`;`;
  const distinct: Code[] = single
    ? [
        'const distinct = new Set<number>();',
        `for (let n = 0; n < steps && distinct.size <= ${FEW_DISTINCT}; n++) distinct.add(${x.array}[n]!);`,
      ]
    : [
        'const distinct = new Set<string>();',
        `for (let n = 0; n < steps && distinct.size <= ${FEW_DISTINCT}; n++) {`,
        [
          "let key = '';",
          d === '1'
            ? `key += \`\${${x.array}[n]!},\`;`
            : `for (let j = 0; j < ${d}; j++) key += \`\${${x.array}[n * ${d} + j]!},\`;`,
          'distinct.add(key);',
        ],
        '}',
      ];
  const keyed: Code[] = single
    ? [
        'const draws = new Map<number, Float64Array>();',
        'resp.fill(0);',
        'for (let n = 0; n < steps; n++) {',
        [
          `let draw = draws.get(${x.array}[n]!);`,
          'if (!draw) {',
          [
            `draw = new Float64Array(${K});`,
            `${sampleDirichlet}(ctx.rng, 1, draw);`,
            `draws.set(${x.array}[n]!, draw);`,
          ],
          '}',
          `resp.set(draw, n * ${K});`,
        ],
        '}',
      ]
    : [
        'const draws = new Map<string, Float64Array>();',
        'resp.fill(0);',
        'for (let n = 0; n < steps; n++) {',
        [
          "let key = '';",
          ...observations.map((f) => {
            const v = viewOf(step, f.child as Parameters<typeof viewOf>[1]);
            return v.size === '1'
              ? rowKey(v)
              : `for (let j = 0; j < ${v.size}; j++) key += \`\${${v.array}[n * ${v.size} + j]!},\`; key += '|';`;
          }),
          'let draw = draws.get(key);',
          'if (!draw) {',
          [`draw = new Float64Array(${K});`, `${sampleDirichlet}(ctx.rng, 1, draw);`, 'draws.set(key, draw);'],
          '}',
          `resp.set(draw, n * ${K});`,
        ],
        '}',
      ];
  const init = id(ctx.chain.init.name);
  const trans = id(ctx.chain.trans.name);
  const names = ctx.chain.params.map((p) => p.name);
  const seeding: Code[] = [
    `// many distinct values of ${first.text.split(' ~ ')[0]} (continuous emissions): k-means, one cluster per state;`,
    '// few (categorical, counts, 0/1) or `random`: one Dirichlet(1) draw per distinct value, shared by the steps showing it',
    ...distinct,
    `if (method !== 'random' && distinct.size > ${FEW_DISTINCT} && steps >= ${K}) {`,
    [
      `const label = ${kMeans}(${x.array}, steps, ${d}, ${K}, method === 'random-points' ? ${randomPoints} : ${kmeansPlusPlus}, ctx.rng);`,
      'resp.fill(0);',
      `for (let n = 0; n < steps; n++) resp[n * ${K} + label[n]!] = 1;`,
    ],
    '} else {',
    keyed,
    '}',
    `mStepEmissions(bound, params, work, ctx, settings);`,
    `// ${ctx.chain.init.name} ∝ 1 + u/2; row j of ${ctx.chain.trans.name} ∝ (3K on the diagonal, else 1) · (1 + u/2), u uniform: states usually persist`,
    'let total = 0;',
    `for (let k = 0; k < ${K}; k++) {`,
    ['const v = 1 + 0.5 * ctx.rng.uniform();', `${init}[k] = v;`, 'total += v;'],
    '}',
    `for (let k = 0; k < ${K}; k++) ${init}[k]! /= total;`,
    `for (let j = 0; j < ${K}; j++) {`,
    [
      'let rowTotal = 0;',
      `for (let k = 0; k < ${K}; k++) {`,
      [
        `const v = (k === j ? 3 * ${K} : 1) * (1 + 0.5 * ctx.rng.uniform());`,
        `${trans}[j * ${K} + k] = v;`,
        'rowTotal += v;',
      ],
      '}',
      `for (let k = 0; k < ${K}; k++) ${trans}[j * ${K} + k]! /= rowTotal;`,
    ],
    '}',
  ];
  return {
    kind: 'function',
    name: 'initialize',
    docs: [
      'Initial params for one run: seeded γ (k-means on continuous emissions, else value-keyed Dirichlet(1)',
      `draws), one emission M-step, ${ctx.chain.init.name} near uniform and ${ctx.chain.trans.name} near a sticky matrix; given values override what they name.`,
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
      { name: 'ctx', type: 'EmStepContext' },
      { name: 'settings', type: 'MStepSettings' },
      { name: 'method', type: "'kmeans++' | 'random' | 'random-points'" },
      { name: 'given', type: 'Partial<Flat>' },
    ],
    returnType: 'Flat',
    statements: [
      ...destructureChain(ctx),
      'const { resp } = work;',
      `if (${names.map((n) => `given.${n} === undefined`).join(' || ')}) {`,
      seeding,
      '}',
      'return {',
      names.map((n) => `${n}: given.${n} ? Float64Array.from(given.${n}) : params.${n}.slice(),`),
      '};',
    ],
  };
}
