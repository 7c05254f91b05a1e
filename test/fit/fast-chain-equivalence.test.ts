/**
 * The chain executor's fast path (runtime/src/chain/fast-chain.ts: block kernels, statistics,
 * closed-form M-step) against its general path (the mixture executor over the flattened steps)
 * from the same start (same seed, same initialisation): on the two HMM examples and on random
 * Gaussian and categorical HMMs, every iterate's log-likelihood over 20 iterations to 1e-10
 * relative, the params to 1e-8, the Viterbi paths the same and the posteriors to 1e-8; also
 * with fixed params, Dirichlet priors on init and trans, and a state that empties (the fast
 * M-step hands that iteration to the general one: same re-seeding, same warnings). Then the
 * never-decreasing objective and same-seed-same-bits on the fast path, and what it does not
 * cover (it must fall back).
 */
import {
  type BoundData,
  type ChainProgram,
  fitChain,
  flattenValue,
  type ProgramFit,
  prepareChain,
} from '@emforge/runtime';
import { describe, expect, it } from 'vitest';
import { recognizeFastChain } from '../../packages/runtime/src/chain/fast-chain.js';
import { sequencesPerBlock } from '../../packages/runtime/src/chain/fast-chain-layout.js';
import { blockCount } from '../../packages/runtime/src/fast/block-kernel.js';
import { bind, categoricalData, categoricalHmm, gaussianData, gaussianHmm } from './fast-chain-helpers.js';
import { readExample } from './fit-helpers.js';
import { readHmmFixture } from './hmm-fixtures.js';

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

function expectSameFit(fast: ProgramFit, general: ProgramFit): void {
  const a = fast.result;
  const b = general.result;
  expect(a.iterations).toBe(b.iterations);
  expect(a.history).toHaveLength(b.history.length);
  a.history.forEach((ll, t) => {
    expect(relative(ll, b.history[t]!), `iteration ${t}`).toBeLessThan(1e-10);
  });
  expect(relative(a.logLik, b.logLik)).toBeLessThan(1e-10);
  for (const [name, value] of Object.entries(b.params)) {
    const want = flattenValue(value);
    const got = flattenValue(a.params[name]!);
    const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!) / Math.max(1, Math.abs(want[i]!))));
    expect(worst, name).toBeLessThan(1e-8);
  }
  expect(a.warnings).toEqual(b.warnings);
  expect(fast.posteriors.paths).toEqual(general.posteriors.paths);
  let worst = 0;
  fast.posteriors.responsibilities.forEach((row, i) => {
    row.forEach((r, s) => {
      worst = Math.max(worst, Math.abs(r - general.posteriors.responsibilities[i]![s]!));
    });
  });
  expect(worst).toBeLessThan(1e-8);
}

const example = (name: string) => {
  const { model, data } = readExample(name);
  return bind(model, data);
};

const cases: [string, () => { program: ChainProgram; data: BoundData }][] = [
  ['example hmm-gaussian (K=3, D=2)', () => example('hmm-gaussian')],
  ['example hmm-dishonest-casino (K=2, M=6)', () => example('hmm-dishonest-casino')],
  ['random Gaussian HMM K=4, D=3', () => bind(gaussianHmm(3, 4), gaussianData(11, 3, 4, 8))],
  ['random Gaussian HMM K=2, D=1', () => bind(gaussianHmm(1, 2), gaussianData(12, 1, 2, 6))],
  // Sequences of ~1,500 steps: two per block, three blocks (the block reduction is exercised).
  [
    'random Gaussian HMM K=2, D=1, several blocks',
    () => bind(gaussianHmm(1, 2), gaussianData(14, 1, 2, 6, 1400, 1600)),
  ],
  ['random categorical HMM K=3, M=7', () => bind(categoricalHmm(7, 3), categoricalData(13, 7, 3, 10))],
  [
    'the mvnormal reference fixture (K=2, D=2)',
    () => bind(readHmmFixture('mvnormal').model, readHmmFixture('mvnormal').data),
  ],
];

