// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the declarations and the exported functions of a chain (HMM) fitter: the public types
 * (the mixture's, lower-mixture-types.ts, with a posterior holding the Viterbi paths), `Bound`
 * (every per-step data variable flat over all steps of all sequences back to back, as the runtime
 * binds them, with `start` marking where each sequence begins), `bind` (ragged sequences measured
 * from the data), `fit(data, options)` (the runtime's driver with this model's initialize /
 * E-step / M-step, and the same `FitResult` as `emforge fit`: chain/fit-chain.ts), `logLik` and
 * `posterior` (smoothed marginals per step and the Viterbi path of every sequence).
 */
import type { ChainContext } from './chain-context.js';
import type { Code, FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { chainNames } from './lower-chain-e-step.js';
import { freeCount } from './lower-mixture-api.js';
import { destructureNames, field, lowerPublicTypes, nestedType } from './lower-mixture-types.js';
import { CodegenUnsupported, dim, dims, id, use } from './mixture-context.js';

/** The public interfaces: Data, Params, Sizes, FitOptions, and the chain's Posterior. */
export function lowerChainPublicTypes(ctx: ChainContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const types = lowerPublicTypes(ctx.full).filter((s) => s.name !== `${T}Sample`);
  const posterior: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Posterior`,
    isExported: true,
    docs: ['The smoothed marginals of every step and the Viterbi paths (as `emforge fit --posteriors` writes them).'],
    properties: [
      { name: 'latents', type: 'readonly string[]', isReadonly: true },
      {
        name: 'states',
        type: 'readonly string[]',
        isReadonly: true,
        docs: [`One name per state: \`${ctx.latent}=0\`, …`],
      },
      {
        name: 'responsibilities',
        type: nestedType(2),
        isReadonly: true,
        docs: [`shape [steps][${ctx.K}]: p(${ctx.latent}[s][t] = k | y[s]), every step of every sequence in order`],
      },
      {
        name: 'paths',
        type: `{ readonly ${ctx.latent}: ${nestedType(2)} }`,
        isReadonly: true,
        docs: [`The most probable path of ${ctx.latent} in each sequence (Viterbi).`],
      },
    ],
  };
  return types.map((s) => (s.name === posterior.name ? posterior : s));
}

/** `Bound` and `Flat`. */
export function lowerChainFlatTypes(ctx: ChainContext): StatementStructure[] {
  const { schema } = ctx.full;
  return [
    {
      kind: 'interface',
      name: `Bound extends ${ctx.full.typePrefix}Sizes`,
      docs: [
        'The sizes, and every data variable flat in row-major order; per-step variables over every step',
        'of every sequence back to back.',
      ],
      properties: [
        { name: 'steps', type: 'number', isReadonly: true, docs: ['The number of steps of all sequences.'] },
        {
          name: 'start',
          type: 'Int32Array',
          isReadonly: true,
          docs: [`shape [${ctx.chain.sequences.size} + 1]: sequence s holds steps start[s] … start[s + 1] − 1`],
        },
        ...schema.data.map((v) => ({
          name: v.name,
          type: 'Float64Array',
          isReadonly: true,
          docs: [
            ctx.perStep.includes(v)
              ? `shape [steps${v.shape.map((d) => `, ${d}`).join('')}] (${v.typeText})`
              : `shape [${[...v.dims, ...v.shape].join(', ')}]`,
          ],
        })),
      ],
    },
    {
      kind: 'interface',
      name: 'Flat',
      docs: ['The params, each flat in row-major order in its declared shape (updated in place by the M-step).'],
      properties: ctx.chain.params.map((p) => ({
        name: p.name,
        type: 'Float64Array',
        isReadonly: true,
        docs: [`shape [${[...p.dims, ...p.shape].join(', ')}]`],
      })),
    },
  ];
}

