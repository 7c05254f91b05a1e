// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers a mixture program's M-step to one update function per param, named after it
 * (`updateMu`), with the plan's formula as its comment, and `mStep` calling them in the
 * runtime's order (locations and probabilities first, scales after them with the new means).
 * Each update is the runtime's (em/mixture-m-step.ts with mstep/*.ts, em/family-mle-m-step.ts)
 * specialised to the param's rule, family and shapes: the same sums in the same order, the same
 * empty-element re-seeding, collapse and non-finite warnings, so the fitter's results are the
 * runtime's bit for bit.
 */
import type { FitFactor, FitParam, ValueSource } from '@emforge/runtime';
import type { Code, FunctionStructure } from './fitter-source.js';
import { constantArgument } from './lower-constants.js';
import { argViews, declareS, destructure, statesName } from './lower-mixture-e-step.js';
import {
  addWork,
  argEntry,
  CodegenUnsupported,
  destructureWork,
  dim,
  dims,
  elementIndex,
  entry,
  id,
  jointState,
  type LatentLoop,
  type MixtureContext,
  paramNamed,
  pascalCase,
  use,
  type View,
  viewOf,
} from './mixture-context.js';

const scaleRules = new Set(['normal-sd', 'mv-normal-covariance', 'inv-wishart-map']);
const probabilityRules = new Set(['categorical-probabilities', 'dirichlet-map']);
const scalarRules = new Set([
  'poisson-rate',
  'bernoulli-probability',
  'exponential-rate',
  'normal-mean',
  'binomial-probability',
  'gamma-rate',
  'beta-map',
  'gamma-map',
  'normal-mean-map',
]);

/** The param's factor, the argument's source and its selectors. */
function argumentOf(ctx: MixtureContext, p: FitParam): { factor: FitFactor; k: number; selectors: readonly string[] } {
  const factor = ctx.program.factors[p.factor]!;
  const k = factor.args.findIndex((a) => a.name === p.argument);
  const source = factor.args[k]?.source;
  if (source?.kind !== 'param') throw new CodegenUnsupported(`param ${p.name} is not argument ${p.argument}`);
  return { factor, k, selectors: source.selectors };
}

/** Loops over `latents` (in model order) around `body`. */
function loopsOver(latents: readonly LatentLoop[], body: readonly Code[]): Code[] {
  let code: Code[] = [...body];
  for (const l of [...latents].reverse()) {
    code = [`for (let ${l.loopVar} = 0; ${l.loopVar} < ${l.states}; ${l.loopVar}++) {`, code, '}'];
  }
  return code;
}

function selected(ctx: MixtureContext, selectors: readonly string[]): LatentLoop[] {
  const out = selectors.map((name) => {
    const l = ctx.latents.find((x) => x.name === name);
    if (!l) throw new CodegenUnsupported(`'${name}' selects an element but is not a latent of the item`);
    return l;
  });
  const order = out.map((l) => ctx.latents.indexOf(l));
  if (order.some((o, i) => i > 0 && o < order[i - 1]!)) {
    throw new CodegenUnsupported(`selectors [${selectors.join(', ')}] in another order than the latents' declaration`);
  }
  return out;
}

function others(ctx: MixtureContext, selectors: readonly string[]): LatentLoop[] {
  return ctx.latents.filter((l) => !selectors.includes(l.name));
}

/** `component ${e} of 'mu'` or `'Sigma'`, and the size to lower (`K`). */
function whoAndSize(ctx: MixtureContext, name: string, selectors: readonly string[], e: string): [string, string] {
  const latent = selectors.length === 1 ? ctx.latents.find((l) => l.name === selectors[0]) : undefined;
  return [
    selectors.length > 0 ? `component \${${e}} of '${name}'` : `'${name}'`,
    latent?.sizeName ?? 'the number of components',
  ];
}

