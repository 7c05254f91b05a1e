// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are generated code, whose template literals are meant to stay literal
/**
 * Lowers the M-step and the initialisation of a scale-mixture fitter (the runtime's
 * scale-mixture-m-step.ts, student-t-nu.ts and fit-scale-mixture.ts, specialised to the model's
 * params): the weights, the location Σ r u x / Σ r u, the scale Σ r u (x − μ)(x − μ)ᵀ / Σ r, the
 * re-seeding of empty components, the ν update when ν is a param, and k-means initialisation.
 * The same operations in the same order as the runtime, so that fits agree bit for bit.
 */
import type { Code, FunctionStructure, StatementStructure } from './fitter-source.js';
import { scaleEStepName } from './lower-scale-mixture-e-step.js';
import { use } from './mixture-context.js';
import { cap, lines, pick, type ScaleMixtureContext, sizesUsed } from './scale-mixture-context.js';

function fn(
  ctx: ScaleMixtureContext,
  name: string,
  docs: string[],
  parameters: { name: string; type: string }[],
  returnType: string,
  prelude: string[],
  body: Code[],
): FunctionStructure {
  return {
    kind: 'function',
    name,
    docs,
    parameters,
    returnType,
    statements: [...sizesUsed(ctx, body), ...prelude, ...body],
  };
}

const BPW = [
  { name: 'bound', type: 'Bound' },
  { name: 'params', type: 'Flat' },
  { name: 'work', type: 'Work' },
];

