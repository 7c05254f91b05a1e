// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers `sample(params, sizes, seed)` of the linear-Gaussian fitters, in the runtime's order and
 * with its floating-point operations (linear-gaussian/sample-linear-gaussian.ts, what `emforge
 * sample` runs): every statement draws its d standard normals ε, then child = offset + matrix ·
 * parent + noise, the noise L ε (full: L the Cholesky factor), sd_j ε_j (diagonal) or sd ε_j
 * (spherical).
 * - factor models (FA, PPCA, mixtures of factor analysers; the forms lower-linear-gaussian-factor.ts
 *   generates: prior MvNormal(zeros(L), eye(L)), diagonal or spherical noise), per item: the
 *   component, the factors, the observation;
 * - the chain (the form lower-linear-gaussian-chain.ts generates: x[S][T], full covariances),
 *   per sequence and step: the state from the initial statement or the transition, then the
 *   observation. The lengths: `sizes.T`, one for all or (ragged T[S]) one per sequence.
 */
import type { DataSchema, FitProgram, LgValue, LinearGaussianChainProgram } from '@emforge/runtime';
import type { FitterInput } from './emit-fitter.js';
import type { Code, FunctionStructure, InterfaceStructure } from './fitter-source.js';
import type { FactorContext } from './linear-gaussian-context.js';
import { measureFrom } from './lower-chain-sample.js';
import { field } from './lower-mixture-types.js';
import { CodegenUnsupported, dim, id, type MixtureContext, makeMixtureContext, use } from './mixture-context.js';

