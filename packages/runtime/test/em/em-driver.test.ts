/**
 * The EM driver on small hand-made hooks: iteration counting, convergence on the relative
 * change, the monotonicity warning naming the iteration, restarts keeping the best objective,
 * and determinism of the random streams per restart.
 */
import { describe, expect, it } from 'vitest';
import { type EmHooks, runEm } from '../../src/index.js';

/** A fake EM whose objective approaches −1 from below by halving the distance, from a random start. */
function halving(decreaseAt?: number): EmHooks<number, number> {
  return {
    initialize: (ctx) => -2 - ctx.rng.uniform(),
    eStep: (p) => ({ objective: p, stats: p }),
    mStep: (p, ctx) => (ctx.iteration === decreaseAt ? p * 3 : -1 + (p + 1) / 2),
  };
}

describe('runEm', () => {
  it('counts M-steps and records the objective before the first and after each', () => {
    const { best } = runEm(halving(), { maxIter: 5, tol: 0 });
    expect(best.iterations).toBe(5);
    expect(best.history).toHaveLength(6);
    expect(best.converged).toBe(false);
    expect(best.objective).toBe(best.history[5]);
  });

  it('converges on the relative change of the objective', () => {
    const { best } = runEm(halving(), { maxIter: 1000, tol: 1e-6 });
    expect(best.converged).toBe(true);
    const [prev, last] = best.history.slice(-2) as [number, number];
    expect(Math.abs(last - prev)).toBeLessThan(1e-6 * Math.abs(last));
    const [p2, p1] = best.history.slice(-3, -1) as [number, number];
    expect(Math.abs(p1 - p2)).toBeGreaterThanOrEqual(1e-6 * Math.abs(p1));
  });

  it('warns about a decrease, naming the iteration', () => {
    const { best } = runEm(halving(3), { maxIter: 5, tol: 0 });
    expect(best.warnings).toHaveLength(1);
    expect(best.warnings[0]).toMatch(/^iteration 3: the objective decreased/);
  });

  it('keeps the restart with the best objective, and the same seed gives the same bits', () => {
    const starts: number[] = [];
    const hooks: EmHooks<number, number> = {
      initialize: (ctx) => {
        const v = -ctx.rng.uniform();
        starts.push(v);
        return v;
      },
      eStep: (p) => ({ objective: p, stats: p }),
      mStep: (p) => p,
    };
    const a = runEm(hooks, { seed: 7, restarts: 5, maxIter: 3 });
    expect(a.objectives).toHaveLength(5);
    expect(a.best.objective).toBe(Math.max(...starts));
    const first = [...starts];
    starts.length = 0;
    const b = runEm(hooks, { seed: 7, restarts: 5, maxIter: 3 });
    expect(starts).toEqual(first);
    expect(b).toEqual(a);
  });
});