export function lowerScaleMStep(ctx: ScaleMixtureContext): StatementStructure[] {
  const { x, mu, sigma, w, N, D, K, mv, program } = ctx;
  const muName = program.location.name;
  const sigmaName = program.scale.name;
  const out: StatementStructure[] = [];
  const muK = program.location.perComponent;
  const sigmaK = program.scale.perComponent;
  const skipEmpty = ctx.z ? ' || empty[k]' : '';
  if (w) {
    out.push(
      fn(
        ctx,
        `update${cap(w)}`,
        [`${w}_k = Σ_n r[n, k] / Σ_k Σ_n r[n, k]`],
        [
          { name: 'bound', type: 'Bound' },
          { name: 'params', type: 'Flat' },
          { name: 'totals', type: 'Float64Array' },
        ],
        'void',
        [`const { ${pick(ctx.names.w!)} } = params;`],
        lines(`
let sum = 0;
for (let k = 0; k < ${K}; k++) sum += totals[k]!;
for (let k = 0; k < ${K}; k++) ${w}[k] = totals[k]! / sum;`),
      ),
    );
  }
  const elements = (perComponent: boolean) => (perComponent ? K : '1');
  const uses = (perComponent: boolean) => (perComponent ? 'k !== e' : 'false');
  out.push(
    fn(
      ctx,
      `update${cap(muName)}`,
      [`${muName}${muK ? '_k' : ''} = Σ r u x / Σ r u${muK ? '' : ' (over every component)'}`],
      BPW,
      'void',
      [
        `const { ${pick(ctx.names.x)} } = bound;`,
        `const { ${pick(ctx.names.mu)} } = params;`,
        `const { resp, eu, acc${ctx.z ? ', empty' : ''} } = work;`,
      ],
      lines(`
for (let e = 0; e < ${elements(muK)}; e++) {
  acc.fill(0);
  let total = 0;
  for (let k = 0; k < ${K}; k++) {
    if (${uses(muK)}${skipEmpty}) continue;
    for (let i = 0; i < ${N}; i++) {
      const r = resp[i * ${K} + k]! * eu[i * ${K} + k]!;
      if (r === 0) continue;
      total += r;
      for (let j = 0; j < ${D}; j++) acc[j]! += r * ${x}[i * ${D} + j]!;
    }
  }
  if (!(total > 0)) continue;
  for (let j = 0; j < ${D}; j++) ${mu}[e * ${D} + j] = acc[j]! / total;
}`),
    ),
  );
  const finish = mv
    ? lines(`
  for (let a = 0; a < ${D}; a++) {
    for (let b = 0; b <= a; b++) {
      const v = scatter[a * ${D} + b]! / total + (a === b ? regCovar : 0);
      next[a * ${D} + b] = v;
      next[b * ${D} + a] = v;
    }
  }
  factor.set(next);
  if (!${use(ctx.full, 'cholesky')}(factor, ${D}) || !next.every(Number.isFinite)) {
    outcome.push('its scatter matrix is singular');
    continue;
  }
  ${sigma}.set(next, e * ${D} * ${D});
  outcome.push('');`)
    : lines(`
  const sd = Math.sqrt(scatter / total + regCovar);
  if (sd > 0 && Number.isFinite(sd)) {
    ${sigma}[e] = sd;
    outcome.push('');
  } else outcome.push('its variance is zero');`);
  const accumulate = mv
    ? lines(`
      for (let j = 0; j < ${D}; j++) residual[j] = ${x}[i * ${D} + j]! - ${mu}[mean + j]!;
      for (let a = 0; a < ${D}; a++) {
        const ra = r * residual[a]!;
        for (let b = 0; b <= a; b++) scatter[a * ${D} + b]! += ra * residual[b]!;
      }`)
    : lines(`
      const dx = ${x}[i]! - ${mu}[mean]!;
      const ra = r * dx;
      scatter += ra * dx;`);
  out.push(
    fn(
      ctx,
      `update${cap(sigmaName)}`,
      [
        `${sigmaName}${sigmaK ? '_k' : ''} = ${mv ? 'Σ r u (x − μ)(x − μ)ᵀ / Σ r' : '√(Σ r u (x − μ)² / Σ r'}${sigmaK ? '' : ' (pooled over the components)'} + regCovar${mv ? ' on the diagonal' : ')'}, at the new ${muName}.`,
        "@returns per element: '' when updated, else why the previous value was kept",
      ],
      [...BPW, { name: 'regCovar', type: 'number' }],
      'string[]',
      [
        `const { ${pick(ctx.names.x)} } = bound;`,
        `const { ${pick(ctx.names.mu)}, ${pick(ctx.names.sigma)} } = params;`,
        `const { resp, eu${mv ? ', residual, scatter, next, factor' : ''}${ctx.z ? ', empty' : ''} } = work;`,
      ],
      lines(`
const outcome: string[] = [];
for (let e = 0; e < ${elements(sigmaK)}; e++) {
  ${mv ? 'scatter.fill(0);' : 'let scatter = 0;'}
  let total = 0;
  for (let k = 0; k < ${K}; k++) {
    if (${uses(sigmaK)}${skipEmpty}) continue;
    const mean = ${muK ? `k * ${D}` : '0'};
    for (let i = 0; i < ${N}; i++) {
      const p = resp[i * ${K} + k]!;
      total += p;
      const r = p * eu[i * ${K} + k]!;
      if (r === 0) continue;
${accumulate.join('\n')}
    }
  }
  if (!(total > 0)) {
    outcome.push('it has no weight');
    continue;
  }
${finish.join('\n')}
}
return outcome;`),
    ),
  );
  if (ctx.z) out.push(...lowerReseed(ctx));
  if (ctx.nu) out.push(...lowerNuUpdate(ctx));
  // The M-step itself.
  const who = sigmaK ? `component \${e} of '${sigmaName}'` : `'${sigmaName}'`;
  const size = program.component && typeof program.component.states === 'string' ? program.component.states : 'K';
  const body: Code[] = [
    ...(ctx.z
      ? lines(`
const { resp, totals, empty } = work;
totals.fill(0);
for (let i = 0; i < ${N}; i++) for (let k = 0; k < ${K}; k++) totals[k]! += resp[i * ${K} + k]!;
empty.fill(0);
const reseeded: number[] = [];
if (${K} > 1) {
  for (let k = 0; k < ${K}; k++) {
    if (totals[k]! >= ${use(ctx.full, 'EMPTY')}) continue;
    empty[k] = 1;
    if (firstTime(ctx, \`empty:\${k}\`)) reseeded.push(k);
  }
}
if (!fixed.has('${w}')) update${cap(w!)}(bound, params, totals);`)
      : []),
    `if (!fixed.has('${muName}')) update${cap(muName)}(bound, params, work);`,
    `if (!fixed.has('${sigmaName}')) {`,
    lines(`
const outcome = update${cap(sigmaName)}(bound, params, work, regCovar);
outcome.forEach((why, e) => {
  if (why === '' || why === 'it has no weight') return;
  if (!firstTime(ctx, \`singular:\${e}\`)) return;
  ctx.warn(
    \`iteration \${ctx.iteration}: ${who} was not updated: \${why} even with regCovar = \${regCovar} \` +
      '(a component collapsed onto a point or a line): raise regCovar, or lower the number of components',
  );
});`),
    '}',
    ...(ctx.z
      ? lines(`
for (const k of reseeded) {
  const item = reseed(bound, params, k, ctx, fixed);
  ${sigmaK ? `if (!fixed.has('${sigmaName}')) pooledScale(bound, params, k, regCovar);` : '// the scale is shared: it stays'}
  ctx.perturb(
    \`iteration \${ctx.iteration}: component \${k} is empty (no item has weight on it): re-seeded from item \${item}; lower ${size}, or use more restarts\`,
  );
}`)
      : []),
  ];
  const ctxType = use(ctx.full, 'EmStepContext');
  out.push(
    fn(
      ctx,
      'mStep',
      [
        `M-step from the responsibilities and E[${ctx.u}]: ${[w, muName, sigmaName].filter((v) => v).join(', then ')} (each held when fixed);`,
        'an empty component is re-seeded once per run, a singular scale keeps its value (with a warning).',
      ],
      [...BPW, { name: 'ctx', type: ctxType }, { name: 'settings', type: 'MStepSettings' }],
      'void',
      ['const { regCovar, fixed } = settings;'],
      body,
    ),
  );
  out.push(lowerFirstTime(ctx));
  return out;
}