/** elementWeight[n] = Σ of q[n, s] over the states choosing this element, and their total. */
function elementWeights(ctx: MixtureContext, selectors: readonly string[]): Code[] {
  const S = statesName(ctx);
  const rest = others(ctx, selectors);
  const s = jointState(ctx);
  const plate = dim(ctx.program.plate.size);
  const inner =
    rest.length === 0
      ? [`const wn = resp[n * ${S} + ${s}]!;`]
      : ['let wn = 0;', ...loopsOver(rest, [`wn += resp[n * ${S} + ${s}]!;`])];
  return [
    'let total = 0;',
    `for (let n = 0; n < ${plate}; n++) {`,
    [...inner, 'elementWeight[n] = wn;', 'total += wn;'],
    '}',
  ];
}

/** The re-seeding of an empty element (non-scale rules): one random item gets all the weight. */
function reseed(ctx: MixtureContext, p: FitParam, selectors: readonly string[], e: string): Code[] {
  use(ctx, 'EMPTY');
  const [who, size] = whoAndSize(ctx, p.name, selectors, e);
  const firstTime = use(ctx, 'firstTime');
  return [
    'if (total < EMPTY) {',
    [
      `if (!${firstTime}(ctx.rng, \`empty:${p.name}:\${${e}}\`)) continue;`,
      `const item = ctx.rng.uniformInt(${dim(ctx.program.plate.size)});`,
      'elementWeight.fill(0);',
      'elementWeight[item] = 1;',
      `ctx.perturb(\`iteration \${ctx.iteration}: ${who} is empty (no item has weight on it): re-seeded from item \${item}; lower ${size}, or use more restarts\`);`,
    ],
    '}',
  ];
}

/** Stores `next` as element e unless some entry is not finite (then a warning, the old value kept). */
function store(p: FitParam, size: string, e: string, next: string): Code[] {
  return [
    `if (!${next}.every(Number.isFinite)) {`,
    [
      `ctx.warn(\`iteration \${ctx.iteration}: the update of element \${${e}} of '${p.name}' is not finite; kept its previous value (raise regCovar or lower the number of components)\`);`,
      'continue;',
    ],
    '}',
    `${id(p.name)}.set(${next}, ${e === '0' ? '0' : size === '1' ? e : `${/^\w+$/.test(e) ? e : `(${e})`} * ${size}`});`,
  ];
}

/** A prior argument of a param: a number, or `arr[arr.length === 1 ? 0 : m]` for entry m. */
function priorArgument(ctx: MixtureContext, p: FitParam, k: number): { value: string; at: (m: string) => string } {
  const a = p.prior?.args[k];
  if (!a) throw new CodegenUnsupported(`param ${p.name}: its prior has no argument ${k}`);
  const value = constantArgument(ctx, a, `${id(p.name)}Prior${k}`, `argument ${k} of the prior '${p.prior!.text}'`);
  const isArray = value.startsWith('work.');
  return { value, at: (m) => (isArray ? `${value}[${value}.length === 1 ? 0 : ${m}]!` : value) };
}

