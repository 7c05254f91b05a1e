// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers `sample(params, sizes, seed)` of a scale-mixture fitter (a Student-t, or a mixture of
 * them): ancestral sampling in the runtime's order and with its samplers, as `emforge sample`
 * (scale-mixture/sample-scale-mixture.ts): per item the component from the weights (a mixture),
 * the precision u ~ Gamma(α, β) of that component, then x = μ + L ε / √u with L L' = Σ (σ for
 * the univariate form) and ε standard normal. Data the model reads but does not draw (ν given
 * as data) are the `inputs` argument.
 */
import type { KnownValue } from '@emforge/runtime';
import type { Code, FunctionStructure, InterfaceStructure } from './fitter-source.js';
import { measureFrom } from './lower-chain-sample.js';
import { field } from './lower-mixture-types.js';
import { dim, dims, id, use } from './mixture-context.js';
import { localName, pick, type ScaleMixtureContext } from './scale-mixture-context.js';

/** The data the model reads but does not draw. */
function inputsOf(ctx: ScaleMixtureContext) {
  return ctx.full.schema.data.filter((v) => v.name !== ctx.names.x);
}

/** The `…Sample` interface: the drawn observation, the components (a mixture) and the precisions. */
export function lowerScaleSampleType(ctx: ScaleMixtureContext): InterfaceStructure {
  const T = ctx.full.typePrefix;
  const latents = [...(ctx.z ? [ctx.z] : []), ctx.u];
  return {
    kind: 'interface',
    name: `${T}Sample`,
    isExported: true,
    docs: [
      `A data set drawn from the model, and the latents drawn for it (${ctx.z ? `the component ${ctx.z} and ` : ''}the precision ${ctx.u} per item).`,
    ],
    properties: [
      {
        name: 'data',
        type: inputsOf(ctx).length === 0 ? `${T}Data` : `Pick<${T}Data, '${ctx.names.x}'>`,
        isReadonly: true,
      },
      { name: 'latents', type: `{ ${latents.map((l) => `readonly ${l}: number[]`).join('; ')} }`, isReadonly: true },
    ],
  };
}

