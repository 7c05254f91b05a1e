// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the exported functions and the data handling of a mean-field (LDA) fitter:
 * `fit(data, options)` (the runtime's driver `runEm` with this model's initialize / E-step /
 * M-step, and the same `FitResult` as `emforge fit`: mean-field/fit-mean-field.ts,
 * `approximate: true`), `logLik(data, params)` (the ELBO), `posterior(data, params)` (the topic
 * distribution of every word token and the expected topic proportions E_q[theta[d]] per
 * document), the public types, `bind` (ragged documents into distinct words with counts), and
 * assembles the whole fitter (`lowerMeanFieldFitter`, the kind's row of emit-fitter.ts).
 */
import type { DataSchema, MeanFieldProgram } from '@emforge/runtime';
import type { InferencePlan } from '../plan/inference-plan.js';
import type { Code, FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { lowerMeanFieldSteps, lowerMeanFieldWork, meanFieldEStepName } from './lower-mean-field-steps.js';
import { freeCount } from './lower-mixture-api.js';
import {
  lowerBind,
  lowerFlatTypes,
  lowerParamConversions,
  lowerPublicTypes,
  nestedType,
} from './lower-mixture-types.js';
import {
  lines,
  localName,
  type MeanFieldContext,
  makeMeanFieldContext,
  pick,
  sizesUsed,
} from './mean-field-context.js';
import { dim, dims, use } from './mixture-context.js';

function quoted(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`;
}

function lowerFit(ctx: MeanFieldContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const runEm = use(ctx.full, 'runEm');
  const criteria = use(ctx.full, 'computeCriteria');
  const eStep = meanFieldEStepName(ctx);
  const { program, D } = ctx;
  const body: Code[] = [
    'const bound = bind(data, options.sizes);',
    "const fixed = flattenParams(bound, options.fixed ?? {}, 'fixed');",
    "const given: Partial<Flat> = { ...(typeof options.init === 'object' ? flattenParams(bound, options.init, 'init') : {}), ...fixed };",
    'const held: ReadonlySet<string> = new Set(Object.keys(fixed));',
    'const params = allocateParams(bound);',
    'const work = allocateWork(bound);',
    `const { best } = ${runEm}<Flat, null>(`,
    [
      '{',
      [
        'initialize: (ctx) => initialize(bound, params, ctx, given),',
        'eStep: (values) => {',
        ['loadParams(params, values);', `return { objective: ${eStep}(bound, params, work), stats: null };`],
        '},',
        'mStep: (_stats, ctx) => {',
        ['mStep(bound, params, work, ctx, held);', 'return copyParams(params);'],
        '},',
      ],
      '},',
      '{ seed: options.seed ?? 1, restarts: options.restarts ?? 10, maxIter: options.maxIter ?? 1000, tol: options.tol ?? 1e-8 },',
    ],
    ');',
    '// q at the returned params, for the ELBO reported as logLik',
    'loadParams(params, best.params);',
    `const elbo = ${eStep}(bound, params, work);`,
    `const free: Record<string, number> = { ${program.params.map((p) => `${quoted(p.name)}: ${freeCount(ctx.full, p.name)}`).join(', ')} };`,
    'let nParams = 0;',
    'for (const [name, count] of Object.entries(free)) if (!held.has(name)) nParams += count;',
    'return {',
    [
      `model: '${program.model}',`,
      `strategy: '${program.strategy}',`,
      'logLik: elbo,',
      'objective: best.objective,',
      'iterations: best.iterations,',
      'emSteps: best.emSteps,',
      'converged: best.converged,',
      'params: nestParams(bound, best.params),',
      `...${criteria}(elbo, nParams, ${D}, 0),`,
      'nParams,',
      `nObs: ${D},`,
      'history: best.history,',
      'warnings: best.warnings,',
      'approximate: true,',
    ],
    '};',
  ];
  return {
    kind: 'function',
    name: 'fit',
    isExported: true,
    docs: [
      `Fits ${program.model} to \`data\` by mean-field variational EM; the same result as \`emforge fit\` with the same`,
      'options. Its `logLik` is the ELBO, a lower bound on the log-likelihood (`approximate: true`).',
      'Throws an Error when the data or the given param values do not match the model.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'options', type: `${T}FitOptions`, initializer: '{}' },
    ],
    returnType: `${T}FitResult`,
    statements: [body[0]!, ...sizesUsed(ctx, body.slice(1)), ...body.slice(1)],
  };
}

function lowerEvaluate(ctx: MeanFieldContext): FunctionStructure[] {
  const T = ctx.full.typePrefix;
  const eStep = meanFieldEStepName(ctx);
  const { program, names, K, D } = ctx;
  const setup = [
    'const bound = bind(data, sizes);',
    "const given = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!given.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    'const flat = allocateParams(bound);',
    'loadParams(flat, given);',
    'const work = allocateWork(bound);',
  ];
  const parameters = [
    { name: 'data', type: `${T}Data` },
    { name: 'params', type: `${T}Params` },
    { name: 'sizes', type: `Partial<${T}Sizes>`, initializer: '{}' },
  ];
  const post = lines(`
${eStep}(bound, flat, work);
const { gamma, phi } = work;
return {
  latents: ['${names.z}'],
  states: Array.from({ length: ${K} }, (_, k) => \`${names.z}=\${k}\`),
  responsibilities: Array.from(bound.entryOfToken, (e) => Array.from(phi.subarray(e * ${K}, (e + 1) * ${K}))),
  means: {
    ${quoted(names.theta)}: Array.from({ length: ${D} }, (_, d) => {
      const g = gamma.subarray(d * ${K}, (d + 1) * ${K});
      const sum = g.reduce((a, b) => a + b, 0);
      return Array.from(g, (x) => x / sum);
    }),
  },
};`);
  return [
    {
      kind: 'function',
      name: 'logLik',
      isExported: true,
      docs: [
        `The ELBO of \`data\` at \`params\` (what \`fit\` reports as logLik): the mean-field coordinate ascent of q(${names.theta}) q(${names.z})`,
        'run to convergence, then E_q[log p(data, latents)] + H(q) exactly — a lower bound on the log-likelihood.',
      ],
      parameters,
      returnType: 'number',
      statements: [...setup, `return ${eStep}(bound, flat, work);`],
    },
    {
      kind: 'function',
      name: 'posterior',
      isExported: true,
      docs: [
        `The variational posterior at \`params\` (as \`emforge fit --posteriors\` writes it): per word token, in data order,`,
        `q(${names.z}[d][i] = k); per document the expected topic proportions E_q[${names.theta}[d]] = γ_d / Σ_k γ_dk.`,
      ],
      parameters,
      returnType: `${T}Posterior`,
      statements: [...setup, ...sizesUsed(ctx, post), ...post],
    },
  ];
}

function lowerTypes(ctx: MeanFieldContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const fitResult = use(ctx.full, 'FitResult');
  const [, params, sizes] = lowerPublicTypes(ctx.full);
  const { names, schema } = ctx;
  const data: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Data`,
    isExported: true,
    docs: [
      `The data of ${ctx.program.model}, as a data.json holds it: nested arrays in the declared shapes (one row of words`,
      'per document, of any length), and sizes besides the ones the arrays measure.',
    ],
    properties: [
      ...ctx.full.schema.sizes.map((s) => ({
        name: s.name,
        type: 'number',
        isReadonly: true,
        hasQuestionToken: true,
        docs: [`The size ${s.name} (also an option).`],
      })),
      ...schema.data.map((v) => ({
        name: v.name,
        type: nestedType(v.dims.length + v.shape.length),
        isReadonly: true,
        docs: [v.typeText],
      })),
    ],
  };
  const z = quoted(names.theta);
  return [
    data,
    params!,
    sizes!,
    {
      kind: 'interface',
      name: `${T}FitOptions`,
      isExported: true,
      docs: ["The options of `fit`, with `emforge fit`'s defaults."],
      properties: [
        { name: 'seed', type: 'number', docs: ['Seed of the random streams (default 1).'] },
        { name: 'restarts', type: 'number', docs: ['Independent EM runs, the best ELBO kept (default 10).'] },
        { name: 'maxIter', type: 'number', docs: ['Maximum number of iterations per run (default 1000).'] },
        {
          name: 'tol',
          type: 'number',
          docs: ['Converged when the relative change of the ELBO is below this (default 1e-8).'],
        },
        { name: 'init', type: `Partial<${T}Params>`, docs: ['Initial values of some or all params.'] },
        { name: 'fixed', type: `Partial<${T}Params>`, docs: ['Params held at these values (not estimated).'] },
        { name: 'sizes', type: `Partial<${T}Sizes>`, docs: ['Sizes given or overridden (like `--size K=3`).'] },
      ].map((p) => ({ ...p, isReadonly: true, hasQuestionToken: true })),
    },
    {
      kind: 'interface',
      name: `${T}Posterior`,
      isExported: true,
      docs: [
        `q(${names.z}) per word token and E_q[${names.theta}[d]] per document (as \`emforge fit --posteriors\` writes them).`,
      ],
      properties: [
        { name: 'latents', type: 'readonly string[]', isReadonly: true },
        { name: 'states', type: 'readonly string[]', isReadonly: true },
        {
          name: 'responsibilities',
          type: 'readonly (readonly number[])[]',
          isReadonly: true,
          docs: ['shape [tokens][K]: q(z[d][i] = k), the tokens of every document in order'],
        },
        {
          name: 'means',
          type: `{ readonly ${z}: readonly (readonly number[])[] }`,
          isReadonly: true,
          docs: ['shape [Docs][K]'],
        },
      ],
    },
    {
      kind: 'interface',
      name: `${T}FitResult extends ${fitResult}`,
      isExported: true,
      docs: ['The result of `fit`: its `logLik` and `objective` are the ELBO, a lower bound on the log-likelihood.'],
      properties: [{ name: 'approximate', type: 'true', isReadonly: true }],
    },
  ];
}

