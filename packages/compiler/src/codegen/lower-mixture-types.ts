// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a mixture program's declarations to the fitter's types and its data handling: the
 * exported interfaces named after the model (`OldFaithfulGmmData`, `…Params`, `…Sizes`,
 * `…FitOptions`, `…Posterior`, `…Sample`), the flat internal forms (`Bound`: sizes and every data
 * variable as a row-major Float64Array; `Flat`: every param the same way), `bind` (sizes from the
 * options, then the data, then the declared defaults; each value checked against its declared
 * type) and the conversions between nested and flat param values.
 */
import type { DataVariableSchema, DimEntry, TypeBase } from '@emforge/runtime';
import type { FunctionStructure, InterfaceStructure, StatementStructure } from './fitter-source.js';
import { CodegenUnsupported, dim, dims, id, type MixtureContext, use } from './mixture-context.js';

/** `name` in an object literal or a destructuring whose local is `id(name)`: `S: S_`, or `K`. */
export function field(name: string): string {
  return id(name) === name ? name : `${name}: ${id(name)}`;
}

/** `const { K, x } = from;` for model names, their locals renamed where needed; nothing for none. */
export function destructureNames(names: readonly string[], from: string): string[] {
  const unique = [...new Set(names)];
  return unique.length === 0 ? [] : [`const { ${unique.map(field).join(', ')} } = ${from};`];
}

/** `readonly (readonly number[])[]` for two dims. */
export function nestedType(depth: number): string {
  let t = 'number';
  for (let i = 0; i < depth; i++) t = `readonly ${i === 0 ? t : `(${t})`}[]`;
  return t;
}

function declared(name: string, dimsOf: readonly DimEntry[], element: string, shape: readonly DimEntry[]): string {
  const d = dimsOf.map((x) => `[${x}]`).join('');
  const s = shape.length > 0 && element !== 'cov' ? `[${shape.join(', ')}]` : element === 'cov' ? `[${shape[0]}]` : '';
  return `${name}${d}: ${element}${s}`;
}

/** How a data entry of each type is checked, and how the message names the type. */
const entryChecks: Partial<Record<TypeBase, { test: (v: string) => string; what: string }>> = {
  real: { test: (v) => `Number.isFinite(${v})`, what: 'a finite number' },
  positive: { test: (v) => `Number.isFinite(${v}) && ${v} > 0`, what: 'a positive number' },
  count: { test: (v) => `Number.isInteger(${v}) && ${v} >= 0`, what: 'a count (an integer ≥ 0)' },
  prob: { test: (v) => `${v} >= 0 && ${v} <= 1`, what: 'a probability in [0, 1]' },
  simplex: { test: (v) => `${v} >= 0 && ${v} <= 1`, what: 'a simplex entry in [0, 1]' },
  cov: { test: (v) => `Number.isFinite(${v})`, what: 'a finite number' },
};

function entryCheck(v: DataVariableSchema): { test: (x: string) => string; what: string } {
  if (v.element === 'cat') {
    const k = v.categories === undefined ? undefined : dim(v.categories);
    return {
      test: (x) => `Number.isInteger(${x}) && ${x} >= 0${k ? ` && ${x} < ${k}` : ''}`,
      what: k ? `a category 0 … ${v.categories} − 1` : 'a category (an integer ≥ 0)',
    };
  }
  const check = entryChecks[v.element];
  if (!check) throw new CodegenUnsupported(`data '${v.name}' of type ${v.element}`);
  return check;
}