/** The entry check of a data variable (the mixture's `bind` checks). */
function entryCheck(v: ChainContext['perStep'][number]): { test: string; what: string } {
  if (v.element === 'cat') {
    const k = v.categories === undefined ? undefined : dim(v.categories);
    return {
      test: `Number.isInteger(x) && x >= 0${k ? ` && x < ${k}` : ''}`,
      what: k ? `a category 0 … ${v.categories} − 1` : 'a category (an integer ≥ 0)',
    };
  }
  const checks: Record<string, { test: string; what: string }> = {
    real: { test: 'Number.isFinite(x)', what: 'a finite number' },
    positive: { test: 'Number.isFinite(x) && x > 0', what: 'a positive number' },
    count: { test: 'Number.isInteger(x) && x >= 0', what: 'a count (an integer ≥ 0)' },
    prob: { test: 'x >= 0 && x <= 1', what: 'a probability in [0, 1]' },
  };
  const check = checks[v.element];
  if (!check) throw new CodegenUnsupported(`data '${v.name}' of type ${v.element}`);
  return check;
}

/** `bind(data, given)`: sizes, the sequences' lengths, then every data variable read and checked. */
export function lowerChainBind(ctx: ChainContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const { schema } = ctx.full;
  const first = ctx.perStep[0]!;
  const seq = ctx.sequences;
  const body: Code[] = ['const problems: string[] = [];'];
  for (const s of schema.sizes) {
    const measured =
      s.name === ctx.chain.sequences.size
        ? `data.${first.name}.length`
        : s.name === ctx.stepsSize
          ? `data.${first.name}[0]?.length`
          : undefined;
    const sources = [`given.${s.name}`, measured, s.default === undefined ? undefined : String(s.default)];
    body.push(`const ${id(s.name)} = ${sources.filter((x) => x !== undefined).join(' ?? ')};`);
  }
  for (const s of schema.sizes) {
    body.push(
      `if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in options.sizes");`,
    );
  }
  body.push(
    ctx.ragged
      ? `// the sequences' lengths ${ctx.stepsSize}[s], from ${first.name}; sequence s holds steps start[s] … start[s + 1] − 1`
      : `// every sequence has ${ctx.stepsSize} steps; sequence s holds steps start[s] … start[s + 1] − 1`,
    `const start = new Int32Array(${seq} + 1);`,
    `for (let s = 0; s < ${seq}; s++) {`,
    ctx.ragged
      ? [
          `const rows: unknown = data.${first.name}[s];`,
          'start[s + 1] = start[s]! + (Array.isArray(rows) ? rows.length : 0);',
        ]
      : [`start[s + 1] = start[s]! + ${id(ctx.stepsSize)};`],
    '}',
    `const steps = start[${seq}]!;`,
  );
  for (const v of schema.data) {
    const check = entryCheck(v);
    if (ctx.perStep.includes(v)) {
      const item = dims(v.shape);
      body.push(
        `const ${id(v.name)} = new Float64Array(${item === '1' ? 'steps' : `steps * ${item}`});`,
        `if (!Array.isArray(data.${v.name}) || data.${v.name}.length !== ${seq}) problems.push(\`${v.name} should be an array of \${${seq}} sequences\`);`,
        `else for (let s = 0; s < ${seq}; s++) {`,
        [
          `readNested(data.${v.name}[s], [start[s + 1]! - start[s]!${v.shape.map((d) => `, ${dim(d)}`).join('')}], ${id(v.name)}, \`${v.name}[\${s}]\`, (x) => ${check.test}, '${check.what}', problems, ${item === '1' ? 'start[s]!' : `start[s]! * ${item}`});`,
        ],
        '}',
      );
    } else {
      const full = [...v.dims, ...v.shape];
      body.push(
        `const ${id(v.name)} = new Float64Array(${dims(full)});`,
        `readNested(data.${v.name}, [${full.map(dim).join(', ')}], ${id(v.name)}, '${v.name}', (x) => ${check.test}, '${check.what}', problems);`,
      );
    }
  }
  body.push(
    "if (problems.length > 0) throw new Error(`the data do not match the model:\\n  ${problems.join('\\n  ')}`);",
    `return { ${[...schema.sizes.map((s) => s.name), 'steps', 'start', ...schema.data.map((v) => v.name)].map(field).join(', ')} };`,
  );
  return {
    kind: 'function',
    name: 'bind',
    docs: [
      'Binds data to the model: sizes from `given`, then the data, then the declared defaults; the',
      'sequences laid back to back; every value checked against its declared type. Throws an Error listing the problems.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'given', type: `Partial<${T}Sizes>`, initializer: '{}' },
    ],
    returnType: 'Bound',
    statements: body,
  };
}

