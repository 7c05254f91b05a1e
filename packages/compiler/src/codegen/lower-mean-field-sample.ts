// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers `sample(params, sizes, seed[, inputs])` of the LDA fitter (mean-field) and of the
 * Poisson–lognormal fitter (variational), in the runtime's order and with its samplers, as
 * `emforge sample` (mean-field/sample-lda.ts, variational/sample-variational.ts):
 * - LDA, per document: theta ~ Dirichlet(alpha), then per word its topic from theta and the word
 *   from that topic's row; the lengths `sizes.Len`, one for all or one per document; the corpus
 *   comes back with K and V (the words alone do not measure V), as the runtime writes it;
 * - Poisson–lognormal, per item: eta ~ Normal(mu, sigma), then y ~ Poisson(exp(eta)).
 */
import type { Code, FunctionStructure, InterfaceStructure } from './fitter-source.js';
import { measureFrom } from './lower-chain-sample.js';
import { localName, type MeanFieldContext, pick } from './mean-field-context.js';
import { dim, dims, use } from './mixture-context.js';
import type { VariationalContext } from './variational-context.js';
import { pick as variationalPick } from './variational-context.js';

function sampleType(T: string, data: string, latents: readonly string[]): InterfaceStructure {
  return {
    kind: 'interface',
    name: `${T}Sample`,
    isExported: true,
    docs: ['A data set drawn from the model, and the latents drawn for it.'],
    properties: [
      { name: 'data', type: data, isReadonly: true },
      { name: 'latents', type: `{ ${latents.join('; ')} }`, isReadonly: true },
    ],
  };
}