function lowerFirstTime(ctx: ScaleMixtureContext): StatementStructure {
  const stream = use(ctx.full, 'RandomStream');
  return {
    kind: 'raw',
    name: 'firstTime',
    text: `/** Keys of warnings already given in a run (keyed by the run's stream). */
const reported = new WeakMap<${stream}, Set<string>>();

function firstTime(ctx: ${use(ctx.full, 'EmStepContext')}, key: string): boolean {
  let seen = reported.get(ctx.rng);
  if (!seen) {
    seen = new Set();
    reported.set(ctx.rng, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
}`,
  };
}

function lowerReseed(ctx: ScaleMixtureContext): StatementStructure[] {
  const { x, w, N, D, K, mv, program } = ctx;
  const ctxType = use(ctx.full, 'EmStepContext');
  const reseedBody = lines(`
const item = ctx.rng.uniformInt(${N});
${
  program.location.perComponent
    ? `if (!fixed.has('${program.location.name}')) for (let j = 0; j < ${D}; j++) params.${ctx.names.mu}[k * ${D} + j] = bound.${ctx.names.x}[item * ${D} + j]!;`
    : `// ${program.location.name} is shared: it stays`
}
if (!fixed.has('${w}')) {
  const ${w} = params.${ctx.names.w};
  ${w}[k] = 1 / ${N};
  let sum = 0;
  for (let m = 0; m < ${K}; m++) sum += ${w}[m]!;
  for (let m = 0; m < ${K}; m++) ${w}[m]! /= sum;
}
return item;`);
  const out: StatementStructure[] = [
    fn(
      ctx,
      'reseed',
      [
        `Re-seeds empty component k: ${program.location.perComponent ? 'its location at a random item, ' : ''}a small weight; returns the item.`,
      ],
      [
        { name: 'bound', type: 'Bound' },
        { name: 'params', type: 'Flat' },
        { name: 'k', type: 'number' },
        { name: 'ctx', type: ctxType },
        { name: 'fixed', type: 'ReadonlySet<string>' },
      ],
      'number',
      [],
      reseedBody,
    ),
  ];
  if (program.scale.perComponent) {
    out.push(
      fn(
        ctx,
        'pooledScale',
        ['The pooled scale (all items, all components) into component k.'],
        [
          { name: 'bound', type: 'Bound' },
          { name: 'params', type: 'Flat' },
          { name: 'k', type: 'number' },
          { name: 'regCovar', type: 'number' },
        ],
        'void',
        [`const { ${pick(ctx.names.x)} } = bound;`],
        lines(`
const mean = new Float64Array(${D});
for (let i = 0; i < ${N}; i++) for (let j = 0; j < ${D}; j++) mean[j]! += ${x}[i * ${D} + j]! / ${N};
const cov = new Float64Array(${D} * ${D});
for (let i = 0; i < ${N}; i++)
  for (let a = 0; a < ${D}; a++)
    for (let b = 0; b < ${D}; b++) cov[a * ${D} + b]! += ((${x}[i * ${D} + a]! - mean[a]!) * (${x}[i * ${D} + b]! - mean[b]!)) / ${N};
for (let a = 0; a < ${D}; a++) cov[a * ${D} + a]! += regCovar;
${mv ? `params.${ctx.names.sigma}.set(cov, k * ${D} * ${D});` : `params.${ctx.names.sigma}[k] = Math.sqrt(cov[0]!);`}`),
      ),
    );
  }
  return out;
}

function lowerNuUpdate(ctx: ScaleMixtureContext): StatementStructure[] {
  const nu = ctx.nu!;
  const name = ctx.program.degreesOfFreedom!.name;
  const perK = ctx.program.degreesOfFreedom!.perComponent;
  const { N, K } = ctx;
  const digamma = use(ctx.full, 'digamma');
  const trigamma = use(ctx.full, 'trigamma');
  return [
    {
      kind: 'raw',
      name: 'nuBounds',
      text: `/** ${name} is kept in [NU_MIN, NU_MAX]; it starts at NU_START. */
const NU_MIN = 0.01;
const NU_MAX = 1000;
const NU_START = 10;`,
    },
    fn(
      ctx,
      `solve${cap(name)}`,
      [
        `The maximiser on [NU_MIN, NU_MAX] of (ν/2)(log(ν/2) + c) − lgamma(ν/2): the root of`,
        '  g(ν) = −ψ(ν/2) + log(ν/2) + 1 + c  (McLachlan & Peel 2000, §7.5),',
        'by Newton steps on t = log ν safeguarded by bisection.',
      ],
      [{ name: 'c', type: 'number' }],
      'number',
      [],
      lines(`
const score = (v: number) => -${digamma}(v / 2) + Math.log(v / 2) + 1 + c;
let lo = Math.log(NU_MIN);
let hi = Math.log(NU_MAX);
if (!(score(NU_MAX) < 0)) return NU_MAX;
if (!(score(NU_MIN) > 0)) return NU_MIN;
let t = 0.5 * (lo + hi);
for (let step = 0; step < 200; step++) {
  const v = Math.exp(t);
  const g = score(v);
  if (g > 0) lo = t;
  else hi = t;
  // d g / d t = 1 − (ν/2) ψ'(ν/2) < 0
  const slope = 1 - (v / 2) * ${trigamma}(v / 2);
  let next = slope < 0 ? t - g / slope : Number.NaN;
  if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
  if (Math.abs(next - t) < 1e-12 || hi - lo < 1e-12) return Math.exp(next);
  t = next;
}
return Math.exp(t);`),
    ),
    fn(
      ctx,
      `update${cap(name)}`,
      [
        `${name}${perK ? '_k' : ''} = solve${cap(name)}(c), c = Σ r (E[log ${ctx.u}] − E[${ctx.u}]) / Σ r${perK ? '' : ' over every component'} (ECM; a component without weight keeps its ${name}).`,
      ],
      BPW,
      'void',
      [`const { ${pick(ctx.names.nu!)} } = params;`, 'const { resp, eu, elogu } = work;'],
      lines(`
for (let e = 0; e < ${perK ? K : '1'}; e++) {
  let total = 0;
  let sum = 0;
  for (let k = 0; k < ${K}; k++) {
    if (${perK ? 'k !== e' : 'false'}) continue;
    for (let i = 0; i < ${N}; i++) {
      const r = resp[i * ${K} + k]!;
      if (r === 0) continue;
      total += r;
      sum += r * (elogu[i * ${K} + k]! - eu[i * ${K} + k]!);
    }
  }
  if (total > 1e-12 && Number.isFinite(sum)) ${nu}[e] = solve${cap(name)}(sum / total);
}`),
    ),
  ];
}

/** `initialize`, with k-means (and, when ν differs per component, the best labelling). */
export function lowerScaleInit(ctx: ScaleMixtureContext): StatementStructure[] {
  const { x, N, D, K } = ctx;
  const ctxType = use(ctx.full, 'EmStepContext');
  const eStep = scaleEStepName(ctx);
  const out: StatementStructure[] = [];
  const mixing = ctx.nu ? 'setMixing(bound, params, work);' : '';
  let start: string[] = ['resp.fill(1);'];
  if (ctx.z) {
    const dirichlet = use(ctx.full, 'sampleDirichlet');
    const kpp = use(ctx.full, 'kmeansPlusPlus');
    const rp = use(ctx.full, 'randomPoints');
    start = lines(`
if (${K} === 1) resp.fill(1);
else if (method === 'random' || ${N} < ${K}) {
  const row = new Float64Array(${K});
  for (let i = 0; i < ${N}; i++) {
    ${dirichlet}(ctx.rng, 1, row);
    resp.set(row, i * ${K});
  }
} else {
  const seeder = method === 'random-points' ? ${rp} : ${kpp};
  assignByKmeans(bound, work, seeder(bound.${ctx.names.x}, ${N}, ${D}, ${K}, ctx.rng));
}`);
    out.push(
      fn(
        ctx,
        'assignByKmeans',
        [
          'Hard responsibilities from k-means: the seeds as first centres, then Lloyd iterations until no',
          'item changes or 25 rounds (a seed alone is often an outlier under heavy tails).',
        ],
        [
          { name: 'bound', type: 'Bound' },
          { name: 'work', type: 'Work' },
          { name: 'seeds', type: 'readonly number[]' },
        ],
        'void',
        [`const { ${pick(ctx.names.x)} } = bound;`, 'const { resp } = work;'],
        lines(`
const centres = new Float64Array(${K} * ${D});
seeds.forEach((seed, k) => {
  for (let j = 0; j < ${D}; j++) centres[k * ${D} + j] = ${x}[seed * ${D} + j]!;
});
const label = new Int32Array(${N}).fill(-1);
const counts = new Float64Array(${K});
for (let round = 0; round < 25; round++) {
  let changed = 0;
  for (let i = 0; i < ${N}; i++) {
    let best = 0;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let k = 0; k < ${K}; k++) {
      let dist = 0;
      for (let j = 0; j < ${D}; j++) dist += (${x}[i * ${D} + j]! - centres[k * ${D} + j]!) ** 2;
      if (dist < bestDistance) {
        bestDistance = dist;
        best = k;
      }
    }
    if (label[i] !== best) changed++;
    label[i] = best;
  }
  if (changed === 0) break;
  centres.fill(0);
  counts.fill(0);
  for (let i = 0; i < ${N}; i++) {
    const k = label[i]!;
    counts[k]!++;
    for (let j = 0; j < ${D}; j++) centres[k * ${D} + j]! += ${x}[i * ${D} + j]!;
  }
  for (let k = 0; k < ${K}; k++) {
    // An empty cluster keeps its seed as centre.
    if (counts[k] === 0) for (let j = 0; j < ${D}; j++) centres[k * ${D} + j] = ${x}[seeds[k]! * ${D} + j]!;
    else for (let j = 0; j < ${D}; j++) centres[k * ${D} + j]! /= counts[k]!;
  }
}
for (let i = 0; i < ${N}; i++) for (let k = 0; k < ${K}; k++) resp[i * ${K} + k] = k === label[i] ? 1 : 0;`),
      ),
    );
  }
  let firstM = ['mStep(bound, params, work, ctx, settings);'];
  if (ctx.distinctMixing) {
    firstM = lines(`