/** categorical-probabilities / dirichlet-map: normalised expected counts (plus alpha − 1). */
function probabilityUpdate(ctx: MixtureContext, p: FitParam): Code[] {
  const { factor, selectors } = argumentOf(ctx, p);
  const size = dims(p.shape);
  const sub = factor.child.kind === 'state' ? '1' : viewOf(ctx, factor.child).size;
  if (factor.family !== 'Categorical') throw new CodegenUnsupported(`${p.rule} of a ${factor.family} param`);
  const sel = selected(ctx, selectors);
  if (selectors.length + (sub === '1' ? 0 : 1) !== p.dims.length) {
    throw new CodegenUnsupported(`param ${p.name}: dims not chosen by latents or an inner loop`);
  }
  const S = statesName(ctx);
  const s = jointState(ctx);
  const plate = dim(ctx.program.plate.size);
  const counts = addWork(ctx, {
    name: `counts${pascalCase(p.name)}`,
    docs: `shape [${p.shape.join(', ')}]: expected counts of one element of ${p.name}`,
    type: 'Float64Array',
    size,
  });
  const next = addWork(ctx, {
    name: `next${pascalCase(p.name)}`,
    docs: `shape [${p.shape.join(', ')}]: the update of one element of ${p.name}`,
    type: 'Float64Array',
    size,
  });
  const accumulate = (f: FitFactor, argument: string): Code[] => {
    const source = f.args.find((a) => a.name === argument)?.source;
    if (source?.kind !== 'param' || source.selectors.join() !== selectors.join()) {
      throw new CodegenUnsupported(`param ${p.name} is chosen differently in '${f.text}'`);
    }
    const rest = others(ctx, selectors);
    const child =
      f.child.kind === 'state'
        ? ctx.latents.find((l) => l.name === (f.child as { latent: string }).latent)!.loopVar
        : undefined;
    const body =
      child !== undefined
        ? [`for (let n = 0; n < ${plate}; n++) ${counts}[${child}]! += resp[n * ${S} + ${s}]!;`]
        : [
            `for (let n = 0; n < ${plate}; n++) ${counts}[${entry(viewOf(ctx, f.child), 'n', sub === '1' ? '0' : 'j')}]! += resp[n * ${S} + ${s}]!;`,
          ];
    return [`// expected counts from ${f.text}`, ...loopsOver(rest, body)];
  };
  const e = sub === '1' ? elementIndex(ctx, selectors) : `(${elementIndex(ctx, selectors)}) * ${sub} + j`;
  const finish: Code[] =
    p.rule === 'categorical-probabilities'
      ? [
          'let sum = 0;',
          `for (let m = 0; m < ${size}; m++) sum += ${counts}[m]!;`,
          `for (let m = 0; m < ${size}; m++) ${next}[m] = ${counts}[m]! / sum;`,
        ]
      : (() => {
          const alpha = priorArgument(ctx, p, 0);
          return [
            'let sum = 0;',
            `for (let m = 0; m < ${size}; m++) {`,
            [`${next}[m] = ${counts}[m]! + ${alpha.at('m')} - 1;`, `sum += ${next}[m]!;`],
            '}',
            `for (let m = 0; m < ${size}; m++) ${next}[m] = ${next}[m]! / sum;`,
          ];
        })();
  const body: Code[] = [
    `${counts}.fill(0);`,
    ...accumulate(factor, p.argument),
    ...(p.alsoIn ?? []).flatMap((a) => accumulate(ctx.program.factors[a.factor]!, a.argument)),
    ...finish,
    ...store(p, size, e.replace(/^\((\w+)\)/, '$1'), next),
  ];
  const withInner = sub === '1' ? body : [`for (let j = 0; j < ${sub}; j++) {`, body, '}'];
  return sel.length === 0 && sub === '1' ? wrapOnce(withInner) : loopsOver(sel, withInner);
}

/** A body that uses `continue` but has no element loop: run it in a one-pass loop. */
function wrapOnce(body: readonly Code[]): Code[] {
  return ['for (let once = 0; once < 1; once++) {', body, '}'];
}

/** The view of a factor argument by position. */
function argView(ctx: MixtureContext, f: FitFactor, k: number): View {
  return argViews(ctx, f)[k]!;
}

function argIndex(f: FitFactor, name: string): number {
  const k = f.args.findIndex((a) => a.name === name);
  if (k < 0) throw new CodegenUnsupported(`'${f.text}' has no argument ${name}`);
  return k;
}

