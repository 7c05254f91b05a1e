/**
 * Lowers a mixture program's initialisation (the runtime's em/init.ts for this model): k-means++
 * or random-points seeding on the data of the first Gaussian factor whose mean one latent
 * selects — every item to its nearest seed — else random Dirichlet(1) responsibilities, then
 * one M-step; given values override what they name. Also the `Work` buffers and their allocation.
 */
import type { Code, FunctionStructure, StatementStructure } from './fitter-source.js';
import { declareS, destructure, stateLoops, statesName } from './lower-mixture-e-step.js';
import { destructureNames } from './lower-mixture-types.js';
import { destructureWork, dim, jointState, type MixtureContext, use, viewOf } from './mixture-context.js';

/** The data and latent k-means++ seeds on: a Normal / MvNormal observation whose mean one latent selects. */
function kmeansTarget(ctx: MixtureContext): { data: string; d: string; latent: number } | undefined {
  for (const f of ctx.program.factors) {
    if (f.family !== 'MvNormal' && f.family !== 'Normal') continue;
    const mean = f.args[0]?.source;
    if (f.child.kind !== 'data' || !f.child.atItem || mean?.kind !== 'param' || mean.selectors.length !== 1) continue;
    const latent = ctx.latents.findIndex((l) => l.name === mean.selectors[0]);
    const view = viewOf(ctx, f.child);
    return { data: view.array, d: view.size, latent };
  }
  return undefined;
}

export function lowerInitialize(ctx: MixtureContext): FunctionStructure {
  const S = statesName(ctx);
  const plate = dim(ctx.program.plate.size);
  const target = kmeansTarget(ctx);
  const sampleDirichlet = use(ctx, 'sampleDirichlet');
  const random: Code[] = [
    `const draw = new Float64Array(${S});`,
    `for (let n = 0; n < ${plate}; n++) {`,
    [`${sampleDirichlet}(ctx.rng, 1, draw);`, `resp.set(draw, n * ${S});`],
    '}',
  ];
  let seeding: Code[] = random;
  if (target && target.latent >= 0) {
    const l = ctx.latents[target.latent]!;
    const kmeans = use(ctx, 'kmeansPlusPlus');
    const points = use(ctx, 'randomPoints');
    const { data: x, d } = target;
    seeding = [
      `if (method !== 'random' && ${plate} >= ${l.states}) {`,
      [
        `const seeds = (method === 'kmeans++' ? ${kmeans} : ${points})(${x}, ${plate}, ${d}, ${l.states}, ctx.rng);`,
        `// each item to its nearest seed on ${l.name}${ctx.latents.length > 1 ? ', uniform over the other latents' : ''}`,
        `const share = ${l.states} / ${S};`,
        `for (let n = 0; n < ${plate}; n++) {`,
        [
          'let nearest = 0;',
          'let nearestDistance = Number.POSITIVE_INFINITY;',
          'seeds.forEach((seed, k) => {',
          [
            'let dist = 0;',
            `for (let j = 0; j < ${d}; j++) dist += (${x}[n * ${d} + j]! - ${x}[seed * ${d} + j]!) ** 2;`,
            'if (dist < nearestDistance) {',
            ['nearestDistance = dist;', 'nearest = k;'],
            '}',
          ],
          '});',
          ...stateLoops(ctx, [`resp[n * ${S} + ${jointState(ctx)}] = ${l.loopVar} === nearest ? share : 0;`]),
        ],
        '}',
      ],
      '} else {',
      random,
      '}',
    ];
  }
  const names = ctx.program.params.map((p) => p.name);
  return {
    kind: 'function',
    name: 'initialize',
    docs: [
      'Initial params for one run: seeded responsibilities (k-means++, random points, or random',
      'Dirichlet(1) rows), then one M-step; given values override what they name.',
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
      ...destructure(ctx),
      ...declareS(ctx),
      ...destructureWork(ctx, seeding),
      ...(ctx.numeric?.initialize() ?? []),
      `if (${names.map((n) => `given.${n} === undefined`).join(' || ')}) {`,
      [
        ...seeding,
        '// params no state selects (or a single state) still need a first value: the M-step gives it',
        'mStep(bound, params, work, ctx, settings);',
      ],
      '}',
      'return {',
      names.map((n) => `${n}: given.${n} ? Float64Array.from(given.${n}) : params.${n}.slice(),`),
      '};',
    ],
  };
}

/** `interface Work`, `MStepSettings` and `allocateWork`. */
export function lowerWork(ctx: MixtureContext): StatementStructure[] {
  const plate = dim(ctx.program.plate.size);
  const buffers = ctx.work;
  return [
    {
      kind: 'interface',
      name: 'Work',
      docs: ['Buffers of one fit, allocated once: no allocation in the E- and M-step loops.'],
      properties: [
        {
          name: 'resp',
          type: 'Float64Array',
          isReadonly: true,
          docs: [`shape [${ctx.program.plate.size}, S], S = ${ctx.S}: log densities, then responsibilities`],
        },
        ...buffers.map((b) => ({ name: b.name, type: b.type, isReadonly: true, docs: [b.docs] })),
      ],
    },
    {
      kind: 'interface',
      name: 'MStepSettings',
      properties: [
        { name: 'regCovar', type: 'number', isReadonly: true, docs: ['Added to covariance diagonals and variances.'] },
        { name: 'fixed', type: 'ReadonlySet<string>', isReadonly: true, docs: ['Params held fixed (not updated).'] },
      ],
    },
    {
      kind: 'function',
      name: 'allocateWork',
      parameters: [{ name: 'bound', type: 'Bound' }],
      returnType: 'Work',
      statements: [
        ...destructureNames(
          ctx.schema.sizes.map((s) => s.name),
          'bound',
        ),
        'return {',
        [
          `resp: new Float64Array(${plate} * ${ctx.S}),`,
          ...buffers.map((b) => `${b.name}: ${b.init ?? `new ${b.type}(${b.size})`},`),
        ],
        '};',
      ],
    },
  ];
}
