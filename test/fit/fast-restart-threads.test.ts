/**
 * Restarts shared between two threads (runtime fast/restart-threads.ts): for a mixture whose
 * E-step pass is too small for the worker pool, the second thread runs some of the restarts. The
 * fit is the one-thread fit bit for bit — result, posteriors and every `onIteration` call in
 * order — whichever thread ran which restart: a whole fit with 2 threads (a quick fit may run every
 * restart here before the worker, loading the sources through tsx, claims one), and every
 * restart on the worker (this thread claims none).
 */
import {
  type EmFitOptions,
  type FitProgram,
  fitWithPosteriors,
  type IterationInfo,
  runEm,
  runEmShared,
  specialiseMixture,
} from '@emforge/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareFast } from '../../packages/runtime/src/fast/fast-mixture.js';
import { fastHooks } from '../../packages/runtime/src/fast/fit-fast.js';
import { restartShare, shareRestarts } from '../../packages/runtime/src/fast/restart-threads.js';
import { releaseArena } from '../../packages/runtime/src/parallel/run-blocks.js';
import { prepare, readExample } from './fit-helpers.js';

const saved = process.env.EMFORGE_SHARE_RESTARTS;
afterEach(() => {
  if (saved === undefined) delete process.env.EMFORGE_SHARE_RESTARTS;
  else process.env.EMFORGE_SHARE_RESTARTS = saved;
});

const poisson = `model m {
  size N
  size K = 3
  data y[N]: count
  param w: simplex[K]
  param lambda[K]: positive
  latent z[N]: cat[K]
  for n in N {
    z[n] ~ Categorical(w)
    y[n] ~ Poisson(lambda[z[n]])
  }
}`;

function withCalls(program: FitProgram, data: Parameters<typeof fitWithPosteriors>[1], options: EmFitOptions) {
  const calls: IterationInfo[] = [];
  const fit = fitWithPosteriors(program, data, { ...options, onIteration: (info) => calls.push(info) });
  return JSON.stringify({ fit, calls });
}

describe('restarts shared between two threads', () => {
  const faithful = readExample('old-faithful-gmm');
  const gmm = prepare(faithful.model, faithful.data);
  const counts = prepare(poisson, { y: Array.from({ length: 300 }, (_, i) => (i * 7919) % 23) });

  it.each([
    ['Gaussian mixture', gmm, { seed: 3, restarts: 5, posteriors: true }],
    ['Gaussian mixture, SQUAREM', gmm, { seed: 4, restarts: 4, accelerate: 'squarem' as const }],
    ['Poisson mixture', counts, { seed: 5, restarts: 5 }],
  ])(
    '%s: a fit on 2 threads is the 1-thread fit, bit for bit',
    (_, { program, data }, options) => {
      process.env.EMFORGE_SHARE_RESTARTS = '1';
      expect(shareRestarts(options, 2, 1)).toBe(true);
      const one = withCalls(program, data, { ...options, threads: 1 });
      const two = withCalls(program, data, { ...options, threads: 2 });
      expect(two).toBe(one);
    },
    30_000,
  );

  it('every restart run on the worker gives the same outcome as runEm here', () => {
    const options: EmFitOptions = { seed: 7, restarts: 4, maxIter: 200 };
    const spec = specialiseMixture(gmm.program, gmm.data, options)!;
    const fm = prepareFast(spec, 1);
    try {
      const hooks = fastHooks(fm, gmm.data, options);
      const serial = runEm(hooks, options);
      const share = restartShare<Record<string, Float64Array>, unknown>(gmm.program, gmm.data, options);
      try {
        const shared = runEmShared(hooks, options, { claim: () => options.restarts!, collect: share.collect });
        expect(JSON.stringify(shared)).toBe(JSON.stringify(serial));
      } finally {
        share.close();
      }
    } finally {
      releaseArena(fm.arena);
    }
  }, 30_000);

  it('is not used with checkpoints, one restart or one thread', () => {
    delete process.env.EMFORGE_SHARE_RESTARTS;
    const big = 1e12;
    expect(shareRestarts({ restarts: 10 }, 2, big)).toBe(true);
    expect(shareRestarts({ restarts: 1 }, 2, big)).toBe(false);
    expect(shareRestarts({ restarts: 10 }, 1, big)).toBe(false);
    expect(shareRestarts({ restarts: 10, checkpoint: { every: 5, save: () => {} } }, 2, big)).toBe(false);
    expect(shareRestarts({ restarts: 10 }, 2, 10)).toBe(false);
  });
});