/** The weighted sums and the formula of a scalar rule (mstep/*.ts). */
function scalarUpdate(ctx: MixtureContext, p: FitParam): Code[] {
  const { factor, selectors } = argumentOf(ctx, p);
  if (selectors.length !== p.dims.length) throw new CodegenUnsupported(`param ${p.name}: dims not chosen by latents`);
  const sel = selected(ctx, selectors);
  const child = viewOf(ctx, factor.child as ValueSource);
  const d = child.size;
  const size = dims(p.shape);
  const perCoordinate = size === d && d !== '1';
  if (size !== '1' && !perCoordinate) throw new CodegenUnsupported(`param ${p.name}: a shape unlike its data's`);
  const plate = dim(ctx.program.plate.size);
  const itemArg = (name: string) => argEntry(argView(ctx, factor, argIndex(factor, name)), 'n', '0');
  const family = factor.family;
  const trials = family === 'Binomial' ? itemArg('n') : undefined;
  const shape = p.rule === 'gamma-rate' ? itemArg('shape') : undefined;
  const coordinate = d === '1' ? '0' : perCoordinate ? 'j' : 'c';
  const sums: string[] = ['sx += wn * xv;', 'sw += wn;'];
  if (trials !== undefined) sums.push(`st += wn * ${trials};`);
  if (shape !== undefined) sums.push(`sa += wn * ${shape};`);
  const read = `const xv = ${entry(child, 'n', coordinate)};`;
  const itemLoop: Code[] = [
    `for (let n = 0; n < ${plate}; n++) {`,
    [
      'const wn = elementWeight[n]!;',
      ...(coordinate === 'c' ? [`for (let c = 0; c < ${d}; c++) {`, [read, ...sums], '}'] : [read, ...sums]),
    ],
    '}',
  ];
  let formula: string;
  let extra: Code[] = [];
  switch (p.rule) {
    case 'poisson-rate':
    case 'bernoulli-probability':
    case 'normal-mean':
      formula = 'sx / sw';
      break;
    case 'exponential-rate':
      formula = 'sw / sx';
      break;
    case 'binomial-probability':
      formula = 'sx / st';
      break;
    case 'gamma-rate':
      formula = 'sa / sx';
      break;
    case 'beta-map': {
      const a = priorArgument(ctx, p, 0).at('0');
      const b = priorArgument(ctx, p, 1).at('0');
      formula = `(sx + ${a} - 1) / (${trials !== undefined ? 'st' : 'sw'} + ${a} + ${b} - 2)`;
      break;
    }
    case 'gamma-map': {
      const a = priorArgument(ctx, p, 0).at('0');
      const b = priorArgument(ctx, p, 1).at('0');
      if (family === 'Poisson') formula = `(sx + ${a} - 1) / (sw + ${b})`;
      else if (family === 'Exponential') formula = `(sw + ${a} - 1) / (sx + ${b})`;
      else throw new CodegenUnsupported(`gamma-map on ${family}`);
      break;
    }
    case 'normal-mean-map': {
      const sdSource = factor.args[1]?.source;
      if (sdSource?.kind === 'param' && sdSource.selectors.some((l) => !selectors.includes(l))) {
        throw new CodegenUnsupported(`param ${p.name}: its sd is chosen by other latents`);
      }
      const sd = argEntry(argView(ctx, factor, 1), '0', 'j');
      const mean = priorArgument(ctx, p, 0).at('j');
      const sdPrior = priorArgument(ctx, p, 1).at('j');
      extra = [`const pseudo = ${sd} ** 2 / ${sdPrior} ** 2;`];
      formula = `(sx + ${mean} * pseudo) / (sw + pseudo)`;
      break;
    }
    default:
      throw new CodegenUnsupported(`rule ${p.rule}`);
  }
  const next = addWork(ctx, {
    name: `next${pascalCase(p.name)}`,
    docs: `shape [${p.shape.join(', ') || '1'}]: the update of one element of ${p.name}`,
    type: 'Float64Array',
    size,
  });
  const e = elementIndex(ctx, selectors);
  const perJ: Code[] = [
    `let sx = 0;`,
    `let sw = 0;`,
    ...(trials !== undefined ? ['let st = 0;'] : []),
    ...(shape !== undefined ? ['let sa = 0;'] : []),
    ...itemLoop,
    ...extra,
    `${next}[j] = ${formula};`,
  ];
  const body: Code[] = [
    ...elementWeights(ctx, selectors),
    ...reseed(ctx, p, selectors, e),
    ...(size === '1' ? [`const j = 0;`, ...perJ] : [`for (let j = 0; j < ${size}; j++) {`, perJ, '}']),
    ...store(p, size, e, next),
  ];
  return sel.length === 0 ? wrapOnce(body) : loopsOver(sel, body);
}

