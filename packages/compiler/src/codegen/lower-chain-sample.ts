// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers `sample(params, sizes, seed)` of a chain (HMM) fitter: ancestral sampling in the
 * runtime's order and with its samplers, as `emforge sample` (chain/sample-chain.ts): per
 * sequence, per step, the chain's state from `init` (step 0) or from the row of `trans` of the
 * previous state, then that step's emissions given it — the mixture fitter's factor draws
 * (lower-mixture-api.ts `drawFactor`) over the steps laid back to back. The sequence lengths:
 * `sizes.T` one length for all, or, for a ragged `T[S]`, one length per sequence, else the
 * lengths of the per-step data it reads but does not draw (the `inputs` argument, as `emforge
 * sample --data`).
 */
import type { ChainContext } from './chain-context.js';
import type { Code, FunctionStructure, InterfaceStructure } from './fitter-source.js';
import { ancestralOrder, drawFactor } from './lower-mixture-api.js';
import { drawnData, field } from './lower-mixture-types.js';
import { dim, id, use } from './mixture-context.js';

/** A size's measurement from nested values: `params.mu.length`, `params.mu[0]?.length`. */
export function measureFrom(
  object: string,
  name: string,
  full: readonly (string | number)[],
  size: string,
): string | undefined {
  const at = full.indexOf(size);
  if (at < 0) return undefined;
  let e = `${object}.${name}`;
  for (let k = 0; k < at; k++) e += k === 0 ? '[0]' : '?.[0]';
  return `${e}${at > 0 ? '?.' : '.'}length`;
}

/** The data the chain reads but does not draw (per-step covariates, trials, tables). */
function inputsOf(ctx: ChainContext) {
  const drawn = new Set(drawnData(ctx.step));
  return ctx.full.schema.data.filter((v) => !drawn.has(v.name));
}

/** The `…Sample` interface: the data set, and the drawn path of every sequence. */
export function lowerChainSampleType(ctx: ChainContext): InterfaceStructure {
  const T = ctx.full.typePrefix;
  return {
    kind: 'interface',
    name: `${T}Sample`,
    isExported: true,
    docs: ['A data set drawn from the model, and the chain paths drawn for it (one per sequence).'],
    properties: [
      {
        name: 'data',
        type:
          inputsOf(ctx).length === 0
            ? `${T}Data`
            : `Pick<${T}Data, ${drawnData(ctx.step)
                .map((n) => `'${n}'`)
                .join(' | ')}>`,
        isReadonly: true,
      },
      { name: 'latents', type: `{ readonly ${ctx.latent}: number[][] }`, isReadonly: true },
    ],
  };
}

