/**
 * Every example the runtime fits (any E-step): the objective never decreases between
 * iterations (the monotonicity invariant, checked over several seeds and restarts), the same
 * seed gives the identical result, and the result survives JSON exactly. Examples it does not
 * support yet must say so with E5001, not fail otherwise.
 */
import { readdirSync } from 'node:fs';
import { lowerProgram, planSource } from '@emforge/compiler';
import { SourceFile } from '@emforge/dsl';
import { describe, expect, it } from 'vitest';
import { fitAny, readExample, root } from './fit-helpers.js';

const examples = readdirSync(new URL('examples/', root), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

function supported(name: string): boolean {
  const outcome = planSource(new SourceFile(name, readExample(name).model));
  const lowered = lowerProgram(outcome);
  if (!lowered.value) expect(lowered.diagnostics.map((d) => d.code)).toEqual(['E5001']);
  return lowered.value !== undefined;
}

const runnable = examples.filter(supported);

describe('examples under the runtime', () => {
  it('supports the finite-mixture examples', () => {
    expect(runnable).toEqual(
      expect.arrayContaining([
        'abo-blood-groups',
        'gamma-mixture',
        'iris-gmm',
        'old-faithful-gmm',
        'poisson-mixture-map',
      ]),
    );
  });

  it.each(runnable)('%s: the objective never decreases', (name) => {
    const { model, data } = readExample(name);
    for (const seed of [1, 2, 3]) {
      const r = fitAny(model, data, { seed, restarts: 2, maxIter: 300, tol: 1e-10 }).result;
      expect(r.warnings.filter((w) => w.includes('decreased'))).toEqual([]);
      for (let t = 1; t < r.history.length; t++) {
        const prev = r.history[t - 1]!;
        expect(r.history[t]! - prev, `${name} seed ${seed} iteration ${t}`).toBeGreaterThanOrEqual(
          -1e-10 * Math.abs(prev),
        );
      }
      expect(Number.isFinite(r.logLik)).toBe(true);
    }
  });

  it.each(runnable)('%s: same seed, same result; JSON round trip is exact', (name) => {
    const { model, data } = readExample(name);
    const a = fitAny(model, data, { seed: 11, restarts: 3 });
    const b = fitAny(model, data, { seed: 11, restarts: 3 });
    expect(b).toEqual(a);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});