/** mv-normal-mean: mu = Σ_n w[n] x[n] / Σ_n w[n]. */
function mvMeanUpdate(ctx: MixtureContext, p: FitParam): Code[] {
  const { factor, selectors } = argumentOf(ctx, p);
  if (selectors.length !== p.dims.length) throw new CodegenUnsupported(`param ${p.name}: dims not chosen by latents`);
  const sel = selected(ctx, selectors);
  const child = viewOf(ctx, factor.child as ValueSource);
  const d = child.size;
  const plate = dim(ctx.program.plate.size);
  const next = addWork(ctx, {
    name: `next${pascalCase(p.name)}`,
    docs: `shape [${p.shape.join(', ')}]: the update of one element of ${p.name}`,
    type: 'Float64Array',
    size: d,
  });
  const e = elementIndex(ctx, selectors);
  const body: Code[] = [
    ...elementWeights(ctx, selectors),
    ...reseed(ctx, p, selectors, e),
    `${next}.fill(0);`,
    'let weight = 0;',
    `for (let n = 0; n < ${plate}; n++) {`,
    [
      'const wn = elementWeight[n]!;',
      'weight += wn;',
      `for (let j = 0; j < ${d}; j++) ${next}[j]! += wn * ${entry(child, 'n', 'j')};`,
    ],
    '}',
    `for (let j = 0; j < ${d}; j++) ${next}[j] = ${next}[j]! / weight;`,
    ...store(p, d, e, next),
  ];
  return sel.length === 0 ? wrapOnce(body) : loopsOver(sel, body);
}

/**
 * The Gaussian components of a scale element: the mean each uses and the weight expression of
 * item n (for a pooled, empty element: 1/S per state). Supports a scale chosen like its mean,
 * a tied scale with the mean chosen by the only latent, and a mean that is not chosen at all.
 */
function scaleComponents(
  ctx: MixtureContext,
  p: FitParam,
): { loops: LatentLoop[]; mean: View; weight: string; pooled: Code[] } {
  const { factor, selectors } = argumentOf(ctx, p);
  const meanSource = factor.args[0]!.source;
  const mean = argView(ctx, factor, 0);
  const S = statesName(ctx);
  const s = jointState(ctx);
  const pooledSum = (latents: readonly LatentLoop[]): Code[] =>
    latents.length === 0
      ? [`const pooled = 1 / ${S};`]
      : ['let pooled = 0;', ...loopsOver(latents, [`pooled += 1 / ${S};`])];
  const meanSelectors = meanSource.kind === 'param' ? meanSource.selectors : [];
  if (meanSource.kind !== 'param' && meanSource.kind !== 'constant') {
    throw new CodegenUnsupported(`the mean of '${factor.text}' is not a param or a constant`);
  }
  if (meanSelectors.join() === selectors.join() || meanSelectors.length === 0) {
    // One component: every state of the element, with the element's weights.
    return { loops: [], mean, weight: 'elementWeight[n]!', pooled: pooledSum(others(ctx, selectors)) };
  }
  if (selectors.length === 0 && ctx.latents.length === 1 && meanSelectors[0] === ctx.latents[0]!.name) {
    // Tied: one component per state, each with its own responsibilities.
    return { loops: [ctx.latents[0]!], mean, weight: `resp[n * ${S} + ${s}]!`, pooled: pooledSum([]) };
  }
  throw new CodegenUnsupported(`the scale '${p.name}' is chosen by other latents than its mean`);
}