export function lowerChainFit(ctx: ChainContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const runEm = use(ctx.step, 'runEm');
  const criteria = use(ctx.step, 'computeCriteria');
  const NEG_INF = use(ctx.step, 'NEG_INF');
  use(ctx.step, 'FitResult');
  const { eStep } = chainNames(ctx);
  return {
    kind: 'function',
    name: 'fit',
    isExported: true,
    docs: [
      `Fits ${ctx.chain.model} to \`data\` by EM (Baum–Welch, ${ctx.chain.strategy}); the same result as \`emforge fit\` with the same options.`,
      'Throws an Error when the data or the given param values do not match the model.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'options', type: `${T}FitOptions`, initializer: '{}' },
    ],
    returnType: 'FitResult',
    statements: [
      'const bound = bind(data, options.sizes);',
      ...(ctx.full.specialised
        ? [
            `// \`emforge fit\` runs ${ctx.chain.model} on the runtime's specialised ${ctx.full.specialised} executor: so does this fitter`,
            'if (options.specialise !== false) return fitSpecialised(bound, options);',
          ]
        : []),
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
            `return { objective: Number.isNaN(logLik) ? ${NEG_INF} : logLik, stats: logLik };`,
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
      '// the posteriors at the returned params, for the log-likelihood and ICL (the entropy of the path posteriors)',
      'loadParams(params, best.params);',
      'const entropy = new Float64Array(1);',
      `const logLik = ${eStep}(bound, params, work, entropy);`,
      ...destructureNames(
        ctx.full.schema.sizes.map((s) => s.name).filter((s) => Object.values(free(ctx)).some((c) => c.includes(id(s)))),
        'bound',
      ),
      `const free: Record<string, number> = { ${ctx.chain.params.map((p) => `${/^[A-Za-z_$][\w$]*$/.test(p.name) ? p.name : `'${p.name}'`}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
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
}

function free(ctx: ChainContext): Record<string, string> {
  return Object.fromEntries(ctx.chain.params.map((p) => [p.name, freeCount(ctx.full, p.name)]));
}

/** `logLik` and `posterior`: one E-step at given params (and the Viterbi paths). */
export function lowerChainEvaluate(ctx: ChainContext): FunctionStructure[] {
  const T = ctx.full.typePrefix;
  const { eStep, viterbi } = chainNames(ctx);
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    'const flat = allocateParams(bound);',
    ...ctx.chain.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
  ];
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  const K = ctx.K;
  return [
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: ['The observed-data log-likelihood of `data` at `params`: Σ over sequences of log p(y[s]).'],
      parameters,
      returnType: 'number',
      statements: [...setup, `return ${eStep}(bound, flat, work);`],
    },
    {
      kind: 'function',
      name: 'posterior',
      isExported: true,
      docs: [
        `The smoothed marginals p(${ctx.latent}[s][t] = k | y[s]) of every step at \`params\`, and the Viterbi paths.`,
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [
        ...setup,
        `${eStep}(bound, flat, work);`,
        ...(typeof ctx.chain.latent.states === 'string' ? destructureNames([ctx.chain.latent.states], 'bound') : []),
        'return {',
        [
          `latents: ['${ctx.latent}'],`,
          `states: Array.from({ length: ${K} }, (_, k) => \`${ctx.latent}=\${k}\`),`,
          `responsibilities: Array.from({ length: bound.steps }, (_, n) => Array.from(work.resp.subarray(n * ${K}, (n + 1) * ${K}))),`,
          `paths: { ${ctx.latent}: ${viterbi}(bound, flat, work) },`,
        ],
        '};',
      ],
    },
  ];
}