export function lowerScaleSample(ctx: ScaleMixtureContext): FunctionStructure {
  const T = ctx.full.typePrefix;
  const { schema } = ctx.full;
  const { program, N, D, K } = ctx;
  const inputs = inputsOf(ctx);
  const nest = use(ctx.full, 'nestValues');
  const stream = use(ctx.full, 'RandomStream');
  const gamma = use(ctx.full, 'sampleGamma');
  const normal = use(ctx.full, 'sampleStdNormal');
  const body: Code[] = ['const problems: string[] = [];'];
  for (const s of schema.sizes) {
    const sources = [
      `sizes.${s.name}`,
      ...program.params.map((p) => measureFrom('params', p.name, [...p.dims, ...p.shape], s.name)),
      ...inputs.map((v) => measureFrom('inputs', v.name, [...v.dims, ...v.shape], s.name)),
      s.default === undefined ? undefined : String(s.default),
    ].filter((x) => x !== undefined);
    body.push(`const ${id(s.name)} = ${sources.join(' ?? ')};`);
  }
  for (const s of schema.sizes) {
    body.push(`if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in sizes");`);
  }
  for (const v of schema.data) {
    const full = [...v.dims, ...v.shape];
    body.push(`const ${localName(v.name)} = new Float64Array(${dims(full)});`);
    if (v.name !== ctx.names.x) {
      body.push(
        `readNested(inputs.${v.name}, [${full.map(dim).join(', ')}], ${localName(v.name)}, '${v.name}', Number.isFinite, 'a finite number', problems);`,
      );
    }
  }
  const argument = (v: KnownValue): string => {
    if (v.kind === 'constant') return String(v.value);
    const array = v.kind === 'param' ? (ctx.nu ?? localName(v.name)) : localName(v.name);
    return `${array}[${v.perComponent ? 'k' : '0'}]! * ${v.factor}`;
  };
  const zDraws = ctx.z ? `${ctx.z}Draws` : undefined;
  const uDraws = `${ctx.u}Draws`;
  body.push(
    "if (problems.length > 0) throw new Error(`the inputs do not match the model:\\n  ${problems.join('\\n  ')}`);",
    `const bound: Bound = { ${[...schema.sizes.map((s) => s.name), ...schema.data.map((v) => v.name)].map((n) => (schema.data.some((v) => v.name === n) ? pick(n) : field(n))).join(', ')} };`,
    "const flat = flattenParams(bound, params, 'params');",
    ...program.params.map((p) => `if (!flat.${p.name}) throw new Error("params: '${p.name}' is missing");`),
    `const { ${program.params.map((p) => pick(p.name)).join(', ')} } = flat as Flat;`,
    `// per component: the precision's Gamma(α, β) and the Cholesky factor of the scale${ctx.mv ? '' : ' (σ)'}`,
    `const alpha = new Float64Array(${K});`,
    `const beta = new Float64Array(${K});`,
    `const chol = new Float64Array(${K} * ${D} * ${D});`,
    `for (let k = 0; k < ${K}; k++) {`,
    [
      `alpha[k] = ${argument(program.shape)};`,
      `beta[k] = ${argument(program.rate)};`,
      'if (!(alpha[k]! > 0 && beta[k]! > 0 && Number.isFinite(alpha[k]!) && Number.isFinite(beta[k]!)))',
      [
        'throw new Error(`component ${k} has Gamma(${alpha[k]}, ${beta[k]}) as its precision: ν must be positive and finite`);',
      ],
      ...(ctx.mv
        ? [
            `const l = chol.subarray(k * ${D} * ${D}, (k + 1) * ${D} * ${D});`,
            `l.set(${ctx.sigma}.subarray(${program.scale.perComponent ? 'k' : '0'} * ${D} * ${D}, (${program.scale.perComponent ? 'k' : '0'} + 1) * ${D} * ${D}));`,
            `${use(ctx.full, 'cholesky')}(l, ${D});`,
          ]
        : [`chol[k] = ${ctx.sigma}[${program.scale.perComponent ? 'k' : '0'}]!;`]),
    ],
    '}',
    `const rng = ${stream}.fromSeed(seed);`,
    ...(zDraws ? [`const ${zDraws} = new Array<number>(${N});`] : []),
    `const ${uDraws} = new Array<number>(${N});`,
    `const scratch = new Float64Array(${D});`,
    `for (let n = 0; n < ${N}; n++) {`,
    [
      ctx.w ? `const k = ${use(ctx.full, 'sampleCategorical')}(rng, ${ctx.w}, ${K}, 0);` : 'const k = 0;',
      `// ${ctx.u}[n] ~ Gamma(α_k, β_k), then ${ctx.names.x}[n] = μ_k + L_k ε / √${ctx.u}[n]`,
      `const u = ${gamma}(rng, alpha[k]!, beta[k]!);`,
      `for (let j = 0; j < ${D}; j++) scratch[j] = ${normal}(rng);`,
      `for (let j = 0; j < ${D}; j++) {`,
      [
        'let acc = 0;',
        `for (let l = 0; l <= j; l++) acc += chol[k * ${D} * ${D} + j * ${D} + l]! * scratch[l]!;`,
        `${ctx.x}[n * ${D} + j] = ${ctx.mu}[${program.location.perComponent ? 'k' : '0'} * ${D} + j]! + acc / Math.sqrt(u);`,
      ],
      '}',
      ...(zDraws ? [`${zDraws}[n] = k;`] : []),
      `${uDraws}[n] = u;`,
    ],
    '}',
    'return {',
    [
      `data: { ${ctx.names.x}: ${nest}(${ctx.x}, [${ctx.mv ? `${N}, ${D}` : N}]) as ${T}Data['${ctx.names.x}'] },`,
      `latents: { ${[...(ctx.z ? [`${ctx.z}: ${zDraws}`] : []), `${ctx.u}: ${uDraws}`].join(', ')} },`,
    ],
    '};',
  );
  return {
    kind: 'function',
    name: 'sample',
    isExported: true,
    docs: [
      `Draws a data set of ${N} items from ${program.model} with \`params\` (as \`emforge sample\` does, with the same seed and draws).`,
      'Sizes: `sizes`, then what the params (and inputs) measure, then the declared defaults.',
      ...(inputs.length > 0
        ? [`\`inputs\`: the data the model reads but does not draw (${inputs.map((v) => v.name).join(', ')}).`]
        : []),
    ],
    parameters: [
      { name: 'params', type: `${T}Params` },
      { name: 'sizes', type: `Partial<${T}Sizes>` },
      { name: 'seed', type: 'number', initializer: '1' },
      ...(inputs.length > 0
        ? [{ name: 'inputs', type: `Pick<${T}Data, ${inputs.map((v) => `'${v.name}'`).join(' | ')}>` }]
        : []),
    ],
    returnType: `${T}Sample`,
    statements: body,
  };
}