function scaleUpdate(ctx: MixtureContext, p: FitParam): Code[] {
  const { factor, selectors } = argumentOf(ctx, p);
  if (selectors.length !== p.dims.length) throw new CodegenUnsupported(`param ${p.name}: dims not chosen by latents`);
  const sel = selected(ctx, selectors);
  const child = viewOf(ctx, factor.child as ValueSource);
  const d = child.size;
  const size = dims(p.shape);
  const plate = dim(ctx.program.plate.size);
  const { loops, mean, weight, pooled } = scaleComponents(ctx, p);
  use(ctx, 'EMPTY');
  const e = elementIndex(ctx, selectors);
  const firstTime = use(ctx, 'firstTime');
  const describeCollapse = use(ctx, 'describeCollapse');
  const [who, sizeName] = whoAndSize(ctx, p.name, selectors, e);
  const next = addWork(ctx, {
    name: `next${pascalCase(p.name)}`,
    docs: `shape [${p.shape.join(', ') || '1'}]: the update of one element of ${p.name}`,
    type: 'Float64Array',
    size,
  });
  const itemWeight = `const wn = empty ? pooled : ${weight};`;
  let accumulate: Code[];
  let finish: Code[];
  if (p.rule === 'normal-sd') {
    const form = d === '1' ? 'scalar' : size === '1' ? 'spherical' : 'diagonal';
    const squares = addWork(ctx, {
      name: `squares${pascalCase(p.name)}`,
      docs: `shape [${d}]: weighted squared residuals per coordinate, for ${p.name}`,
      type: 'Float64Array',
      size: d,
    });
    accumulate = [
      `for (let n = 0; n < ${plate}; n++) {`,
      [
        itemWeight,
        'weight += wn;',
        `for (let j = 0; j < ${d}; j++) ${squares}[j]! += wn * (${entry(child, 'n', 'j')} - ${argEntry(mean, '0', 'j')}) ** 2;`,
      ],
      '}',
    ];
    finish =
      form === 'diagonal'
        ? [`for (let j = 0; j < ${d}; j++) ${next}[j] = Math.sqrt(${squares}[j]! / weight);`]
        : [
            'let all = 0;',
            `for (let j = 0; j < ${d}; j++) all += ${squares}[j]!;`,
            `${next}[0] = Math.sqrt(all / (${d} * weight));`,
          ];
    finish = [
      ...finish,
      `const collapse = ${describeCollapse}(Array.from(${next}, (v) => v * v), false, settings.regCovar);`,
      `for (let j = 0; j < ${size}; j++) ${next}[j] = Math.sqrt(${next}[j]! * ${next}[j]! + settings.regCovar);`,
    ];
    accumulate = [`${squares}.fill(0);`, ...accumulate];
  } else {
    const residual = addWork(ctx, { name: 'residual', docs: 'shape [D]: a residual', type: 'Float64Array', size: d });
    accumulate = [
      `for (let n = 0; n < ${plate}; n++) {`,
      [
        itemWeight,
        'weight += wn;',
        `for (let i = 0; i < ${d}; i++) ${residual}[i] = ${entry(child, 'n', 'i')} - ${argEntry(mean, '0', 'i')};`,
        `for (let i = 0; i < ${d}; i++)`,
        [`for (let j = 0; j < ${d}; j++) ${next}[i * ${d} + j]! += wn * ${residual}[i]! * ${residual}[j]!;`],
      ],
      '}',
    ];
    const divide =
      p.rule === 'inv-wishart-map'
        ? (() => {
            const nu = priorArgument(ctx, p, 0).at('0');
            const psi = priorArgument(ctx, p, 1).value;
            return `for (let k = 0; k < ${size}; k++) ${next}[k] = (${next}[k]! + ${psi}[k]!) / (weight + ${nu} + ${d} + 1);`;
          })()
        : `for (let k = 0; k < ${size}; k++) ${next}[k] = ${next}[k]! / weight;`;
    finish = [
      divide,
      `const variances = Array.from({ length: ${d} }, (_, j) => ${next}[j * ${d} + j]!);`,
      `const singular = ${use(ctx, 'pivots')}(${next}, ${d}).some((v) => !(v > settings.regCovar));`,
      `for (let j = 0; j < ${d}; j++) ${next}[j * ${d} + j]! += settings.regCovar;`,
      `const collapse = ${describeCollapse}(variances, singular, settings.regCovar);`,
    ];
  }
  const body: Code[] = [
    ...elementWeights(ctx, selectors),
    'const empty = total < EMPTY;',
    ...pooled,
    ...(p.rule === 'normal-sd' ? [] : [`${next}.fill(0);`]),
    'let weight = 0;',
    ...(loops.length > 0
      ? [`// one component per state of ${loops.map((l) => l.name).join(', ')}, each with its own mean`]
      : []),
    ...loopsOver(loops, accumulate),
    ...finish,
    `if (collapse && !empty && ctx.iteration > 0 && ${firstTime}(ctx.rng, \`collapse:${p.name}:\${${e}}\`)) {`,
    [
      `ctx.warn(\`iteration \${ctx.iteration}: ${who} \${collapse}; only regCovar = \${settings.regCovar} keeps it positive definite, so the likelihood there is as large as regCovar lets it be: raise regCovar, or lower ${sizeName}\`);`,
    ],
    '}',
    ...store(p, size, e, next),
  ];
  return sel.length === 0 ? wrapOnce(body) : loopsOver(sel, body);
}