/** The exported interfaces of the fitter. */
export function lowerPublicTypes(ctx: MixtureContext): StatementStructure[] {
  const { typePrefix: T, program, schema } = ctx;
  const data: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Data`,
    isExported: true,
    docs: [`The data of ${program.model}, as a data.json holds it (nested arrays in the declared shapes).`],
    properties: schema.data.map((v) => {
      if (v.optional) throw new CodegenUnsupported(`data '${v.name}' with missing entries`);
      if (v.dims.length + v.shape.length > 0 && schema.sizes.some((s) => s.over !== undefined)) {
        throw new CodegenUnsupported('ragged sizes');
      }
      return { name: v.name, type: nestedType(v.dims.length + v.shape.length), isReadonly: true, docs: [v.typeText] };
    }),
  };
  const params: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Params`,
    isExported: true,
    docs: [`The params of ${program.model}, nested in their declared shapes (as \`emforge fit --json\` prints them).`],
    properties: program.params.map((p) => ({
      name: p.name,
      type: nestedType(p.dims.length + p.shape.length),
      isReadonly: true,
      docs: [declared(p.name, p.dims, p.element, p.shape)],
    })),
  };
  const sizes: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Sizes`,
    isExported: true,
    docs: ['The sizes of the model.'],
    properties: schema.sizes.map((s) => ({
      name: s.name,
      type: 'number',
      isReadonly: true,
      ...(s.default !== undefined ? { docs: [`Default ${s.default}.`] } : {}),
    })),
  };
  const options: InterfaceStructure = {
    kind: 'interface',
    name: `${T}FitOptions`,
    isExported: true,
    docs: ["The options of `fit`, with `emforge fit`'s defaults."],
    properties: [
      { name: 'seed', type: 'number', docs: ['Seed of the random streams (default 1).'] },
      { name: 'restarts', type: 'number', docs: ['Independent EM runs, the best kept (default 10).'] },
      { name: 'maxIter', type: 'number', docs: ['Maximum number of iterations per run (default 1000).'] },
      {
        name: 'tol',
        type: 'number',
        docs: ['Converged when the relative change of the objective is below this (default 1e-8).'],
      },
      {
        name: 'init',
        type: `'kmeans++' | 'random' | 'random-points' | Partial<${T}Params>`,
        docs: ['A seeding method (default kmeans++), or initial values of some or all params.'],
      },
      { name: 'fixed', type: `Partial<${T}Params>`, docs: ['Params held at these values (not estimated).'] },
      { name: 'regCovar', type: 'number', docs: ['Added to covariance diagonals and variances (default 1e-6).'] },
      { name: 'sizes', type: `Partial<${T}Sizes>`, docs: ['Sizes given or overridden (like `--size K=3`).'] },
      ...(ctx.specialised
        ? [
            {
              name: 'specialise',
              type: 'boolean',
              docs: [
                `false: the general E- and M-steps below, not the runtime's specialised ${ctx.specialised} executor \`emforge fit\` runs (as EMFORGE_GENERAL=1).`,
              ],
            },
          ]
        : []),
    ].map((p) => ({ ...p, isReadonly: true, hasQuestionToken: true })),
  };
  const posterior: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Posterior`,
    isExported: true,
    docs: ['Responsibilities per item and joint latent state (as `emforge fit --posteriors` writes them).'],
    properties: [
      { name: 'latents', type: 'readonly string[]', isReadonly: true },
      {
        name: 'states',
        type: 'readonly string[]',
        isReadonly: true,
        docs: ['One name per joint state: `z=0`, or `a=0,b=1` (the first latent slowest).'],
      },
      { name: 'responsibilities', type: 'readonly (readonly number[])[]', isReadonly: true, docs: ['shape [N][S]'] },
    ],
  };
  const drawn = drawnData(ctx);
  const sample: InterfaceStructure = {
    kind: 'interface',
    name: `${T}Sample`,
    isExported: true,
    docs: ['A data set drawn from the model, and the latent states drawn for it.'],
    properties: [
      {
        name: 'data',
        type:
          drawn.length === schema.data.length
            ? `${T}Data`
            : `Pick<${T}Data, ${drawn.map((n) => `'${n}'`).join(' | ')}>`,
        isReadonly: true,
      },
      {
        name: 'latents',
        type: `{ ${ctx.latents.map((l) => `readonly ${l.name}: number[]`).join('; ')}${ctx.latents.length > 0 ? ' ' : ''}}`,
        isReadonly: true,
      },
    ],
  };
  return [data, params, sizes, options, posterior, sample];
}

/** The data variables some factor draws (the others are inputs: tables, trials, covariates). */
export function drawnData(ctx: MixtureContext): string[] {
  const drawn = new Set(ctx.program.factors.flatMap((f) => (f.child.kind === 'data' ? [f.child.name] : [])));
  return ctx.schema.data.filter((v) => drawn.has(v.name)).map((v) => v.name);
}

/** The internal flat forms. */
export function lowerFlatTypes(ctx: MixtureContext): StatementStructure[] {
  const { schema, program } = ctx;
  return [
    {
      kind: 'interface',
      name: `Bound extends ${ctx.typePrefix}Sizes`,
      docs: ['The sizes, and every data variable flat in row-major order.'],
      properties: [
        ...schema.data.map((v) => ({
          name: v.name,
          type: 'Float64Array',
          isReadonly: true,
          docs: [`shape [${[...v.dims, ...v.shape].join(', ')}]`],
        })),
      ],
    },
    {
      kind: 'interface',
      name: 'Flat',
      docs: ['The params, each flat in row-major order in its declared shape (updated in place by the M-step).'],
      properties: program.params.map((p) => ({
        name: p.name,
        type: 'Float64Array',
        isReadonly: true,
        docs: [`shape [${[...p.dims, ...p.shape].join(', ')}]`],
      })),
    },
  ];
}

/** A size's measurement from the data: `data.x.length`, `data.x[0]?.length`. */
function measure(ctx: MixtureContext, size: string): string | undefined {
  for (const v of ctx.schema.data) {
    const at = [...v.dims, ...v.shape].indexOf(size);
    if (at < 0) continue;
    let e = `data.${v.name}`;
    for (let k = 0; k < at; k++) e += k === 0 ? '[0]' : '?.[0]';
    return `${e}${at > 0 ? '?.' : '.'}length`;
  }
  return undefined;
}

/** `bind(data, given)`: sizes, then each data variable read and checked into a Float64Array. */
export function lowerBind(ctx: MixtureContext): StatementStructure[] {
  const { typePrefix: T, schema } = ctx;
  const readNested: FunctionStructure = {
    kind: 'function',
    name: 'readNested',
    docs: [
      'Reads nested arrays of `shape` into `out` (row-major), checking every entry with `ok`;',
      'each problem (a wrong length, a bad entry) is added to `problems`, naming the place.',
    ],
    parameters: [
      { name: 'value', type: 'unknown' },
      { name: 'shape', type: 'readonly number[]' },
      { name: 'out', type: 'Float64Array' },
      { name: 'at', type: 'string' },
      { name: 'ok', type: '(x: number) => boolean' },
      { name: 'what', type: 'string' },
      { name: 'problems', type: 'string[]' },
      { name: 'offset', type: 'number', initializer: '0' },
    ],
    returnType: 'void',
    statements: [
      'if (problems.length >= 10) return;',
      'if (shape.length === 0) {',
      [
        "if (typeof value === 'number' && ok(value)) out[offset] = value;",
        'else problems.push(`${at} is ${JSON.stringify(value)}, expected ${what}`);',
        'return;',
      ],
      '}',
      'const [first, ...rest] = shape as [number, ...number[]];',
      'if (!Array.isArray(value) || value.length !== first) {',
      [
        "const got = Array.isArray(value) ? `an array of ${value.length}` : JSON.stringify(value) ?? 'nothing';",
        'problems.push(`${at} should be an array of ${first}, got ${got}`);',
        'return;',
      ],
      '}',
      'const stride = rest.reduce((a, b) => a * b, 1);',
      'for (let k = 0; k < first; k++) readNested(value[k], rest, out, `${at}[${k}]`, ok, what, problems, offset + k * stride);',
    ],
  };
  const body: string[] = ['const problems: string[] = [];'];
  for (const s of schema.sizes) {
    if (s.over !== undefined) throw new CodegenUnsupported(`ragged size '${s.name}'`);
    const sources = [`given.${s.name}`, measure(ctx, s.name), s.default === undefined ? undefined : String(s.default)];
    body.push(`const ${id(s.name)} = ${sources.filter((x) => x !== undefined).join(' ?? ')};`);
  }
  for (const s of schema.sizes) {
    body.push(
      `if (${id(s.name)} === undefined) throw new Error("size '${s.name}' is not known: give it in options.sizes");`,
    );
  }
  for (const v of schema.data) {
    const check = entryCheck(v);
    const full = [...v.dims, ...v.shape];
    body.push(`const ${id(v.name)} = new Float64Array(${dims(full)});`);
    body.push(
      `readNested(data.${v.name}, [${full.map(dim).join(', ')}], ${id(v.name)}, '${v.name}', (x) => ${check.test('x')}, '${check.what}', problems);`,
    );
    if (v.element === 'simplex') {
      const k = dim(v.shape[0] ?? 1);
      body.push(
        `for (let e = 0; e < ${id(v.name)}.length; e += ${k}) {`,
        `  let total = 0;`,
        `  for (let m = 0; m < ${k}; m++) total += ${id(v.name)}[e + m]!;`,
        `  if (Math.abs(total - 1) > 1e-6) problems.push(\`${v.name}: entries \${e} … \${e + ${k} - 1} sum to \${total}, not 1 (a simplex)\`);`,
        '}',
      );
    }
  }
  body.push(
    "if (problems.length > 0) throw new Error(`the data do not match the model:\\n  ${problems.join('\\n  ')}`);",
    `return { ${[...schema.sizes.map((s) => s.name), ...schema.data.map((v) => v.name)].map(field).join(', ')} };`,
  );
  const bind: FunctionStructure = {
    kind: 'function',
    name: 'bind',
    docs: [
      'Binds data to the model: sizes from `given`, then the data, then the declared defaults;',
      'every value checked against its declared type. Throws an Error listing the problems.',
    ],
    parameters: [
      { name: 'data', type: `${T}Data` },
      { name: 'given', type: `Partial<${T}Sizes>`, initializer: '{}' },
    ],
    returnType: 'Bound',
    statements: body,
  };
  return [readNested, bind];
}