export function lowerChainSample(ctx: ChainContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const { schema } = ctx.full;
  const stepsName = ctx.stepsSize;
  const seq = ctx.sequences;
  const K = ctx.K;
  const nest = use(ctx.step, 'nestValues');
  const stream = use(ctx.step, 'RandomStream');
  const categorical = use(ctx.step, 'sampleCategorical');
  const { init, trans } = ctx.chain;
  const latent = ctx.step.latents[0]!;
  const params = ctx.chain.params;
  const inputs = inputsOf(ctx);
  const body: Code[] = inputs.length > 0 ? ['const problems: string[] = [];'] : [];
  const perStepInput = inputs.find((v) => ctx.perStep.includes(v));
  // Sizes as the runtime resolves them: given, then measured by the params, then (ragged) the number of lengths, then the default.
  for (const s of schema.sizes) {
    const sources = [
      `sizes.${s.name}`,
      ...params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      ...inputs.map((v) => measureFrom('inputs', v.name, [...v.dims, ...v.shape], s.name)),
      ctx.ragged && s.name === ctx.chain.sequences.size
        ? `(typeof sizes.${stepsName} === 'object' ? sizes.${stepsName}.length : undefined)`
        : undefined,
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${id(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of schema.sizes) {
    body.push(`if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`);
  }
  const T_ = id(stepsName);
  if (ctx.ragged) {
    body.push(
      `// the sequences' lengths: sizes.${stepsName}, one per sequence or one for all${perStepInput ? `, else those of ${perStepInput.name}` : ''}; sequence s holds steps start[s] … start[s + 1] − 1`,
      perStepInput
        ? `const value = sizes.${stepsName} ?? (Array.isArray(inputs.${perStepInput.name}) ? inputs.${perStepInput.name}.map((row) => (Array.isArray(row) ? row.length : 0)) : undefined);`
        : `const value = sizes.${stepsName};`,
      `if (value === undefined) throw new Error('the length of the sequences is not known: give it in sizes.${stepsName} (one number, or one length per sequence)');`,
      `if (typeof value === 'object' && value.length !== ${seq}) throw new Error(\`${stepsName} has \${value.length} lengths for \${${seq}} sequences\`);`,
      `const start = new Int32Array(${seq} + 1);`,
      `for (let s = 0; s < ${seq}; s++) {`,
      [
        `const t = typeof value === 'object' ? value[s]! : value;`,
        `if (!Number.isInteger(t) || t < 1) throw new Error(\`${stepsName}[\${s}] is \${t}: every sequence needs at least one step\`);`,
        'start[s + 1] = start[s]! + t;',
      ],
      '}',
    );
  } else {
    body.push(
      `// every sequence has ${stepsName} steps; sequence s holds steps start[s] … start[s + 1] − 1`,
      `if (!Number.isInteger(${T_}) || ${T_} < 1) throw new Error(\`${stepsName} is \${${T_}}: every sequence needs at least one step\`);`,
      `const start = new Int32Array(${seq} + 1);`,
      `for (let s = 0; s < ${seq}; s++) start[s + 1] = start[s]! + ${T_};`,
    );
  }
  body.push(`const steps = start[${seq}]!;`);
  for (const v of schema.data) {
    if (!ctx.perStep.includes(v)) {
      // data of no step: read whole from the inputs
      const full = [...v.dims, ...v.shape];
      body.push(
        `const ${id(v.name)} = new Float64Array(${full.map(dim).join(' * ') || '1'});`,
        `readNested(inputs.${v.name}, [${full.map(dim).join(', ')}], ${id(v.name)}, '${v.name}', Number.isFinite, 'a finite number', problems);`,
      );
      continue;
    }
    const item = [...v.shape].map(dim);
    const size = item.length === 0 ? 'steps' : `steps * ${item.join(' * ')}`;
    body.push(`const ${id(v.name)} = new Float64Array(${size});`);
    if (inputs.includes(v)) {
      body.push(
        `if (!Array.isArray(inputs.${v.name}) || inputs.${v.name}.length !== ${seq}) problems.push(\`${v.name} should be an array of \${${seq}} sequences\`);`,
        `else for (let s = 0; s < ${seq}; s++) {`,
        [
          `readNested(inputs.${v.name}[s], [start[s + 1]! - start[s]!${item.map((d) => `, ${d}`).join('')}], ${id(v.name)}, \`${v.name}[\${s}]\`, Number.isFinite, 'a finite number', problems, ${item.length === 0 ? 'start[s]!' : `start[s]! * ${item.join(' * ')}`});`,
        ],
        '}',
      );
    }
  }
  if (inputs.length > 0) {
    body.push(
      "if (problems.length > 0) throw new Error(`the inputs do not match the model:\\n  ${problems.join('\\n  ')}`);",
    );
  }
  const boundFields = [...schema.sizes.map((s) => s.name), 'steps', 'start', ...schema.data.map((v) => v.name)];
  body.push(
    `const bound: Bound = { ${boundFields.map(field).join(', ')} };`,
    "const flat = flattenParams(bound, params, 'params');",
    ...params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${params.map((p) => field(p.name)).join(', ')} } = flat as Flat;`,
    `const rng = ${stream}.fromSeed(seed);`,
    `const ${latent.loopVar}Paths: number[][] = [];`,
    `for (let s = 0; s < ${seq}; s++) {`,
    [
      `const ${latent.loopVar}Draws = new Array<number>(start[s + 1]! - start[s]!);`,
      'let previous = 0;',
      `for (let t = 0; t < ${latent.loopVar}Draws.length; t++) {`,
      [
        'const n = start[s]! + t;',
        `// ${init.text}; ${trans.text}`,
        `const ${latent.loopVar} = t === 0 ? ${categorical}(rng, ${id(init.name)}, ${K}, 0) : ${categorical}(rng, ${id(trans.name)}, ${K}, previous * ${K});`,
        `${latent.loopVar}Draws[t] = ${latent.loopVar};`,
        `previous = ${latent.loopVar};`,
        ...ancestralOrder(ctx.step, [ctx.latent]).flatMap((f) => [`// ${f.text}`, ...drawFactor(ctx.step, f)]),
      ],
      '}',
      `${latent.loopVar}Paths.push(${latent.loopVar}Draws);`,
    ],
    '}',
    'return {',
    [
      'data: {',
      schema.data
        .filter((v) => !inputs.includes(v))
        .map((v) => {
          const item = v.shape.map(dim);
          const stride = item.length === 0 ? 'start[s]!' : `start[s]! * ${item.join(' * ')}`;
          return `${v.name}: Array.from({ length: ${seq} }, (_, s) => ${nest}(${id(v.name)}, [start[s + 1]! - start[s]!${item.map((d) => `, ${d}`).join('')}], ${stride})) as ${T}Data['${v.name}'],`;
        }),
      '},',
      `latents: { ${ctx.latent}: ${latent.loopVar}Paths },`,
    ],
    '};',
  );
  const sizesType = ctx.ragged
    ? `Partial<${T}Sizes> & { readonly ${stepsName}?: number | readonly number[] }`
    : `Partial<${T}Sizes>`;
  return {
    kind: 'function',
    name: 'sample',
    isExported: true,
    docs: [
      `Draws a data set of ${ctx.chain.sequences.size} sequences from ${ctx.chain.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
      ctx.ragged
        ? `Sizes: \`sizes\`, then what the params measure, then the declared defaults; \`sizes.${stepsName}\` is one length for every sequence, or one length per sequence (then ${ctx.chain.sequences.size} defaults to their number).`
        : 'Sizes: `sizes`, then what the params measure, then the declared defaults.',
    ],
    parameters: [
      { name: 'params', type: `${T}Params` },
      { name: 'sizes', type: sizesType },
      { name: 'seed', type: 'number', initializer: '1' },
      ...(inputs.length > 0
        ? [{ name: 'inputs', type: `Pick<${T}Data, ${inputs.map((v) => `'${v.name}'`).join(' | ')}>` }]
        : []),
    ],
    returnType: `${T}Sample`,
    statements: body,
  };
}