/** family-mle:Gamma: shape and rate of a component jointly by the exact weighted MLE (Minka's Newton). */
function gammaMleUpdate(ctx: MixtureContext, factorIndex: number): Code[] {
  const factor = ctx.program.factors[factorIndex]!;
  const first = factor.args[0]?.source;
  if (factor.family !== 'Gamma' || first?.kind !== 'param') {
    throw new CodegenUnsupported(`the joint weighted MLE of ${factor.family} ('${factor.text}')`);
  }
  const selectors = first.selectors;
  const sel = selected(ctx, selectors);
  const child = viewOf(ctx, factor.child as ValueSource);
  if (child.size !== '1') throw new CodegenUnsupported(`the weighted MLE of a vector child ('${factor.text}')`);
  const views = argViews(ctx, factor);
  for (const [k, a] of factor.args.entries()) {
    if (a.source.kind !== 'param' || a.source.selectors.join() !== selectors.join()) {
      throw new CodegenUnsupported(`argument ${k} of '${factor.text}' is chosen differently`);
    }
  }
  const plate = dim(ctx.program.plate.size);
  const e = elementIndex(ctx, selectors);
  const slot0 = paramNamed(ctx, (factor.args[0]!.source as { name: string }).name);
  const [who, size] = whoAndSize(ctx, slot0.name, selectors, e);
  const firstTime = use(ctx, 'firstTime');
  const solve = use(ctx, 'solveGammaShape');
  use(ctx, 'EMPTY');
  const at = (v: View) => `${v.array}[${v.offset}]`;
  const body: Code[] = [
    ...elementWeights(ctx, selectors),
    'if (!(total >= EMPTY)) {',
    [
      `if (!${firstTime}(ctx.rng, \`empty:${factor.text}:\${${e}}\`)) continue;`,
      `const item = ctx.rng.uniformInt(${plate});`,
      'elementWeight.fill(1);',
      `elementWeight[item] = ${plate};`,
      `ctx.perturb(\`iteration \${ctx.iteration}: ${who} is empty (no item has weight on it): re-seeded around item \${item}; lower ${size}, or use more restarts\`);`,
    ],
    '}',
    '// Σ w y and Σ w log y, then log a − ψ(a) = log ȳ − mean(log y) for the shape a, and rate = a / ȳ',
    'let sy = 0;',
    'let slog = 0;',
    'let weight = 0;',
    `for (let n = 0; n < ${plate}; n++) {`,
    [
      'const wn = elementWeight[n]!;',
      'if (wn === 0) continue;',
      `const yv = ${entry(child, 'n', '0')};`,
      'sy = sy + wn * yv;',
      'slog = slog + wn * Math.log(yv);',
      'weight += wn;',
    ],
    '}',
    'if (!(weight > 0)) {',
    [
      'throw new RangeError(`Gamma M-step with total weight ${weight}: the component is empty; re-seed it before updating`);',
    ],
    '}',
    'const meanY = sy / weight;',
    `const shapeHat = ${solve}(Math.log(meanY) - slog / weight);`,
    'const rateHat = shapeHat / meanY;',
    'if (!Number.isFinite(shapeHat) || !Number.isFinite(rateHat)) {',
    [
      `ctx.warn(\`iteration \${ctx.iteration}: the weighted MLE of ${who} in '${factor.text}' is not finite; kept its previous value\`);`,
      'continue;',
    ],
    '}',
    `${at(views[0]!)} = shapeHat;`,
    `${at(views[1]!)} = rateHat;`,
  ];
  return sel.length === 0 ? wrapOnce(body) : loopsOver(sel, body);
}

export function paramDocs(ctx: MixtureContext, names: readonly string[]): string[] {
  const docs: string[] = [];
  for (const name of names) {
    const plan = ctx.plan.params.find((q) => q.name === name);
    if (!plan) continue;
    docs.push(`${name}: ${plan.update} [${plan.rule}]: ${plan.reason}.`);
    if (plan.prior) docs.push(`  prior: ${plan.prior.text}`);
    docs.push(`  ${plan.formula}`);
  }
  return docs;
}