/** A size's measurement from the data's arrays (`data.w.length`), when some array's leading dim is it. */
function measure(ctx: MeanFieldContext, size: string): string | undefined {
  for (const v of ctx.schema.data) {
    if ([...v.dims, ...v.shape][0] === size) return `data.${v.name}.length`;
  }
  return undefined;
}

/** The `Bound` interface and `bind`: sizes, the concentration, and the documents as distinct words with counts. */
function lowerMeanFieldBind(ctx: MeanFieldContext): StatementStructure[] {
  const T = ctx.full.typePrefix;
  const { D, K, V, names, alphaData } = ctx;
  const sizes = ctx.full.schema.sizes;
  const body: string[] = ['const problems: string[] = [];'];
  for (const s of sizes) {
    const sources = [
      `given.${s.name}`,
      `data.${s.name}`,
      measure(ctx, s.name),
      s.default === undefined ? undefined : String(s.default),
    ];
    body.push(`const ${localName(s.name)} = ${sources.filter((x) => x !== undefined).join(' ?? ')};`);
  }
  for (const s of sizes) {
    body.push(
      `if (${localName(s.name)} === undefined || !(Number.isInteger(${localName(s.name)}) && ${localName(s.name)} >= 0)) throw new Error(\`size '${s.name}' is \${${localName(s.name)}}: give it (an integer ≥ 0) in the data or options.sizes\`);`,
    );
  }
  const alpha = ctx.program.alpha;
  const alphaLines: string[] = [];
  if (alpha.kind === 'constant') {
    alphaLines.push(`const concentration = new Float64Array(${K}).fill(${alpha.value});`);
  } else if (alphaData) {
    const full = [...alphaData.dims, ...alphaData.shape];
    alphaLines.push(
      ...lines(`
const raw = new Float64Array(${dims(full.map((d) => (typeof d === 'string' ? localName(d) : d)))});
readNested(data.${alphaData.name}, [${full.map((d) => (typeof d === 'string' ? localName(d) : dim(d))).join(', ')}], raw, '${alphaData.name}', (x) => Number.isFinite(x) && x > 0, 'a positive number', problems);
const ${localName(alphaData.name)} = new Float64Array(${K});
if (raw.length === 1) ${localName(alphaData.name)}.fill(raw[0]!);
else if (raw.length === ${K}) ${localName(alphaData.name)}.set(raw);
else problems.push(\`${alphaData.name} has \${raw.length} values, expected 1 or ${K} = \${${K}}\`);`),
    );
  }
  body.push(
    ...alphaLines,
    ...lines(`
// Each document as its distinct words (in order of first occurrence) with their counts: a word that occurs
// c times has one q(${names.z}), weighted by c.
const rows: unknown = data.${names.w};
if (!Array.isArray(rows) || rows.length !== ${D})
  throw new Error(\`the data do not match the model:\\n  ${names.w} should be an array of \${${D}} documents\`);
let tokens = 0;
for (const row of rows) if (Array.isArray(row)) tokens += row.length;
const docStart = new Int32Array(${D} + 1);
const word: number[] = [];
const count: number[] = [];
const entryOfToken = new Int32Array(tokens);
const seen = new Int32Array(${V}).fill(-1);
let t = 0;
for (let d = 0; d < ${D}; d++) {
  docStart[d] = word.length;
  const row: unknown = rows[d];
  if (!Array.isArray(row)) {
    if (problems.length < 10) problems.push(\`${names.w}[\${d}] should be an array of words, got \${JSON.stringify(row)}\`);
    continue;
  }
  for (let i = 0; i < row.length; i++, t++) {
    const x: unknown = row[i];
    if (!(typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < ${V})) {
      if (problems.length < 10) problems.push(\`${names.w}[\${d}][\${i}] is \${JSON.stringify(x)}, expected a category 0 … ${ctx.program.vocabulary} − 1\`);
      continue;
    }
    if (seen[x]! < docStart[d]!) {
      seen[x] = word.length;
      word.push(x);
      count.push(0);
    }
    count[seen[x]!]!++;
    entryOfToken[t] = seen[x]!;
  }
}
docStart[${D}] = word.length;
if (problems.length > 0) throw new Error(\`the data do not match the model:\\n  \${problems.join('\\n  ')}\`);`),
  );
  const fields = [
    ...sizes.map((s) => pick(s.name)),
    ...(ctx.alphaField ? [ctx.alphaField === 'concentration' ? 'concentration' : pick(ctx.alphaField)] : []),
    'tokens',
    'docStart',
    'word: Int32Array.from(word)',
    'count: Float64Array.from(count)',
    'entryOfToken',
  ];
  body.push(`return { ${fields.join(', ')} };`);
  const bound: InterfaceStructure = {
    kind: 'interface',
    name: `Bound extends ${T}Sizes`,
    docs: ['The sizes, the concentration, and the corpus as distinct (document, word) entries with counts.'],
    properties: [
      ...(ctx.alphaField
        ? [
            {
              name: ctx.alphaField,
              type: 'Float64Array',
              isReadonly: true,
              docs: [`shape [${ctx.program.topics}]: the Dirichlet concentration of ${names.theta}`],
            },
          ]
        : []),
      { name: 'tokens', type: 'number', isReadonly: true, docs: ['The number of word tokens.'] },
      {
        name: 'docStart',
        type: 'Int32Array',
        isReadonly: true,
        docs: [`shape [${ctx.program.documents.size} + 1]: document d holds entries docStart[d] … docStart[d + 1] − 1`],
      },
      { name: 'word', type: 'Int32Array', isReadonly: true, docs: ['shape [entries]: the word of each entry'] },
      {
        name: 'count',
        type: 'Float64Array',
        isReadonly: true,
        docs: ['shape [entries]: its number of occurrences in the document'],
      },
      {
        name: 'entryOfToken',
        type: 'Int32Array',
        isReadonly: true,
        docs: ['shape [tokens]: the entry of each word token, in data order'],
      },
    ],
  };
  const [readNested] = lowerBind(ctx.full);
  const bind: FunctionStructure = {
    kind: 'function',
    name: 'bind',
    docs: [
      'Binds data to the model: sizes from `given`, then the data, then what the arrays measure; every value',
      'checked against its declared type. Throws an Error listing the problems.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'given', type: `Partial<${T}Sizes>`, initializer: '{}' },
    ],
    returnType: 'Bound',
    statements: body,
  };
  return [bound, readNested!, bind];
}

export interface LoweredMeanField {
  readonly statements: readonly StatementStructure[];
  readonly helpers: ReadonlySet<string>;
}

/** The whole mean-field fitter, in reading order. */
export function lowerMeanFieldFitter(
  program: MeanFieldProgram,
  schema: DataSchema,
  plan: InferencePlan,
  source: string,
): LoweredMeanField {
  const ctx = makeMeanFieldContext(program, schema, plan, source);
  const steps = lowerMeanFieldSteps(ctx);
  const work = lowerMeanFieldWork(ctx);
  const fit = lowerFit(ctx);
  const evaluate = lowerEvaluate(ctx);
  const types = lowerTypes(ctx);
  const bind = lowerMeanFieldBind(ctx);
  const conversions = lowerParamConversions(ctx.full);
  const [, flat] = lowerFlatTypes(ctx.full);
  return {
    statements: [...types, fit, ...evaluate, ...steps, flat!, ...work, ...bind, ...conversions],
    helpers: ctx.full.helpers,
  };
}