/** The `…Sample` type and `sample` of an LDA fitter. */
export function lowerLdaSample(ctx: MeanFieldContext): [InterfaceStructure, FunctionStructure] {
  const { program, full } = ctx;
  const T = full.typePrefix;
  const Len = program.words.lengths;
  const alpha = program.alpha;
  const alphaData = ctx.alphaData;
  const plain = ctx.schema.sizes.filter((s) => s.over === undefined);
  const local = (name: string) => localName(dim(name));
  const categorical = use(full, 'sampleCategorical');
  const body: Code[] = ['const problems: string[] = [];'];
  for (const s of plain) {
    const sources = [
      `sizes.${s.name}`,
      ...program.params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      alphaData ? measureFrom('inputs', alphaData.name, [...alphaData.dims, ...alphaData.shape], s.name) : undefined,
      s.name === program.documents.size
        ? `(typeof sizes.${Len} === 'object' ? sizes.${Len}.length : undefined)`
        : undefined,
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${local(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of plain) {
    body.push(
      `if (${local(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`,
    );
  }
  const { D, K, V } = ctx;
  body.push(
    `// the documents' lengths: sizes.${Len}, one per document or one for all`,
    `const value = sizes.${Len};`,
    `if (value === undefined) throw new Error('the length of the documents is not known: give it in sizes.${Len} (one number, or one length per document)');`,
    `if (typeof value === 'object' && value.length !== ${D}) throw new Error(\`${Len} has \${value.length} lengths for \${${D}} documents\`);`,
    `const counts = Array.from({ length: ${D} }, (_, d) => (typeof value === 'object' ? value[d]! : value));`,
    `for (const [d, c] of counts.entries()) if (!Number.isInteger(c) || c < 0) problems.push(\`${Len}[\${d}] is \${c}: a length is a whole number\`);`,
  );
  if (alpha.kind === 'constant') body.push(`const concentration = ${alpha.value} as number | Float64Array;`);
  else if (alpha.kind === 'data') {
    const v = alphaData!;
    const full = [...v.dims, ...v.shape];
    body.push(
      `const ${localName(v.name)} = new Float64Array(${dims(full)});`,
      `readNested(inputs.${v.name}, [${full.map(dim).join(', ')}], ${localName(v.name)}, '${v.name}', Number.isFinite, 'a finite number', problems);`,
      `const concentration: number | Float64Array = ${localName(v.name)}.length === 1 ? ${localName(v.name)}[0]! : ${localName(v.name)};`,
    );
  }
  body.push(
    `const flat = flattenParams({ ${plain.map((s) => (local(s.name) === s.name ? s.name : `${s.name}: ${local(s.name)}`)).join(', ')} }, params, 'params');`,
    ...program.params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${program.params.map((p) => pick(p.name)).join(', ')} } = flat as Flat;`,
  );
  if (alpha.kind === 'param') {
    body.push(
      `const concentration: number | Float64Array = ${localName(alpha.name)}.length === 1 ? ${localName(alpha.name)}[0]! : ${localName(alpha.name)};`,
    );
  }
  body.push(
    `if (typeof concentration !== 'number' && concentration.length !== ${K}) problems.push(\`the concentration has \${concentration.length} values for \${${K}} topics\`);`,
    "for (const a of typeof concentration === 'number' ? [concentration] : concentration) if (!(a > 0 && Number.isFinite(a))) problems.push('the concentration must be positive and finite');",
    "if (problems.length > 0) throw new Error(`the sizes or inputs do not match the model:\\n  ${problems.join('\\n  ')}`);",
    `const rng = ${use(full, 'RandomStream')}.fromSeed(seed);`,
    `const ${ctx.w}: number[][] = [];`,
    `const ${ctx.names.theta}Draws: number[][] = [];`,
    `const ${ctx.names.z}Draws: number[][] = [];`,
    `const row = new Float64Array(${K});`,
    `for (let d = 0; d < ${D}; d++) {`,
    [
      `// ${program.statements[0] ?? 'the topic proportions'}`,
      `${use(full, 'sampleDirichlet')}(rng, concentration, row);`,
      'const doc = new Array<number>(counts[d]!);',
      'const h = new Array<number>(counts[d]!);',
      'for (let i = 0; i < doc.length; i++) {',
      [
        `const k = ${categorical}(rng, row, ${K}, 0);`,
        'h[i] = k;',
        `doc[i] = ${categorical}(rng, ${ctx.topics}, ${V}, k * ${V});`,
      ],
      '}',
      `${ctx.names.theta}Draws.push(Array.from(row));`,
      `${ctx.w}.push(doc);`,
      `${ctx.names.z}Draws.push(h);`,
    ],
    '}',
    'return {',
    [
      `data: { ${[
        ...[program.topics, program.vocabulary].flatMap((s) =>
          typeof s === 'string' ? [local(s) === s ? s : `${s}: ${local(s)}`] : [],
        ),
        ctx.w === ctx.names.w ? ctx.w : `${ctx.names.w}: ${ctx.w}`,
      ].join(', ')} },`,
      `latents: { ${ctx.names.theta}: ${ctx.names.theta}Draws, ${ctx.names.z}: ${ctx.names.z}Draws },`,
    ],
    '};',
  );
  const drawnKeys = [
    ...[program.topics, program.vocabulary].filter((s): s is string => typeof s === 'string'),
    program.observed,
  ];
  return [
    sampleType(T, `Pick<${T}Data, ${drawnKeys.map((k) => `'${k}'`).join(' | ')}>`, [
      `readonly ${ctx.names.theta}: number[][]`,
      `readonly ${ctx.names.z}: number[][]`,
    ]),
    {
      kind: 'function',
      name: 'sample',
      isExported: true,
      docs: [
        `Draws a corpus of ${String(program.documents.size)} documents from ${program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
        `Sizes: \`sizes\`, then what the params${alphaData ? ' and inputs' : ''} measure, then the declared defaults; \`sizes.${Len}\` is one length for every document, or one length per document.`,
        ...(alphaData ? [`\`inputs\`: the data the model reads but does not draw (${alphaData.name}).`] : []),
      ],
      parameters: [
        { name: 'params', type: `${T}Params` },
        { name: 'sizes', type: `Partial<${T}Sizes> & { readonly ${Len}?: number | readonly number[] }` },
        { name: 'seed', type: 'number', initializer: '1' },
        ...(alphaData ? [{ name: 'inputs', type: `Pick<${T}Data, '${alphaData.name}'>` }] : []),
      ],
      returnType: `${T}Sample`,
      statements: body,
    },
  ];
}

/** The `…Sample` type and `sample` of a Poisson–lognormal fitter. */
export function lowerPoissonLognormalSample(ctx: VariationalContext): [InterfaceStructure, FunctionStructure] {
  const { program, full, N, y, eta, mu, sigma, names } = ctx;
  const T = full.typePrefix;
  const body: Code[] = [];
  for (const s of full.schema.sizes) {
    const sources = [
      `sizes.${s.name}`,
      ...program.params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${dim(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of full.schema.sizes) {
    body.push(`if (${dim(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`);
  }
  body.push(
    `const ${y} = new Float64Array(${N});`,
    `const bound: Bound = { ${[...full.schema.sizes.map((s) => (dim(s.name) === s.name ? s.name : `${s.name}: ${dim(s.name)}`)), variationalPick(names.y)].join(', ')} };`,
    "const flat = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${program.params.map((p) => variationalPick(p.name)).join(', ')} } = flat as Flat;`,
    `const rng = ${use(full, 'RandomStream')}.fromSeed(seed);`,
    `const ${eta}Draws = new Array<number>(${N});`,
    `for (let n = 0; n < ${N}; n++) {`,
    [
      `// ${program.statements.join('; ')}`,
      `const ${eta} = ${use(full, 'sampleNormal')}(rng, ${mu}[0]!, ${sigma}[0]!);`,
      `${eta}Draws[n] = ${eta};`,
      `${y}[n] = ${use(full, 'samplePoisson')}(rng, Math.exp(${eta}));`,
    ],
    '}',
    'return {',
    [
      `data: { ${names.y}: ${use(full, 'nestValues')}(${y}, [${N}]) as ${T}Data['${names.y}'] },`,
      `latents: { ${names.eta}: ${eta}Draws },`,
    ],
    '};',
  );
  return [
    sampleType(T, `Pick<${T}Data, '${names.y}'>`, [`readonly ${names.eta}: number[]`]),
    {
      kind: 'function',
      name: 'sample',
      isExported: true,
      docs: [
        `Draws a data set of ${String(program.items.size)} items from ${program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
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