function updateFunction(ctx: MixtureContext, name: string, docs: string[], body: readonly Code[]): FunctionStructure {
  return {
    kind: 'function',
    name,
    docs,
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
      { name: 'ctx', type: 'EmStepContext' },
      { name: 'settings', type: 'MStepSettings' },
    ],
    returnType: 'void',
    statements: [...destructure(ctx), ...declareS(ctx), ...destructureWork(ctx, body), ...body],
  };
}

/** Every update function, and `mStep` calling them in order (skipping fixed params). */
export function lowerMStep(ctx: MixtureContext): FunctionStructure[] {
  use(ctx, 'EmStepContext');
  addWork(ctx, {
    name: 'elementWeight',
    docs: `shape [${ctx.program.plate.size}]: each item's weight for the element being updated`,
    type: 'Float64Array',
    size: dim(ctx.program.plate.size),
  });
  const ordered = [
    ...ctx.program.params.filter((p) => !scaleRules.has(p.rule)),
    ...ctx.program.params.filter((p) => scaleRules.has(p.rule)),
  ];
  const functions: FunctionStructure[] = [];
  const calls: Code[] = [];
  const jointDone = new Set<number>();
  for (const p of ordered) {
    if (p.rule.startsWith('family-mle:')) {
      if (jointDone.has(p.factor)) continue;
      jointDone.add(p.factor);
      const members = ctx.program.params.filter((q) => q.factor === p.factor && q.rule.startsWith('family-mle:'));
      const name = `update${members.map((q) => pascalCase(q.name)).join('')}`;
      const text = ctx.program.factors[p.factor]!.text;
      functions.push(
        updateFunction(
          ctx,
          name,
          [
            `${members.map((q) => q.name).join(' and ')} jointly, by the exact weighted MLE of '${text}' per component.`,
            ...paramDocs(
              ctx,
              members.map((q) => q.name),
            ),
          ],
          gammaMleUpdate(ctx, p.factor),
        ),
      );
      if (members.length !== 2) throw new CodegenUnsupported(`a joint weighted MLE of ${members.length} params`);
      const [a, b] = members.map((q) => q.name) as [string, string];
      calls.push(
        `if (settings.fixed.has('${a}') !== settings.fixed.has('${b}')) {`,
        [
          `const [held, other] = settings.fixed.has('${a}') ? ['${a}', '${b}'] : ['${b}', '${a}'];`,
          `throw new Error(\`'\${held}' is fixed but '\${other}' of '${text}' are fitted jointly with it: fix all of them or none\`);`,
        ],
        '}',
        `if (!settings.fixed.has('${a}')) ${name}(bound, params, work, ctx, settings);`,
      );
      continue;
    }
    if (p.rule === 'numeric' && ctx.numeric) continue;
    let body: Code[];
    if (probabilityRules.has(p.rule)) body = probabilityUpdate(ctx, p);
    else if (p.rule === 'mv-normal-mean') body = mvMeanUpdate(ctx, p);
    else if (scalarRules.has(p.rule)) body = scalarUpdate(ctx, p);
    else if (scaleRules.has(p.rule)) body = scaleUpdate(ctx, p);
    else throw new CodegenUnsupported(`the M-step rule ${p.rule} (param '${p.name}')`);
    const name = `update${pascalCase(p.name)}`;
    functions.push(updateFunction(ctx, name, paramDocs(ctx, [p.name]), body));
    calls.push(`if (!settings.fixed.has('${p.name}')) ${name}(bound, params, work, ctx, settings);`);
  }
  if (ctx.numeric) {
    const numeric = ctx.numeric.mStep();
    functions.push(...numeric.functions);
    calls.push(...numeric.calls);
  }
  functions.push({
    kind: 'function',
    name: 'mStep',
    docs: [
      'One M-step from the responsibilities in work.resp, updating the params in place: locations and',
      'probabilities first, then scales with the new means (as in ECM); fixed params are skipped.',
    ],
    parameters: [
      { name: 'bound', type: 'Bound' },
      { name: 'params', type: 'Flat' },
      { name: 'work', type: 'Work' },
      { name: 'ctx', type: 'EmStepContext' },
      { name: 'settings', type: 'MStepSettings' },
    ],
    returnType: 'void',
    statements: calls,
  });
  return functions;
}