/** Per type, an element check of a flat param element at `e * size` (a message, or undefined). */
function constraintCheck(ctx: MixtureContext, element: TypeBase, size: string): string[] | undefined {
  switch (element) {
    case 'positive':
      return [
        `for (let m = 0; m < ${size}; m++) if (!(v[e + m]! > 0)) return 'has an entry ≤ 0 (the type is positive)';`,
      ];
    case 'prob':
      return [
        `for (let m = 0; m < ${size}; m++) if (!(v[e + m]! >= 0 && v[e + m]! <= 1)) return 'has an entry outside [0, 1] (the type is prob)';`,
      ];
    case 'simplex':
      return [
        'let total = 0;',
        `for (let m = 0; m < ${size}; m++) {`,
        "  if (!(v[e + m]! >= 0)) return 'is not on the simplex (entries ≥ 0 summing to 1)';",
        '  total += v[e + m]!;',
        '}',
        "if (!(Math.abs(total - 1) < 1e-6)) return 'is not on the simplex (entries ≥ 0 summing to 1)';",
      ];
    case 'cov': {
      const chol = use(ctx, 'cholesky');
      return [
        `const d = Math.round(Math.sqrt(${size}));`,
        'for (let r = 0; r < d; r++)',
        '  for (let c = 0; c < r; c++)',
        '    if (Math.abs(v[e + r * d + c]! - v[e + c * d + r]!) > 1e-9 * Math.max(1, Math.abs(v[e + r * d + c]!)))',
        "      return 'is not a symmetric positive-definite matrix';",
        `if (!${chol}(v.slice(e, e + ${size}), d)) return 'is not a symmetric positive-definite matrix';`,
      ];
    }
    default:
      return undefined;
  }
}