describe.each(cases)('fast chain path on %s', (name, load) => {
  const { program, data } = load();

  it('is taken (the model is recognised)', () => {
    expect(recognizeFastChain(prepareChain(program, data))).toBeDefined();
    if (name.includes('several blocks')) {
      const steps = data.variables.y!.values.length;
      expect(blockCount(6, sequencesPerBlock(steps, 6))).toBe(3);
    }
  });

  it('20 iterations from the same start agree with the general path (seeds 1, 2)', () => {
    for (const seed of [1, 2]) {
      const options = { seed, maxIter: 20, tol: 0 };
      expectSameFit(fitChain(program, data, options), fitChain(program, data, { ...options, specialise: false }));
    }
  });

  it('never decreases the objective (seeds 1–3, 30 iterations)', () => {
    for (const seed of [1, 2, 3]) {
      const { result } = fitChain(program, data, { seed, maxIter: 30, tol: 0 });
      expect(result.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < result.history.length; t++) {
        const prev = result.history[t - 1]!;
        expect(result.history[t]! - prev, `seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(
          -1e-10 * Math.abs(prev),
        );
      }
    }
  });

  it('gives the same bits for the same seed', () => {
    const options = { seed: 7, restarts: 2, maxIter: 15, tol: 0 };
    const a = fitChain(program, data, options);
    const b = fitChain(program, data, options);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('fast chain path: fixed params, priors and degenerate iterations', () => {
  const gauss = bind(gaussianHmm(2, 3), gaussianData(21, 2, 3, 6));
  const cat = bind(categoricalHmm(5, 3), categoricalData(22, 5, 3, 6));

  it('agrees with the general path with mu, then Sigma, then trans fixed', () => {
    const start = fitChain(gauss.program, gauss.data, { seed: 3, maxIter: 5, tol: 0 }).result.params;
    for (const name of ['mu', 'Sigma', 'trans']) {
      const options = { seed: 4, maxIter: 20, tol: 0, fixed: { [name]: start[name]! } };
      const fast = fitChain(gauss.program, gauss.data, options);
      expectSameFit(fast, fitChain(gauss.program, gauss.data, { ...options, specialise: false }));
      expect(fast.result.params[name]).toEqual(start[name]);
    }
    const emit = fitChain(cat.program, cat.data, { seed: 3, maxIter: 5, tol: 0 }).result.params.emit!;
    const options = { seed: 4, maxIter: 20, tol: 0, fixed: { emit } };
    expectSameFit(
      fitChain(cat.program, cat.data, options),
      fitChain(cat.program, cat.data, { ...options, specialise: false }),
    );
  });

  it('agrees with the general path under SQUAREM (E-steps at extrapolated params)', () => {
    for (const { program, data } of [gauss, cat]) {
      const options = { seed: 8, maxIter: 15, tol: 0, accelerate: 'squarem' as const };
      expectSameFit(fitChain(program, data, options), fitChain(program, data, { ...options, specialise: false }));
    }
  });

  it('agrees with the general path under Dirichlet priors on init and trans (MAP)', () => {
    const model = gaussianHmm(2, 3).replace(
      '  for s in S {',
      '  init ~ Dirichlet(2)\n  for k in K { trans[k] ~ Dirichlet(3) }\n  for s in S {',
    );
    const { program, data } = bind(model, gaussianData(21, 2, 3, 6));
    expect(recognizeFastChain(prepareChain(program, data))).toBeDefined();
    const options = { seed: 5, maxIter: 20, tol: 0 };
    const fast = fitChain(program, data, options);
    expect(fast.result.objective).not.toBe(fast.result.logLik); // the log prior is counted
    expectSameFit(fast, fitChain(program, data, { ...options, specialise: false }));
  });

  it('hands an iteration with an empty state to the general M-step (same re-seeding, same warnings)', () => {
    const far = {
      init: [1 / 3, 1 / 3, 1 / 3],
      trans: [
        [0.8, 0.1, 0.1],
        [0.1, 0.8, 0.1],
        [0.1, 0.1, 0.8],
      ],
      mu: [
        [-1, 0],
        [1, 0],
        [500, 500],
      ],
      Sigma: [
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1, 0],
          [0, 1],
        ],
        [
          [1e-4, 0],
          [0, 1e-4],
        ],
      ],
    };
    const options = { seed: 6, maxIter: 20, tol: 0, init: far };
    const fast = fitChain(gauss.program, gauss.data, options);
    expect(fast.result.warnings.some((w) => w.includes('is empty'))).toBe(true);
    expectSameFit(fast, fitChain(gauss.program, gauss.data, { ...options, specialise: false }));
  });
});

describe('fast chain path: what it does not cover falls back', () => {
  it.each([
    ['Normal emissions', 'gaussian'],
    ['per-state mixture emissions', 'mixture'],
    ['missing steps', 'missing'],
    ['Poisson emissions', 'poisson'],
  ] as const)('%s', (_what, fixture) => {
    const f = readHmmFixture(fixture);
    const { program, data } = bind(f.model, f.data);
    expect(recognizeFastChain(prepareChain(program, data))).toBeUndefined();
  });
});