/** The sizes resolved as the runtime resolves them: given, measured by the params, the default. */
function sizeLines(full: MixtureContext, extra: (name: string) => string | undefined = () => undefined): Code[] {
  const body: Code[] = [];
  for (const s of full.schema.sizes) {
    const sources = [
      `sizes.${s.name}`,
      ...full.program.params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      extra(s.name),
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${id(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of full.schema.sizes) {
    body.push(`if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`);
  }
  return body;
}

function paramLines(full: MixtureContext): Code[] {
  const params = full.program.params;
  return [
    "const flat = flattenParams(bound, params, 'params');",
    ...params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${params.map((p) => field(p.name)).join(', ')} } = flat as Flat;`,
  ];
}

function sampleType(T: string, docs: string, latents: readonly string[]): InterfaceStructure {
  return {
    kind: 'interface',
    name: `${T}Sample`,
    isExported: true,
    docs: [docs],
    properties: [
      { name: 'data', type: `${T}Data`, isReadonly: true },
      { name: 'latents', type: `{ ${latents.join('; ')} }`, isReadonly: true },
    ],
  };
}

/** The `…Sample` type and `sample` of a factor model. */
export function lowerFactorSample(ctx: FactorContext): [InterfaceStructure, FunctionStructure] {
  const { full, N, D, L, K, f, z } = ctx;
  const [x, W, mu, sd] = [ctx.x, ctx.W, ctx.mu, ctx.sd].map(id) as [string, string, string, string];
  const w = ctx.w === undefined ? undefined : id(ctx.w);
  const T = full.typePrefix;
  const nest = use(full, 'nestValues');
  const normal = use(full, 'sampleStdNormal');
  const wAt = ctx.selected ? `k * ${D} * ${L} + ` : '';
  const muAt = ctx.selected ? `k * ${D} + ` : '';
  const body: Code[] = [
    ...sizeLines(full),
    `const ${x} = new Float64Array(${N} * ${D});`,
    `const bound: Bound = { ${[...full.schema.sizes.map((s) => s.name), ctx.x].map(field).join(', ')} };`,
    ...paramLines(full),
    `const ${f}Draws = new Float64Array(${N} * ${L});`,
    ...(z ? [`const ${z}Draws = new Array<number>(${N});`] : []),
    `const scratch = new Float64Array(Math.max(${D}, ${L}));`,
    `const rng = ${use(full, 'RandomStream')}.fromSeed(seed);`,
    `for (let n = 0; n < ${N}; n++) {`,
    [
      z ? `const k = ${use(full, 'sampleCategorical')}(rng, ${w}, ${K}, 0);` : '',
      `// ${ctx.program.prior.text}: the mean 0 plus the identity factor times ε`,
      `for (let i = 0; i < ${L}; i++) scratch[i] = ${normal}(rng);`,
      `for (let i = 0; i < ${L}; i++) ${f}Draws[n * ${L} + i] = 0 + scratch[i]!;`,
      `// ${ctx.program.observation.text}`,
      `for (let i = 0; i < ${D}; i++) scratch[i] = ${normal}(rng);`,
      `for (let i = 0; i < ${D}; i++) {`,
      [
        `let mean = ${mu}[${muAt}i]!;`,
        `for (let l = 0; l < ${L}; l++) mean += ${W}[${wAt}i * ${L} + l]! * ${f}Draws[n * ${L} + l]!;`,
        `${x}[n * ${D} + i] = mean + ${sd}[${ctx.form === 'diagonal' ? 'i' : '0'}]! * scratch[i]!;`,
      ],
      '}',
      ...(z ? [`${z}Draws[n] = k;`] : []),
    ].filter((line) => line !== ''),
    '}',
    'return {',
    [
      `data: { ${ctx.x}: ${nest}(${x}, [${N}, ${D}]) as ${T}Data['${ctx.x}'] },`,
      `latents: { ${f}: ${nest}(${f}Draws, [${N}, ${L}]) as number[][]${z ? `, ${z}: ${z}Draws` : ''} },`,
    ],
    '};',
  ];
  return [
    sampleType(T, `A data set drawn from the model, and the latents drawn for it.`, [
      `readonly ${f}: number[][]`,
      ...(z ? [`readonly ${z}: number[]`] : []),
    ]),
    {
      kind: 'function',
      name: 'sample',
      isExported: true,
      docs: [
        `Draws a data set of ${ctx.program.plate.size} items from ${ctx.program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
        'Sizes: `sizes`, then what the params measure, then the declared defaults.',
      ],
      parameters: [
        { name: 'params', type: `${T}Params` },
        { name: 'sizes', type: `Partial<${T}Sizes>` },
        { name: 'seed', type: 'number', initializer: '1' },
      ],
      returnType: `${T}Sample`,
      statements: body,
    },
  ];
}

function paramOf(v: LgValue | undefined, what: string): string {
  if (v?.kind !== 'param' || v.selected) throw new CodegenUnsupported(`${what} that is not a param`);
  return v.name;
}

/** One full-covariance Gaussian draw into `out` at `at`: mean (built by `mean`) plus L ε. */
function fullDraw(d: string, chol: string, normal: string, mean: Code[], out: string, at: string): Code[] {
  return [
    `for (let i = 0; i < ${d}; i++) scratch[i] = ${normal}(rng);`,
    `for (let i = 0; i < ${d}; i++) {`,
    [
      ...mean,
      'let e = 0;',
      `for (let l = 0; l <= i; l++) e += ${chol}[i * ${d} + l]! * scratch[l]!;`,
      `${out}[${at} + i] = mean + e;`,
    ],
    '}',
  ];
}

/** The `…Sample` type and `sample` of the linear-Gaussian chain, and the helpers they use. */
export function lowerLgChainSample(input: FitterInput): {
  statements: [InterfaceStructure, FunctionStructure];
  helpers: ReadonlySet<string>;
} {
  const program = input.program as LinearGaussianChainProgram;
  const schema: DataSchema = input.schema;
  const v = schema.data.find((d) => d.name === program.data)!;
  if (v.dims.length !== 2) throw new CodegenUnsupported(`data besides the sequences '${program.data}[S][T]: real[D]'`);
  // The declared params over the public sizes (the ragged lengths measured), as the chain fitter's own context.
  const declared = program.params.map((p) => ({ ...p, rule: 'declared', factor: -1, argument: '' }));
  const asMixture = {
    kind: 'mixture',
    model: program.model,
    plate: { index: 's', size: v.dims[0]! },
    latents: [],
    factors: [],
    params: declared,
    objective: 'log-likelihood',
    strategy: program.strategy,
  } as unknown as FitProgram;
  const publicSchema: DataSchema = { ...schema, sizes: schema.sizes.filter((s) => s.over === undefined) };
  const full = makeMixtureContext(asMixture, publicSchema, input.plan, input.source);
  const [seqDim, stepsDim] = v.dims as [string | number, string | number];
  const stepsName = String(stepsDim);
  const ragged = schema.sizes.find((s) => s.name === stepsName)?.over !== undefined;
  const T = full.typePrefix;
  const S = dim(seqDim);
  const D = dim(v.shape[0]!);
  const L = dim(program.latent.size);
  const { initial, transition, emission } = program;
  const m0 = paramOf(initial.offset, `a mean in '${initial.text}'`);
  const P0 = paramOf(initial.noise.value, `a covariance in '${initial.text}'`);
  const A = paramOf(transition.matrix, `a matrix in '${transition.text}'`);
  const Q = paramOf(transition.noise.value, `a covariance in '${transition.text}'`);
  const C = paramOf(emission.matrix, `a matrix in '${emission.text}'`);
  const R = paramOf(emission.noise.value, `a covariance in '${emission.text}'`);
  const x = id(program.data);
  const f = program.latent.name;
  const nest = use(full, 'nestValues');
  const normal = use(full, 'sampleStdNormal');
  const cholesky = use(full, 'cholesky');
  const body: Code[] = [
    ...sizeLines(full, (name) =>
      ragged && name === seqDim
        ? `(typeof sizes.${stepsName} === 'object' ? sizes.${stepsName}.length : undefined)`
        : undefined,
    ),
  ];
  if (ragged) {
    body.push(
      `// the sequences' lengths: sizes.${stepsName}, one per sequence or one for all; sequence s holds steps start[s] … start[s + 1] − 1`,
      `const value = sizes.${stepsName};`,
      `if (value === undefined) throw new Error('the length of the sequences is not known: give it in sizes.${stepsName} (one number, or one length per sequence)');`,
      `if (typeof value === 'object' && value.length !== ${S}) throw new Error(\`${stepsName} has \${value.length} lengths for \${${S}} sequences\`);`,
      `const start = new Int32Array(${S} + 1);`,
      `for (let s = 0; s < ${S}; s++) {`,
      [
        `const t = typeof value === 'object' ? value[s]! : value;`,
        `if (!Number.isInteger(t) || t < 1) throw new Error(\`${stepsName}[\${s}] is \${t}: every sequence needs at least one step\`);`,
        'start[s + 1] = start[s]! + t;',
      ],
      '}',
    );
  } else {
    const Tn = id(stepsName);
    body.push(
      `if (!Number.isInteger(${Tn}) || ${Tn} < 1) throw new Error(\`${stepsName} is \${${Tn}}: every sequence needs at least one step\`);`,
      `const start = new Int32Array(${S} + 1);`,
      `for (let s = 0; s < ${S}; s++) start[s + 1] = start[s]! + ${Tn};`,
    );
  }
  body.push(
    `const steps = start[${S}]!;`,
    `const ${x} = new Float64Array(steps * ${D});`,
    `const bound: Bound = { ${[...full.schema.sizes.map((s) => s.name), 'steps', 'start'].map(field).join(', ')}, ${field(program.data)} };`,
    ...paramLines(full),
    '// the Cholesky factors of the noise covariances, once',
    ...[
      [P0, L],
      [Q, L],
      [R, D],
    ].flatMap(([p, d]) => [
      `const chol${p} = ${id(p!)}.slice();`,
      `if (!${cholesky}(chol${p}, ${d})) throw new Error("the covariance '${p}' is not positive definite");`,
    ]),
    `const ${f}Draws = new Float64Array(steps * ${L});`,
    `const scratch = new Float64Array(Math.max(${D}, ${L}));`,
    `const rng = ${use(full, 'RandomStream')}.fromSeed(seed);`,
    `for (let s = 0; s < ${S}; s++) {`,
    [
      'for (let n = start[s]!; n < start[s + 1]!; n++) {',
      [
        'if (n === start[s]) {',
        [
          `// ${initial.text}`,
          ...fullDraw(L, `chol${P0}`, normal, [`const mean = ${id(m0)}[i]!;`], `${f}Draws`, `n * ${L}`),
        ],
        '} else {',
        [
          `// ${transition.text}`,
          ...fullDraw(
            L,
            `chol${Q}`,
            normal,
            [
              'let mean = 0;',
              `for (let l = 0; l < ${L}; l++) mean += ${id(A)}[i * ${L} + l]! * ${f}Draws[(n - 1) * ${L} + l]!;`,
            ],
            `${f}Draws`,
            `n * ${L}`,
          ),
        ],
        '}',
        `// ${emission.text}`,
        ...fullDraw(
          D,
          `chol${R}`,
          normal,
          [
            'let mean = 0;',
            `for (let l = 0; l < ${L}; l++) mean += ${id(C)}[i * ${L} + l]! * ${f}Draws[n * ${L} + l]!;`,
          ],
          x,
          `n * ${D}`,
        ),
      ],
      '}',
    ],
    '}',
    'return {',
    [
      `data: { ${program.data}: Array.from({ length: ${S} }, (_, s) => ${nest}(${x}, [start[s + 1]! - start[s]!, ${D}], start[s]! * ${D})) as ${T}Data['${program.data}'] },`,
      `latents: { ${f}: Array.from({ length: ${S} }, (_, s) => ${nest}(${f}Draws, [start[s + 1]! - start[s]!, ${L}], start[s]! * ${L})) as number[][][] },`,
    ],
    '};',
  );
  const sizesType = ragged
    ? `Partial<${T}Sizes> & { readonly ${stepsName}?: number | readonly number[] }`
    : `Partial<${T}Sizes>`;
  const statements: [InterfaceStructure, FunctionStructure] = [
    sampleType(T, 'A data set drawn from the model, and the states drawn for it (one path per sequence).', [
      `readonly ${f}: number[][][]`,
    ]),
    {
      kind: 'function',
      name: 'sample',
      isExported: true,
      docs: [
        `Draws a data set of ${String(seqDim)} sequences from ${program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
        ragged
          ? `Sizes: \`sizes\`, then what the params measure, then the declared defaults; \`sizes.${stepsName}\` is one length for every sequence, or one length per sequence (then ${String(seqDim)} defaults to their number).`
          : 'Sizes: `sizes`, then what the params measure, then the declared defaults.',
      ],
      parameters: [
        { name: 'params', type: `${T}Params` },
        { name: 'sizes', type: sizesType },
        { name: 'seed', type: 'number', initializer: '1' },
      ],
      returnType: `${T}Sample`,
      statements: body,
    },
  ];
  return { statements, helpers: full.helpers };
}