/** Param conversions: allocate, copy, load, flatten (checked) and nest. */
export function lowerParamConversions(ctx: MixtureContext): StatementStructure[] {
  const { typePrefix: T, program } = ctx;
  const sizesOf = program.params.map((p) => ({ p, total: dims([...p.dims, ...p.shape]), element: dims(p.shape) }));
  const names = program.params.map((p) => `'${p.name}'`).join(', ');
  const paramSizes = program.params
    .flatMap((p) => [...p.dims, ...p.shape])
    .filter((d): d is string => typeof d === 'string');
  const flattenBody: string[] = [
    ...destructureNames(paramSizes, 'sizes'),
    'const out: { -readonly [P in keyof Flat]?: Float64Array } = {};',
    'const problems: string[] = [];',
    'for (const name of Object.keys(values)) {',
    `  if (![${names}].includes(name)) problems.push(\`\${what}: '\${name}' is not a param of ${program.model} (its params: ${program.params.map((p) => p.name).join(', ')})\`);`,
    '}',
  ];
  for (const { p, total, element } of sizesOf) {
    const full = [...p.dims, ...p.shape];
    flattenBody.push(`if (values.${p.name} !== undefined) {`);
    flattenBody.push(`  const v = new Float64Array(${total});`);
    flattenBody.push(
      `  readNested(values.${p.name}, [${full.map(dim).join(', ')}], v, \`\${what}: ${p.name}\`, Number.isFinite, 'a finite number', problems);`,
    );
    const check = constraintCheck(ctx, p.element, element);
    if (check) {
      flattenBody.push(
        `  const bad = (e: number): string | undefined => {`,
        ...check.map((l) => `    ${l}`),
        '    return undefined;',
        '  };',
        `  for (let e = 0; problems.length === 0 && e < v.length; e += ${element}) {`,
        '    const problem = bad(e);',
        `    if (problem) problems.push(\`\${what}: param '${p.name}'${p.dims.length > 0 ? ` element \${e / ${element}}` : ''} \${problem}\`);`,
        '  }',
      );
    }
    flattenBody.push(`  out.${p.name} = v;`, '}');
  }
  flattenBody.push("if (problems.length > 0) throw new Error(problems.join('\\n'));", 'return out;');
  const nest = use(ctx, 'nestValues');
  const paramValue = use(ctx, 'ParamValue');
  return [
    {
      kind: 'function',
      name: 'allocateParams',
      docs: ['Zero params of the bound sizes.'],
      parameters: [{ name: 'sizes', type: `${T}Sizes` }],
      returnType: 'Flat',
      statements: [
        ...destructureNames(paramSizes, 'sizes'),
        `return { ${sizesOf.map(({ p, total }) => `${p.name}: new Float64Array(${total})`).join(', ')} };`,
      ],
    },
    {
      kind: 'function',
      name: 'copyParams',
      parameters: [{ name: 'params', type: 'Flat' }],
      returnType: 'Flat',
      statements: [`return { ${program.params.map((p) => `${p.name}: params.${p.name}.slice()`).join(', ')} };`],
    },
    {
      kind: 'function',
      name: 'loadParams',
      docs: ['Copies the given values into the live params.'],
      parameters: [
        { name: 'into', type: 'Flat' },
        { name: 'values', type: 'Partial<Flat>' },
      ],
      returnType: 'void',
      statements: program.params.map((p) => `if (values.${p.name}) into.${p.name}.set(values.${p.name});`),
    },
    {
      kind: 'function',
      name: 'flattenParams',
      docs: [
        'Param values given in their nested shapes, checked (names, shapes, finite entries, constraints) and flattened.',
      ],
      parameters: [
        { name: 'sizes', type: `${T}Sizes` },
        { name: 'values', type: `Partial<${T}Params>` },
        { name: 'what', type: 'string' },
      ],
      returnType: 'Partial<Flat>',
      statements: flattenBody,
    },
    {
      kind: 'function',
      name: 'nestParams',
      docs: ['The params nested in their declared shapes.'],
      parameters: [
        { name: 'sizes', type: `${T}Sizes` },
        { name: 'params', type: 'Flat' },
      ],
      returnType: `Record<keyof Flat, ${paramValue}>`,
      statements: [
        ...destructureNames(paramSizes, 'sizes'),
        'return {',
        ...program.params.map(
          (p) => `  ${p.name}: ${nest}(params.${p.name}, [${[...p.dims, ...p.shape].map(dim).join(', ')}]),`,
        ),
        '};',
      ],
    },
  ];
}