let distinct = false;
for (let k = 1; k < ${K}; k++) if (work.alpha[k] !== work.alpha[0] || work.beta[k] !== work.beta[0]) distinct = true;
if (distinct && ${K} <= 5) bestLabelling(bound, params, work, ctx, settings, given);
else mStep(bound, params, work, ctx, settings);`);
    out.push({
      kind: 'raw',
      name: 'permutations',
      text: `function permutations(k: number): number[][] {
  if (k === 1) return [[0]];
  return permutations(k - 1).flatMap((p) =>
    Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]),
  );
}`,
    });
    out.push(
      fn(
        ctx,
        'bestLabelling',
        [
          'With the mixing Gammas differing per component the labels matter: every assignment of the',
          'initial clusters to the components is tried (an M-step, then the E-step) and the best kept.',
        ],
        [
          ...BPW,
          { name: 'ctx', type: ctxType },
          { name: 'settings', type: 'MStepSettings' },
          { name: 'given', type: 'Partial<Flat>' },
        ],
        'void',
        ['const { resp, eu } = work;'],
        lines(`
const base = resp.slice();
let best: { objective: number; params: Flat } | undefined;
for (const perm of permutations(${K})) {
  for (let i = 0; i < ${N}; i++) for (let k = 0; k < ${K}; k++) resp[i * ${K} + k] = base[i * ${K} + perm[k]!]!;
  eu.fill(1);
  loadParams(params, given);${mixing ? `\n  ${mixing}` : ''}
  mStep(bound, params, work, ctx, settings);
  const candidate = copyParams(params);
  const objective = ${eStep}(bound, params, work);
  if (best === undefined || objective > best.objective) best = { objective, params: candidate };
}
loadParams(params, best!.params);${mixing ? `\n${mixing}` : ''}`),
      ),
    );
  }
  const paramsList = ctx.program.params.map((p) => `given.${p.name} !== undefined`).join(' && ');
  out.unshift(
    fn(
      ctx,
      'initialize',
      [
        `First responsibilities (${ctx.z ? 'k-means from k-means++ or random-point seeds, or random ones' : 'every item weight 1'}), every E[${ctx.u}] = 1,`,
        'then a Gaussian M-step gives the params no value was given for; given values are held.',
      ],
      [
        ...BPW,
        { name: 'ctx', type: ctxType },
        { name: 'settings', type: 'MStepSettings' },
        { name: 'method', type: "'kmeans++' | 'random' | 'random-points'" },
        { name: 'given', type: 'Partial<Flat>' },
      ],
      'Flat',
      ctx.z ? [] : ['void method;'],
      [
        ...(ctx.nu
          ? [
              `// A previous run's ${ctx.program.degreesOfFreedom!.name} is not this run's start.`,
              `params.${ctx.names.nu}.fill(NU_START);`,
              mixing,
            ]
          : []),
        `if (!(${paramsList})) {`,
        [
          'const { resp, eu } = work;',
          'eu.fill(1);',
          ...start,
          'loadParams(params, given);',
          ...(mixing ? [mixing] : []),
          ...firstM,
        ],
        '}',
        'loadParams(params, given);',
        ...(mixing ? [mixing] : []),
        'return copyParams(params);',
      ],
    ),
  );
  return out;
}
